"""Check families. Each module exposes `check(registry, ctx) -> Iterable[Finding]` and registers its rules.

Order matters only for reading the output: structure first (layout, references, units), then the
OCOP rules (scoring, authority, lifecycle), then history against a base ref.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding
from ..registry import Registry

FAMILY_MODULES = [
    "layout",
    "references",
    "unitrefs",
    "scoring",
    "authority",
    "lifecycle",
    "history",
    "markup",
    "sync",
    "forms",
]


@dataclass
class Context:
    root: Path
    today: str = field(default_factory=lambda: dt.date.today().isoformat())
    base_ref: str | None = None


CheckFn = Callable[[Registry, Context], Iterable[Finding]]


def families() -> list[tuple[str, CheckFn]]:
    """The check functions of every family module present (a family can be added as one file)."""
    out = []
    for name in FAMILY_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"{__name__}.{name}":
                continue
            raise
        out.append((name, module.check))
    return out


def run_cross_record(registry: Registry, ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for _name, check in families():
        findings.extend(check(registry, ctx))
    return findings
