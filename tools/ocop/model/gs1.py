"""GS1 identifiers: the GTIN check digit (GS1 General Specifications §7.9.1, the mod-10 algorithm)."""

from __future__ import annotations

import re

GTIN = re.compile(r"^(?:[0-9]{8}|[0-9]{12,14})$")


def check_digit(body: str) -> int:
    """The check digit of a GTIN's other digits: weights 3, 1, 3, … from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_valid(value: str) -> bool:
    return bool(GTIN.match(value)) and check_digit(value[:-1]) == int(value[-1])


def gtin14(value: str) -> str:
    """A GTIN as GS1 Digital Link writes it: 14 digits, zeros in front."""
    return value.zfill(14)
