"""`ocop rules`: the catalogue of validation rules (Markdown or JSON)."""

from __future__ import annotations

import argparse
import sys

from ocop.cli.options import EXIT_OK
from ocop.report import REPORTERS
from ocop.report.rules import catalogue_report


def add_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("rules", help="danh sách quy tắc kiểm tra", description="In danh sách quy tắc (Markdown hoặc JSON).")
    r.add_argument("--format", choices=["markdown", "json"], default="markdown")
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    REPORTERS[args.format](catalogue_report(), sys.stdout)
    return EXIT_OK
