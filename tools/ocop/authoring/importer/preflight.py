"""`ocop validate` on records not yet written: the texts an import would write, checked with the registry
they would join, without touching the tree (so that `--dry-run` tells the truth and a run with errors writes
nothing).

The same steps as `check.pipeline`: the strict loader on the exact bytes, the schema, every per-record
rule, then every cross-record rule over the existing records plus these. Positions come from the texts.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from ocop.check import pipeline
from ocop.check import rules as checks
from ocop.check import schema as schema_check
from ocop.findings import Finding, capped
from ocop.load import Document, load_document
from ocop.load.loader import StrictLoader
from ocop.model.layout import classify
from ocop.model.registry import Record, Registry, gc_paused


@dataclass
class InMemory(Document):
    """A document whose text is not on disk: positions are found in `text`."""

    text: str = ""

    def _compose(self) -> yaml.Node | None:
        if self._root is None:
            try:
                self._root = yaml.compose(self.text, Loader=StrictLoader)
            except Exception:  # the loader reported why; findings then point at 1:1
                return None
        return self._root


@dataclass
class Candidate:
    rel: str
    kind: str
    text: str


def check(root: Path, loaded: pipeline.Loaded, candidates: list[Candidate], today: dt.date,
          progress=None, jobs: int | None = None) -> tuple[list[Finding], dict[str, Record]]:
    """Findings about the candidates (or naming them), as `ocop validate` would report them once written."""
    findings: list[Finding] = []
    records: dict[str, Record] = {}
    texts = {c.rel: c for c in candidates}
    with gc_paused():
        for done, (rel, data, file_findings) in enumerate(_per_file(loaded.checker, candidates, jobs)):
            findings.extend(Finding.from_dict(f) for f in file_findings)
            if isinstance(data, dict):
                c = texts[rel]
                doc = InMemory(rel, str(root / rel), data, text=c.text)
                location = classify(rel)
                records[rel] = Record(c.kind, data["id"] if isinstance(data.get("id"), str) else location.stem,
                                      data, doc, location)
            if progress and done % 500 == 0:
                progress("kiểm tra", done, len(candidates))
        registry = _registry(loaded, records)
        ctx = checks.Context(root=root, today=today.isoformat())
        cross = checks.run_cross_record(registry, ctx, skip=pipeline.WHOLE_TREE_FAMILIES)
        findings.extend(capped(cross))
    names = set(texts)
    folders = {rel.rsplit("/", 1)[0] + "/" for rel in names}
    return [f for f in findings if f.file in names or f.file in folders or any(r.file in names for r in f.related)], records


def check_texts(checker: pipeline.FileChecker, batch: list[tuple[str, str, str]]) -> list[tuple[str, object, list[dict]]]:
    """The per-file stage of `ocop validate` (loader, schema, per-record rules) on texts: (rel, data, findings)."""
    out = []
    for rel, kind, text in batch:
        doc = load_document(checker.root / rel, rel, text.encode("utf-8"))
        doc = InMemory(rel, str(checker.root / rel), doc.data, doc.findings, text=text)
        findings = list(doc.findings)
        more = None
        if isinstance(doc.data, dict):
            location = classify(rel)
            explained, unexplained = schema_check.explain(doc, kind, checker.schemas)
            findings.extend(explained)
            record_id = doc.data["id"] if isinstance(doc.data.get("id"), str) else location.stem
            findings.extend(checks.run_per_record(Record(kind, record_id, doc.data, doc, location), checker.provinces))
            more = {("SCHEMA", rel): 1} if unexplained else None
        out.append((rel, doc.data, [f.to_dict() for f in capped(findings, more=more)]))
    return out


def _batch(args: tuple[pipeline.FileChecker, list[tuple[str, str, str]]]) -> bytes:
    return marshal.dumps(check_texts(*args))


def _per_file(checker: pipeline.FileChecker, candidates: list[Candidate], jobs: int | None):
    items = [(c.rel, c.kind, c.text) for c in candidates]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < pipeline.PARALLEL_THRESHOLD:
        yield from check_texts(checker, items)
        return
    size = max(200, len(items) // (workers * 4))
    batches = [(checker, items[i:i + size]) for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for blob in pool.map(_batch, batches):
            yield from marshal.loads(blob)


def _registry(loaded: pipeline.Loaded, new: dict[str, Record]) -> Registry:
    """The existing index with the candidates added (a candidate at an existing path replaces that record)."""
    old = loaded.registry
    registry = Registry(root=old.root)
    registry.provinces, registry.provinces_doc = old.provinces, old.provinces_doc
    for by_id in old.records.values():
        for record in by_id.values():
            if record.path not in new:
                registry.add(record)
    for first, second in old.duplicates:
        if second.path not in new and first.path not in new:
            registry.duplicates.append((first, second))
    for record in new.values():
        registry.add(record)
    registry.index()
    sizes = Counter(loaded.folder_sizes)
    sizes.update(rel.rsplit("/", 1)[0] for rel in new if rel not in loaded.file_set)
    registry.folder_sizes, registry.files = dict(sizes), loaded.file_set | frozenset(new)
    return registry
