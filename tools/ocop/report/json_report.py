"""JSON reporter: an array of findings with keys rule, severity, file, line, column, message, hint, related."""

from __future__ import annotations

import json
from typing import TextIO

from ..findings import Finding


def report(findings: list[Finding], files_checked: int, out: TextIO) -> None:
    del files_checked
    json.dump([f.to_dict() for f in findings], out, ensure_ascii=False, indent=2)
    out.write("\n")
