"""Who may recognise which star on which date: the dated table in data/authority.yaml."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ocop.domain import DATA_DIR
from ocop.load import parse_yaml

DATA = DATA_DIR / "authority.yaml"


@dataclass(frozen=True)
class Period:
    start: str | None
    end: str | None
    basis: str
    stars: dict[int, dict[str, str]]  # star → level → "ok" | "warning"

    def covers(self, date: str) -> bool:
        return (self.start is None or date >= self.start) and (self.end is None or date <= self.end)


@dataclass(frozen=True)
class CentralName:
    start: str | None
    end: str | None
    name: str
    aliases: tuple[str, ...]


@functools.cache
def table(path: Path = DATA) -> tuple[list[Period], list[CentralName]]:
    data = parse_yaml(path.read_text("utf-8"))
    periods = [Period(p.get("from"), p.get("to"), str(p.get("basis", "")),
                      {int(star): dict(levels) for star, levels in p["stars"].items()}) for p in data["periods"]]
    names = [CentralName(n.get("from"), n.get("to"), n["name"], tuple(n.get("aliases") or []))
             for n in data["central_names"]]
    return periods, names


def verdict(level: str, star: int, date: str) -> tuple[str, Period | None]:
    """'ok', 'warning' or 'error' for an issuer level recognising a star on a date."""
    period = next((p for p in table()[0] if p.covers(date)), None)
    if period is None:
        return "error", None
    return period.stars.get(star, {}).get(level, "error"), period


def central_name(date: str) -> CentralName | None:
    return next((n for n in table()[1] if (n.start is None or date >= n.start) and (n.end is None or date <= n.end)),
                None)
