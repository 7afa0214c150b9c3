"""The static JSON API under /api/v1/: one file per record, paged indexes per kind and per province.

Every file states `as_of`, the date its derived facts hold for. One kind's outputs are held at a time
(its JSON texts and CSV rows, for the dumps); documents themselves are dropped once written.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.model.layout import KINDS
from ocop.publish.files import write_bytes
from ocop.publish.opendata import facts
from ocop.publish.opendata.history import History
from ocop.publish.site import export
from ocop.publish.site.model import SAFE_ID, SiteModel

PAGE_SIZE = 1000


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Written:
    """What the API step produced, for the dumps, the catalogues and the sitemap."""

    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    modified: dict[str, str | None] = field(default_factory=dict)  # record id → last change (git)


@dataclass
class Made:
    """One record's outputs: its API file is written; the rest goes to the indexes and the dumps."""

    record_id: str
    encoded: str  # the API file's text (also its JSON Lines line)
    row: str  # its CSV row, as text (export.Table.line)
    line: dict[str, Any]  # its index line
    modified: str | None


@dataclass
class Reuse:
    """An incremental build's API: only `select`ed records are made and written again; every other record's
    outputs are the previous build's, keyed "kind:id": its document's text (its JSON Lines line, which is its
    API file), its CSV row and its index line."""

    select: set[str]
    texts: dict[str, str]
    rows: dict[str, str]
    lines: dict[str, dict[str, Any]]
    dumps: Path | None = None  # the previous /du-lieu/ (a zip of unchanged bytes is copied from it)

    def made(self, kind: str, record_id: str) -> Made | None:
        key = f"{kind}:{record_id}"
        if record_id in self.select or key not in self.texts or key not in self.rows or key not in self.lines:
            return None
        line = self.lines[key]
        return Made(record_id, self.texts[key], self.rows[key], line, line.get("modified"))


def write(model: SiteModel, history: History, out: Path, sink: Any = None, jobs: int = 1,
          reuse: Reuse | None = None) -> Written:
    """Every API file into out (= the site's api/v1/). `sink(kind, made)` also gets each record's outputs
    in id order (the bulk dumps are written from the same documents, in the same pass). With `jobs` > 1
    and many records, forked workers make and write contiguous shares (file creation dominates).
    With `reuse`, only the selected records' files are written (the indexes and dumps still cover all)."""
    written = Written()
    lines: dict[str, list[dict]] = {}
    for kind in KINDS:
        folder = out / facts.PLURAL[kind]
        folder.mkdir(parents=True, exist_ok=True)
        records = facts.publishable(model, kind)
        lines[kind] = []
        for made in _make_all(model, history, kind, records, os.fspath(folder) + os.sep, jobs, reuse):
            lines[kind].append(made.line)
            written.modified[made.record_id] = made.modified
            if sink:
                sink(kind, made)
        written.counts[kind] = len(lines[kind])
        written.files += len(lines[kind])
    written.files += write_indexes(model, lines, out)
    return written


_FORKED: tuple | None = None  # (model, history, kind, records, prefix, reuse) a forked worker inherits (no pickling)
PARALLEL_FROM = 2000  # below this, starting workers costs more than it saves


