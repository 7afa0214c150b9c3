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
    # A finding in a spreadsheet (`ocop import`): `file` is the workbook or CSV, `line` the row, `column` the
    # column's number and `cell` where a person looks: "Sheet1!C12" ("C12" in a CSV). In the national system's
    # JSON (`ocop import ocop-vn`): `line` is the product's place in the list and `cell` a JSON Pointer
    # ("/11/manufacturer/address"). Empty for a record file.
    cell: str = ""

    @property
    def pointer(self) -> bool:
        """Is `cell` a JSON Pointer (a value in a JSON file) rather than a spreadsheet cell?"""
        return self.cell.startswith("/")

    @property
    def location(self) -> str:
        """`file:line:column`, `file:Sheet1!C12` for a spreadsheet cell, `file#/11/name` for a JSON value."""
        if self.pointer:
            return f"{self.file}#{self.cell}"
        return f"{self.file}:{self.cell}" if self.cell else f"{self.file}:{self.line}:{self.column}"

    def to_dict(self) -> dict:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
            "related": [r.__dict__ for r in self.related],
        }
        if self.pointer:  # only import findings carry these keys: record findings keep their JSON shape
            out.update(item=self.line, pointer=self.cell, cell=self.cell)
        elif self.cell:
            sheet, _, _ = self.cell.rpartition("!")
            out.update(sheet=_unquote_sheet(sheet), row=self.line, cell=self.cell)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        related = [Related(**r) for r in data.get("related", [])]
        fields = {k: v for k, v in data.items() if k not in ("sheet", "row", "item", "pointer")}  # from cell, line
        return cls(**{**fields, "related": related})

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
    cell: str = "",
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
        cell=cell,
    )


def _unquote_sheet(name: str) -> str:
    """'Bảng 1' → Bảng 1, as spreadsheet formulas quote sheet names ('' inside stands for ')."""
    return name[1:-1].replace("''", "'") if len(name) >= 2 and name[0] == name[-1] == "'" else name


MAX_TEXT = 400  # characters: rules quote record values, and a hostile value can be a megabyte long


def bounded(text: str) -> str:
    """A message or hint short enough for a terminal line, a GitHub annotation or an issue comment."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


PER_RULE_AND_FILE = 20  # findings of one rule in one file; past that, one finding says how many more


def capped(findings: list[Finding], limit: int = PER_RULE_AND_FILE, more: dict[tuple[str, str], int] | None = None,
           ) -> list[Finding]:
    """At most `limit` findings per (rule, file), in their order, then one finding of the same rule at the
    first one left out, saying how many there are besides ("và N lỗi tương tự"). `more` counts findings
    known to exist beyond those given (a check that stopped early), keyed by (rule, file).

    A 1 MB file can hold half a million list items; one finding each would cost minutes, gigabytes and a
    report no one can read.
    """
    more = more or {}
    seen: dict[tuple[str, str], list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        group = seen.setdefault((f.rule, f.file), [])
        group.append(f)
        if len(group) <= limit:
            out.append(f)
    for (rule_id, file), group in seen.items():
        rest = group[limit:]
        if not rest and not more.get((rule_id, file)):
            continue
        first = rest[0] if rest else group[-1]  # where the summary stands: the first finding not shown
        word = "lỗi" if first.severity == "error" else "cảnh báo"
        at_least = "ít nhất " if more.get((rule_id, file)) else ""
        count = len(rest) + more.get((rule_id, file), 0)
        out.append(Finding(rule_id, first.severity, file, first.line, first.column,
                           f"… và {at_least}{count} {word} {rule_id} tương tự trong tệp này (chỉ hiện {limit} đầu tiên).",
                           "Sửa các chỗ đã nêu rồi chạy lại để xem tiếp.", cell=first.cell))
    return out
