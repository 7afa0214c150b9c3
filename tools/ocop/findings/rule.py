"""Rules: every check reports through a rule registered here, so each has a stable ID, a severity, a
Vietnamese title and description, an example and its fix, and the version that added it. The catalogue
(`ocop rules`, the site's /quy-tac/<ID>/ pages) is generated from these objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    summary: str
    example: str = ""
    fix: str = ""
    family: str = ""


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    severity: Severity,
    title: str,
    summary: str,
    example: str = "",
    fix: str = "",
    family: str = "",
) -> Rule:
    """Register a rule once, at import time of the module that checks it."""
    if id in RULES:
        raise ValueError(f"rule {id} registered twice")
    registered = Rule(id, severity, title, summary, example, fix, family)
    RULES[id] = registered
    return registered


