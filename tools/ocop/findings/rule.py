"""Rules: every check reports through a rule registered here, so each has a stable ID, a severity, a
Vietnamese title and description, an example and its fix, and the version that added it. The catalogue
(`ocop rules`, the site's /quy-tac/<ID>/ pages) is generated from these objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    id: str  # stable: never reused, never renamed (annotations, pages and issue replies link to it)
    severity: Severity
    title: str  # Vietnamese, one line
    summary: str  # Vietnamese description: what the rule checks and why
    example: str = ""  # a bad example (YAML or a file path) that the rule reports
    fix: str = ""  # how to fix it, in words; also the default hint of its findings
    family: str = ""  # the check family, which groups rules in the catalogue
    fixed: str = ""  # the bad example, corrected
    added_in: str = "0.1.0"  # the package version that introduced the rule

    @property
    def page(self) -> str:
        return rule_page(self.id)


def rule_page(rule_id: str) -> str:
    """A rule's page on the public site, relative to the site's root."""
    return f"quy-tac/{rule_id}/"


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    severity: Severity,
    title: str,
    summary: str,
    example: str = "",
    fix: str = "",
    family: str = "",
    fixed: str = "",
    added_in: str = "0.1.0",
) -> Rule:
    """Register a rule once, at import time of the module that checks it."""
    if id in RULES:
        raise ValueError(f"rule {id} registered twice")
    registered = Rule(id, severity, title, summary, example, fix, family, fixed, added_in)
    RULES[id] = registered
    return registered


