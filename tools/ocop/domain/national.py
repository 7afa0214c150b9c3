"""The national OCOP system's product types (`type`: food, drink, herbs, cloth, keepsake, travel) and the
registry's groups, per criteria set: the dated table in data/national-types.yaml."""

from __future__ import annotations

import functools
from pathlib import Path

from ocop.domain import DATA_DIR
from ocop.load import parse_yaml

DATA = DATA_DIR / "national-types.yaml"


@functools.cache
def _data(path: Path = DATA) -> dict:
    return parse_yaml(path.read_text("utf-8"))


def types() -> dict[str, str]:
    """Each national type → its Vietnamese name."""
    return {code: entry["vi"] for code, entry in _data()["types"].items()}


def criteria_sets() -> tuple[str, ...]:
    return tuple(_data()["criteria_sets"])


def groups_of(national_type: str, criteria_set: str) -> tuple[str, ...]:
    """The registry groups a national type may mean under a criteria set (empty: an unknown type)."""
    table = _data()["criteria_sets"].get(criteria_set, {}).get("import", {})
    return tuple(table.get(national_type, ()))


def type_of(group: str, criteria_set: str) -> str | None:
    """The national type of a registry group under its criteria set."""
    return _data()["criteria_sets"].get(criteria_set, {}).get("export", {}).get(group)
