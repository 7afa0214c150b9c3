"""Findings: what a check reports, at a place in a file, for a registered rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from ocop.findings.rule import RULES, Severity


@dataclass(frozen=True)
class Related:
    file: str
    line: int
    column: int
    message: str


@dataclass
class Finding:
    rule: str
    severity: Severity
    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    related: list[Related] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
            "related": [r.__dict__ for r in self.related],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        related = [Related(**r) for r in data.get("related", [])]
        return cls(**{**data, "related": related})

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule)


def make(
    rule_id: str,
    file: str,
    line: int,
    column: int,
    message: str,
    hint: str = "",
    related: list[Related] | None = None,
    severity: Severity | None = None,
) -> Finding:
    """Create a finding for a registered rule (its severity unless overridden)."""
    registered = RULES[rule_id]
    return Finding(
        rule=rule_id,
        severity=severity or registered.severity,
        file=file,
        line=line,
        column=column,
        message=bounded(message),
        hint=bounded(hint or registered.fix),
        related=related or [],
    )


MAX_TEXT = 400  # characters: rules quote record values, and a hostile value can be a megabyte long


def bounded(text: str) -> str:
    """A message or hint short enough for a terminal line, a GitHub annotation or an issue comment."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
