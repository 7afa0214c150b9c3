"""The static JSON API under /api/v1/: one file per record, paged indexes per kind and per province.

Every file states `as_of`, the date its derived facts hold for. Files are written as they are made (at
national scale 62,000 documents are never held at once); only the index lines are kept.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.model.layout import KINDS
from ocop.publish.opendata import facts
from ocop.publish.opendata.history import History
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


def write(model: SiteModel, history: History, out: Path, sink: Any = None) -> Written:
    """Every API file into out (= the site's api/v1/). `sink(kind, document)` also gets each document
    (the bulk dumps are written from the same documents, in the same pass)."""
    links = facts.Links(model)
    written = Written()
    lines: dict[str, list[dict]] = {}
    for kind in KINDS:
        folder = out / facts.PLURAL[kind]
        folder.mkdir(parents=True, exist_ok=True)
        lines[kind] = []
        for record in facts.publishable(model, kind):
            doc = facts.document(model, links, history, record)
            (folder / f"{record.id}.json").write_text(dumps(doc), encoding="utf-8")
            lines[kind].append(facts.summary(record, doc["derived"], doc["links"], doc["modified"]))
            written.modified[record.id] = doc["modified"]
            if sink:
                sink(kind, doc)
        written.counts[kind] = len(lines[kind])
        written.files += len(lines[kind])
    written.files += write_indexes(model, lines, out)
    return written


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
