"""`ocop validate` on records not yet written: the texts an import would write, checked with the registry
they would join, without touching the tree (so that `--dry-run` tells the truth and a run with errors writes
nothing).

The same steps as `check.pipeline`: the strict loader on the exact bytes, the schema, every per-record
rule, then every cross-record rule over the existing records plus these. Positions come from the texts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from ocop.check import pipeline
from ocop.check import rules as checks
from ocop.check import schema as schema_check
from ocop.findings import Finding
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
          progress=None) -> tuple[list[Finding], dict[str, Record]]:
    """Findings about the candidates (or naming them), as `ocop validate` would report them once written."""
    checker = loaded.checker
    findings: list[Finding] = []
    records: dict[str, Record] = {}
    with gc_paused():
        for i, c in enumerate(candidates):
            loaded_doc = load_document(root / c.rel, c.rel, c.text.encode("utf-8"))
            doc = InMemory(c.rel, str(root / c.rel), loaded_doc.data, loaded_doc.findings, text=c.text)
            findings.extend(doc.findings)
            if isinstance(doc.data, dict):
                location = classify(c.rel)
                findings.extend(schema_check.explain(doc, c.kind, checker.schemas)[0])
                record = Record(c.kind, doc.data["id"] if isinstance(doc.data.get("id"), str) else location.stem,
                                doc.data, doc, location)
                findings.extend(checks.run_per_record(record, checker.provinces))
                records[c.rel] = record
            if progress and i % 500 == 0:
                progress("kiểm tra", i, len(candidates))
        registry = _registry(loaded, records)
        ctx = checks.Context(root=root, today=today.isoformat())
        findings.extend(checks.run_cross_record(registry, ctx, skip=pipeline.WHOLE_TREE_FAMILIES))
    names = set(records) | {c.rel for c in candidates}
    folders = {rel.rsplit("/", 1)[0] + "/" for rel in names}
    return [f for f in findings if f.file in names or f.file in folders or any(r.file in names for r in f.related)], records


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
