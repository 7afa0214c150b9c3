"""JSON reporter: by default an array of findings with keys rule, severity, file, line, column, message,
hint, related; a report may carry its own JSON value instead (expiry rows, a score, the rule catalogue)."""

from __future__ import annotations

import json
from typing import TextIO

from ocop.report.model import Report


def report(report: Report, out: TextIO) -> None:
    data = report.data if report.data is not None else [f.to_dict() for f in report.findings]
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
