"""Subcommands for the OCOP rules: score, expiry, expiry-sync, codeowners."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import scoring
from .load import load_document

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("score", help="tính điểm một phiếu đánh giá",
                       description="Tính lại điểm từng tiêu chí, từng phần, tổng điểm và hạng sao của một phiếu đánh giá.")
    s.add_argument("file", type=Path, help="tệp phiếu đánh giá (evaluations/<năm>/dg-….yaml)")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.set_defaults(func=run_score)

    from . import expiry_cli

    expiry_cli.add_parsers(sub)


def run_score(args: argparse.Namespace) -> int:
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
    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result))
    for problem in result.problems:
        line, column = doc.locate(problem.keypath)
        sys.stderr.write(f"{doc.path}:{line}:{column}: error[{problem.code}] {problem.message}\n")
    return EXIT_FINDINGS if result.problems else EXIT_OK


def render_text(result: scoring.Score) -> str:
    cset = scoring.criteria_sets()[result.criteria_set]
    lines = [f"Bộ tiêu chí {result.criteria_set}, bộ sản phẩm {result.product_set}"]
    for c in result.criteria:
        lines.append(f"  {c.id}  {_num(c.points):>5} / {_num(c.max):<3} {c.name}")
    for part, points in result.parts.items():
        lines.append(f"Phần {part} ({cset.part_names.get(part, '')}): {_num(points)} / {_num(cset.parts[part])}")
    lines.append(f"Tổng điểm: {_num(result.total)}")
    star = f"Hạng: {result.star}★"
    if result.star != result.band:
        star += f" (khung điểm {result.band}★, hạ vì không đạt tiêu chí bắt buộc {', '.join(result.failed_mandatory)})"
    lines.append(star)
    return "\n".join(lines) + "\n"


def _num(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
