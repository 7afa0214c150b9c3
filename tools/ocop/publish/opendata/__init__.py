"""Open data other systems can use: the static JSON API (/api/v1/), bulk and delta dumps, catalogue
metadata (/du-lieu/), the sitemap. Records and derived facts come from the site model (never re-read).

`publish()` writes everything but the sitemap into a folder that becomes the site's root; `finish()`
writes the sitemap and robots.txt once the whole site exists.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ocop.model.layout import KINDS
from ocop.model.registry import gc_paused
from ocop.model.schemas import load_schemas, schema_dir, schema_uri
from ocop.publish.opendata import api, dumps, history, metadata, openapi, sitemap
from ocop.publish.site.history import Histories
from ocop.publish.site.model import SiteModel

DATA = "du-lieu"
SCHEMAS = "luoc-do"


@dataclass
class Published:
    history: history.History
    written: api.Written
    delta: history.Delta
    files: list[Path] = field(default_factory=list)  # everything in /du-lieu/ (what SHA256SUMS lists)


def _json(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def publish(model: SiteModel, dest: Path, since_commit: str | None = None, jobs: int | None = None,
            changes: Histories | None = None, reuse: api.Reuse | None = None) -> Published:
    """The API under dest/api/v1/ and the dumps and metadata under dest/du-lieu/ (with `reuse`: only the
    selected records' API files, every index and dump)."""
    root = model.registry.root
    past = history.read(root, changes)  # the build's record history: no second `git log`
    data = dest / DATA
    sink = dumps.Dumps(data, (model.today.year, model.today.month, model.today.day, 0, 0, 0),
                       reuse.dumps if reuse else None)
    jobs = jobs or min(os.cpu_count() or 1, 4)
    with gc_paused():  # 62,000 documents of short-lived dicts: GC passes over the big registry cost seconds
        written = api.write(model, past, dest / api.facts.API, sink, jobs, reuse)
    files = sink.close(KINDS)
    files += copy_schemas(root, data / SCHEMAS)
    schemas = load_schemas(schema_dir(root))
    _json(dest / api.facts.API / "openapi.json", openapi.spec(model.site_url, schemas, {"name": metadata.LICENCE["title"], "identifier": metadata.LICENCE["name"]}))
    change = history.delta(root, since_commit, past.head, set(written.modified))
    files.append(_json(data / "delta.json", {"as_of": model.today.isoformat(), **change.__dict__}))
    files.append(_json(data / "build.json", {"commit": past.head, "commit_date": past.head_date,
                                             "as_of": model.today.isoformat(),
                                             "built": built_at().isoformat(timespec="seconds")}))
    hashes = {p: dumps.sha256(p) for p in files}
    sizes = {p.name: p.stat().st_size for p in files}
    by_name = {p.name: digest for p, digest in hashes.items()}
    schema_ids = {kind: schema_uri(kind, schemas[kind]) for kind in KINDS}
    files.append(_json(data / "datapackage.json", metadata.datapackage(model, sizes, by_name, past.head_date)))
    files.append(_json(data / "data.json", metadata.dcat(model, sizes, by_name, schema_ids, past.head_date)))
    dumps.checksums(data, files, hashes)
    return Published(past, written, change, files)


def built_at() -> dt.datetime:
    """When the build ran: SOURCE_DATE_EPOCH when set (reproducible builds' convention), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)


def previous(site: Path, select: set[str]) -> api.Reuse:
    """The previous build's API documents, CSV rows and index lines, by "kind:id" (see api.Reuse)."""
    texts: dict[str, str] = {}
    rows: dict[str, str] = {}
    lines: dict[str, dict] = {}
    for kind in KINDS:
        plural = api.facts.PLURAL[kind]
        with (site / DATA / f"{plural}.jsonl").open(encoding="utf-8") as jsonl:
            for line in jsonl:
                line = line.rstrip("\n")
                texts[f"{kind}:{_id_of(line)}"] = line
        with (site / DATA / f"{plural}.csv").open(encoding="utf-8-sig", newline="") as csv_file:  # CRLF kept
            table = csv_file.read()
        rows.update((f"{kind}:{_first_cell(row)}", row) for row in csv_rows(table)[1:])  # [0]: the header
        for page in (site / api.facts.API / plural).glob("page-*.json"):
            for item in json.loads(page.read_text(encoding="utf-8"))["items"]:
                lines[f"{kind}:{item['id']}"] = item
    return api.Reuse(select, texts, rows, lines, site / DATA)


def reused_files(site: Path) -> list[str]:
    """The files `previous` reads (site paths), whose digests the build manifest keeps."""
    found = [f"{DATA}/{api.facts.PLURAL[kind]}{suffix}" for kind in KINDS for suffix in (".jsonl", ".csv")]
    for kind in KINDS:
        folder = f"{api.facts.API}/{api.facts.PLURAL[kind]}"
        found += sorted(f"{folder}/{p.name}" for p in (site / folder).glob("page-*.json"))
    return found


def csv_rows(table: str) -> list[str]:
    """A CSV text (export.Table's: rows end in CRLF) cut into its rows, each as written, line end included.
    A quoted cell may hold line breaks: a row ends at a CRLF outside quotes, i.e. after an even number of
    quote characters (an escaped quote is two)."""
    rows: list[str] = []
    pending = ""
    for piece in table.split("\r\n")[:-1]:  # the text ends with a row's CRLF: the last piece is empty
        pending += piece + "\r\n"
        if pending.count('"') % 2 == 0:
            rows.append(pending)
            pending = ""
    if pending or (table and not table.endswith("\r\n")):
        raise ValueError("CSV của lần dựng trước bị cắt dở")  # the manifest's digest makes this unreachable
    return rows


def _first_cell(row: str) -> str:
    if not row.startswith('"'):
        return row.split(",", 1)[0].rstrip("\r\n")
    return next(csv.reader([row]))[0]


def _id_of(line: str) -> str:
    head = line.split(',"modified":', 1)[0]  # {"as_of":…,"kind":…,"id":"…" comes first (facts.document)
    if '"id":"' in head and "\\" not in head:
        return head.split('"id":"', 1)[1].rstrip('"')
    return str(json.loads(line)["id"])


def copy_schemas(root: Path, out: Path) -> list[Path]:
    """The JSON Schemas as they are (byte for byte): their absolute $id is this folder's URL."""
    out.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in sorted(schema_dir(root).glob("*.schema.json")):
        shutil.copyfile(path, out / path.name)
        copies.append(out / path.name)
    return copies


def finish(site: Path, model: SiteModel, published: Published | None) -> int:
    """sitemap.xml and robots.txt over the finished site."""
    return sitemap.write(site, model, published.history if published else history.History())
