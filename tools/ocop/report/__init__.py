"""Reporters: the same findings, rendered for a terminal, for GitHub Actions, or as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..findings import Finding
from . import github, json_report, text

Reporter = Callable[[list[Finding], int, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "github": github.report,
    "json": json_report.report,
}
