"""`ocop score`: re-score one evaluation (criteria, parts, total, star)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocop.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ocop.domain import scoring
from ocop.load import load_document
from ocop.report import REPORTERS
from ocop.report.score import score_report
from ocop.report.text import finding_lines


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("score", help="tính điểm một phiếu đánh giá",
                       description="Tính lại điểm từng tiêu chí, từng phần, tổng điểm và hạng sao của một phiếu đánh giá.")
    s.add_argument("file", type=Path, help="tệp phiếu đánh giá (evaluations/<năm>/dg-….yaml)")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        sys.stderr.write(f"ocop score: không có tệp «{path}».\n")
        return EXIT_USAGE
    doc = load_document(path.resolve(), path.as_posix())
    if not isinstance(doc.data, dict):
        for f in doc.findings:
            sys.stderr.write(f"{f.file}:{f.line}:{f.column}: {f.message}\n")
        return EXIT_FINDINGS
    result = scoring.score(doc.data)
    if result is None:
        sys.stderr.write(f"ocop score: bộ tiêu chí «{doc.data.get('criteria_set')}» không có trong dữ liệu.\n")
        return EXIT_FINDINGS
    report = score_report(doc, result)
    REPORTERS[args.format](report, sys.stdout)
    for finding in report.findings:  # the score goes to stdout, its problems to stderr
        sys.stderr.write(finding_lines(finding)[0] + "\n")
    return EXIT_FINDINGS if report.findings else EXIT_OK