def _make_all(model: SiteModel, history: History, kind: str, records: list, prefix: str, jobs: int,
              reuse: Reuse | None = None) -> list[Made]:
    global _FORKED
    if jobs <= 1 or len(records) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return _make_share(model, history, kind, records, prefix, reuse)
    _FORKED = (model, history, kind, records, prefix, reuse)
    try:
        size = -(-len(records) // jobs)
        bounds = [(i, min(i + size, len(records))) for i in range(0, len(records), size)]
        with ProcessPoolExecutor(len(bounds), mp_context=multiprocessing.get_context("fork")) as pool:
            return [made for share in pool.map(_forked_share, bounds) for made in share]
    finally:
        _FORKED = None


def _forked_share(bounds: tuple[int, int]) -> list[Made]:
    assert _FORKED is not None
    model, history, kind, records, prefix, reuse = _FORKED
    return _make_share(model, history, kind, records[bounds[0]:bounds[1]], prefix, reuse)


def _make_share(model: SiteModel, history: History, kind: str, records: list, prefix: str,
                reuse: Reuse | None = None) -> list[Made]:
    links = facts.Links(model)
    table = export.Table(kind, header=False)
    out = []
    for record in records:
        previous = reuse.made(kind, record.id) if reuse else None
        if previous is not None:
            out.append(previous)
            continue
        doc = facts.document(model, links, history, record)
        encoded = dumps(doc)
        write_bytes(f"{prefix}{record.id}.json", encoded.encode("utf-8"))  # plain strings: pathlib costs seconds
        out.append(Made(record.id, encoded, table.line(doc),
                        facts.summary(record, doc["derived"], doc["links"], doc["modified"]), doc["modified"]))
    return out


def pages(items: list[dict]) -> list[list[dict]]:
    return [items[i:i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]


def page_path(kind: str, number: int, province: str | None = None) -> str:
    base = f"provinces/{province}/" if province else ""
    return f"{base}{facts.PLURAL[kind]}/page-{number}.json"


def write_pages(model: SiteModel, out: Path, kind: str, items: list[dict], province: str | None = None) -> int:
    chunks = pages(items)
    url = lambda n: model.url(f"{facts.API}/{page_path(kind, n, province)}")  # noqa: E731
    for number, chunk in enumerate(chunks, start=1):
        doc = {"as_of": model.today.isoformat(), "kind": kind, "province": province, "page": number,
               "pages": len(chunks), "total": len(items), "items": chunk,
               "links": {"self": url(number), "first": url(1), "last": url(len(chunks)),
                         "prev": url(number - 1) if number > 1 else None,
                         "next": url(number + 1) if number < len(chunks) else None}}
        path = out / page_path(kind, number, province)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(doc), encoding="utf-8")
    return len(chunks)


def write_indexes(model: SiteModel, lines: dict[str, list[dict]], out: Path) -> int:
    """Paged indexes per kind and per province, the province list and the root index."""
    files = 0
    kinds = []
    for kind in KINDS:
        count = write_pages(model, out, kind, lines[kind])
        files += count
        kinds.append({"kind": kind, "total": len(lines[kind]), "pages": count,
                      "first_page": model.url(f"{facts.API}/{page_path(kind, 1)}")})
    by_province: dict[str, dict[str, list[dict]]] = defaultdict(lambda: {k: [] for k in KINDS})
    for kind in KINDS:
        for line in lines[kind]:
            by_province[line["province"]][kind].append(line)
    provinces = []
    for slug in sorted(s for s in by_province if SAFE_ID.match(s)):
        entry: dict[str, Any] = {"province": slug, "name": model.province_names.get(slug, slug), "kinds": []}
        for kind in KINDS:
            items = by_province[slug][kind]
            count = write_pages(model, out, kind, items, slug)
            files += count
            entry["kinds"].append({"kind": kind, "total": len(items), "pages": count,
                                   "first_page": model.url(f"{facts.API}/{page_path(kind, 1, slug)}")})
        provinces.append(entry)
    as_of = model.today.isoformat()
    (out / "provinces").mkdir(exist_ok=True)
    (out / "provinces" / "index.json").write_text(dumps({"as_of": as_of, "provinces": provinces}), encoding="utf-8")
    root = {"as_of": as_of, "version": "v1", "kinds": kinds,
            "links": {"self": model.url(f"{facts.API}/index.json"),
                      "provinces": model.url(f"{facts.API}/provinces/index.json"),
                      "openapi": model.url(f"{facts.API}/openapi.json"),
                      "datasets": model.url("du-lieu/data.json")}}
    (out / "index.json").write_text(dumps(root), encoding="utf-8")
    return files + 2
