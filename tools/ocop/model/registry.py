"""The in-memory index of every record, built once and shared by checks, site, documents and commands."""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.load import Document
from ocop.model.layout import KINDS, Location


def as_list(value: Any) -> list:
    """A list field's value, or [] when the record has something else there (the schema reports that):
    cross-record checks and indexes see records of any shape and must not iterate a number."""
    return value if isinstance(value, list) else []


def _ref(value: Any) -> str | None:
    """An id reference usable as an index key: a mapping or list there (a SCHEMA error) is not hashable."""
    return value if isinstance(value, str) else None


@dataclass
class Record:
    kind: str
    id: str
    data: dict[str, Any]
    doc: Document
    location: Location

    @property
    def path(self) -> str:
        return self.doc.path

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def locate(self, *keypath: Any, at_key: bool = False) -> tuple[int, int]:
        return self.doc.locate(keypath, at_key=at_key)


@dataclass
class Registry:
    root: Path
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in KINDS})
    duplicates: list[tuple[Record, Record]] = field(default_factory=list)
    provinces: list[dict] = field(default_factory=list)
    provinces_doc: Document | None = None
    keys: dict[str, Record] = field(default_factory=dict)  # registry/keys/<province>.yaml by province (model/keys.py)
    # derived indexes, filled by index()
    certificates_of_product: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    products_of_producer: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    # every certificate naming an id in `supersedes`, by id: more than one is an error the lifecycle
    # rule reports, so the index keeps them all rather than the last one loaded
    superseded_by: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    revoked_by: dict[str, tuple[Record, dict]] = field(default_factory=dict)
    evaluations_of_product: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    _any_kind: dict[str, Record] = field(default_factory=dict, repr=False)  # ids are unique across kinds
    # set by the loader from the whole tree, also when only a neighbourhood of records is indexed:
    folder_sizes: dict[str, int] = field(default_factory=dict)  # record files per folder
    files: frozenset[str] = frozenset()  # every file found (photos must be among them)
    photo_problems: dict[str, tuple[str, ...]] = field(default_factory=dict)  # photo file → rules it failed

    def add(self, record: Record) -> None:
        if record.kind == "key":  # not a record with an id of its own: one file of public keys per province
            self.keys[record.location.stem] = record
            return
        existing = self._any_kind.get(record.id)
        if existing is not None:
            self.duplicates.append((existing, record))
            return
        self.records[record.kind][record.id] = record
        self._any_kind[record.id] = record

    def find(self, record_id: str) -> Record | None:
        return self._any_kind.get(record_id)

    def get(self, kind: str, record_id: Any) -> Record | None:
        return self.records[kind].get(record_id) if isinstance(record_id, str) else None

    def all(self, kind: str) -> list[Record]:
        return list(self.records[kind].values())

    def province_slugs(self) -> set[str]:
        return {p["slug"] for p in self.provinces if isinstance(p, dict) and "slug" in p}

    def province(self, slug: str) -> dict | None:
        return next((p for p in self.provinces if p.get("slug") == slug), None)

    def index(self) -> None:
        """Build the reverse links (certificate history, supersession, revocation) once."""
        for cert in self.all("certificate"):
            self.certificates_of_product[_ref(cert.get("product"))].append(cert)
            prev = cert.get("supersedes")
            if isinstance(prev, str):
                self.superseded_by[prev].append(cert)
        for product in self.all("product"):
            self.products_of_producer[_ref(product.get("producer"))].append(product)
        for evaluation in self.all("evaluation"):
            self.evaluations_of_product[_ref(evaluation.get("product"))].append(evaluation)
        for decision in self.all("decision"):
            if decision.get("type") != "revocation":
                continue
            for entry in as_list(decision.get("entries")):
                if isinstance(entry, dict) and isinstance(entry.get("certificate"), str):
                    self.revoked_by[entry["certificate"]] = (decision, entry)
        for certs in self.certificates_of_product.values():
            certs.sort(key=lambda c: (str(c.get("valid_from") or ""), c.id))
        for certs in self.superseded_by.values():
            certs.sort(key=lambda c: c.id)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """For work over the whole index (validating, rendering the site). Tens of thousands of long-lived
    records hold no cycles, yet the cyclic GC would walk them again and again (over half of a warm
    validation's time); frozen, they are also not touched in forked workers (no copy-on-write)."""
    global _gc_pauses
    _gc_pauses += 1
    outermost, was_enabled = _gc_pauses == 1, gc.isenabled()
    gc.disable()
    if outermost:
        gc.freeze()
    try:
        yield
    finally:
        _gc_pauses -= 1
        if outermost:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


_gc_pauses = 0  # nesting depth: only the outermost pause freezes and unfreezes
