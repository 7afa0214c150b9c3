"""Stage 4, reporters: one `Report` (what a command found) rendered by one protocol in four formats.

`ocop validate`, `ocop expiry`, `ocop score` and `ocop rules` all build a `Report` and hand it to
`REPORTERS[format]`; nothing else prints findings. Adding a format is adding a module with a
`report(report, out)` function and a line in `REPORTERS`.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from ocop.report import github, json_report, markdown, text
from ocop.report.model import Report, Table

__all__ = ["REPORTERS", "Report", "Reporter", "Table"]


class Reporter(Protocol):
    def __call__(self, report: Report, out: TextIO) -> None: ...


REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "github": github.report,
    "json": json_report.report,
    "markdown": markdown.report,
}
