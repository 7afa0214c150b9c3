"""Terminal reporter: `path:line:col: error[ID] message`, hint and related places indented, summary line."""

from __future__ import annotations

from typing import TextIO

from ..findings import Finding

SEVERITY_VI = {"error": "lỗi", "warning": "cảnh báo"}


def report(findings: list[Finding], files_checked: int, out: TextIO) -> None:
    for f in findings:
        out.write(f"{f.file}:{f.line}:{f.column}: {f.severity}[{f.rule}] {f.message}\n")
        if f.hint:
            out.write(f"    gợi ý: {f.hint}\n")
        for r in f.related:
            out.write(f"    liên quan: {r.file}:{r.line}:{r.column}: {r.message}\n")
    out.write(summary(findings, files_checked) + "\n")


def summary(findings: list[Finding], files_checked: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    verdict = "KHÔNG ĐẠT" if errors else "ĐẠT"
    return f"{verdict}: {files_checked} tệp đã kiểm tra, {errors} lỗi, {warnings} cảnh báo."
