"""Check families. Each module registers its rules and exposes one or both of:

- `check_record(record, provinces) -> Iterable[Finding]`: needs only the record, its path and
  registry/provinces.yaml. Runs in the per-file stage, so it is parallel and cached with the file.
- `check(registry, ctx) -> Iterable[Finding]`: needs other records (references, history, lifecycle).

`review` has neither: its rules judge a change (--changed-since), and the pipeline calls it directly.

Order matters only for reading the output: structure first (layout, references, units), then the
OCOP rules (scoring, authority, lifecycle), then history against a base ref.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.findings import Finding
from ocop.model.layout import CENTRAL
from ocop.model.registry import Record, Registry

FAMILY_MODULES = [
    "layout",
    "references",
    "photos",
    "unitrefs",
    "scoring",
    "authority",
    "lifecycle",
    "history",
    "markup",
    "sync",
    "forms",
    "publishing",
    "review",
    "importing",
    "gs1",
    "plans",
]


@dataclass
class Context:
    root: Path
    today: str = field(default_factory=lambda: dt.date.today().isoformat())
    base_ref: str | None = None


@dataclass(frozen=True)
class Provinces:
    """What per-record checks know of registry/provinces.yaml: each current province's folder and code."""

    code_of: dict[str, str]

    @classmethod
    def from_list(cls, provinces: object) -> Provinces:
        items = provinces if isinstance(provinces, list) else []
        return cls({p["slug"]: p.get("code") for p in items if isinstance(p, dict) and isinstance(p.get("slug"), str)})

    @property
    def folders(self) -> set[str]:
        """Folders a record may sit in: the current provinces and the central one."""
        return set(self.code_of) | {CENTRAL}


CheckFn = Callable[[Registry, Context], Iterable[Finding]]
RecordCheckFn = Callable[[Record, Provinces], Iterable[Finding]]


@functools.cache
def _modules() -> list[tuple[str, Any]]:
    """Every family module; a missing one is an error, never a silently smaller rule set."""
    return [(name, importlib.import_module(f"{__name__}.{name}")) for name in FAMILY_MODULES]


def families() -> list[tuple[str, CheckFn]]:
    """The cross-record check of every family module (adding a family is adding its name above)."""
    return [(name, module.check) for name, module in _modules() if hasattr(module, "check")]


def record_checks() -> list[tuple[str, RecordCheckFn]]:
    """The per-record check of every family module that has one."""
    return [(name, module.check_record) for name, module in _modules() if hasattr(module, "check_record")]


def run_per_record(record: Record, provinces: Provinces) -> list[Finding]:
    findings: list[Finding] = []
    for _name, check in _record_checks():
        findings.extend(check(record, provinces))
    return findings


_record_checks = functools.cache(record_checks)


def run_cross_record(registry: Registry, ctx: Context, only: tuple[str, ...] | None = None,
                     skip: tuple[str, ...] = ()) -> list[Finding]:
    findings: list[Finding] = []
    for name, check in families():
        if name not in skip and (only is None or name in only):
            findings.extend(check(registry, ctx))
    return findings
