"""Who may recognise which star on which date, and which issuers and unit codes existed on a date:
the dated tables in data/authority.yaml (each end date cites its legal source there)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ocop.domain import DATA_DIR
from ocop.load import parse_yaml

DATA = DATA_DIR / "authority.yaml"


def _covers(start: str | None, end: str | None, date: str) -> bool:
    return (start is None or date >= start) and (end is None or date <= end)


@dataclass(frozen=True)
class Period:
    start: str | None
    end: str | None
    basis: str
    stars: dict[int, dict[str, str]]  # star → level → "ok" | "warning"
    note: str = ""

    def covers(self, date: str) -> bool:
        return _covers(self.start, self.end, date)


@dataclass(frozen=True)
class CentralName:
    start: str | None
    end: str | None
    name: str
    aliases: tuple[str, ...]
    symbol: str = ""  # the abbreviation in a document's number ("BNNMT" in "…/BC-BNNMT")


@dataclass(frozen=True)
class Span:
    """When an issuer level, or a code list of administrative units, existed; and the text that says so."""

    name: str  # the level ("district") or the code version ("2004")
    start: str | None
    end: str | None
    basis: str  # the instrument, short, as findings quote it
    source: str  # the full citation

    def covers(self, date: str) -> bool:
        return _covers(self.start, self.end, date)


@functools.cache
def _data(path: Path = DATA) -> dict:
    return parse_yaml(path.read_text("utf-8"))


@functools.cache
def table(path: Path = DATA) -> tuple[list[Period], list[CentralName]]:
    data = _data(path)
    periods = [Period(p.get("from"), p.get("to"), str(p.get("basis", "")),
                      {int(star): dict(levels) for star, levels in p["stars"].items()},
                      " ".join(str(p.get("note") or "").split())) for p in data["periods"]]
    names = [CentralName(n.get("from"), n.get("to"), n["name"], tuple(n.get("aliases") or []),
                         str(n.get("symbol") or ""))
             for n in data["central_names"]]
    return periods, names


def _spans(key: str, name_key: str, path: Path = DATA) -> list[Span]:
    return [Span(str(s[name_key]), s.get("from"), s.get("to"), str(s.get("basis") or ""),
                 " ".join(str(s.get("source") or "").split())) for s in _data(path).get(key) or []]


@functools.cache
def levels() -> list[Span]:
    """Issuer levels that existed only for a time (the district level until 30/6/2025)."""
    return _spans("levels", "level")


@functools.cache
def code_versions() -> list[Span]:
    """The code lists of administrative units ("2004", "2025") and when each was in use."""
    return _spans("unit_code_versions", "version")


def missing_level(level: str, date: str) -> Span | None:
    """The span of an issuer level that did not exist on `date` (None: it existed, or is not time-bound)."""
    span = next((s for s in levels() if s.name == level), None)
    return span if span is not None and not span.covers(date) else None


def code_version(version: str) -> Span | None:
    return next((s for s in code_versions() if s.name == version), None)


def code_version_on(date: str) -> Span | None:
    """The code list in use on `date`."""
    return next((s for s in code_versions() if s.covers(date)), None)


def verdict(level: str, star: int, date: str) -> tuple[str, Period | None]:
    """'ok', 'warning' or 'error' for an issuer level recognising a star on a date."""
    period = next((p for p in table()[0] if p.covers(date)), None)
    if period is None:
        return "error", None
    return period.stars.get(star, {}).get(level, "error"), period


def central_name(date: str) -> CentralName | None:
    return next((n for n in table()[1] if _covers(n.start, n.end, date)), None)
