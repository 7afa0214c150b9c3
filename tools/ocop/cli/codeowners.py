"""`ocop codeowners`: print or write the generated .github/CODEOWNERS."""

from __future__ import annotations

import argparse
import sys

from ocop.check.pipeline import load_registry
from ocop.cli.options import EXIT_OK
from ocop.model import codeowners
from ocop.ops.codeowners import write


def add_parser(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("codeowners", help="sinh tệp .github/CODEOWNERS từ registry/provinces.yaml",
                       description="In (hoặc ghi với --write) tệp CODEOWNERS: nhóm trung ương (national_team) duyệt "
                       "mọi tệp; mỗi thư mục tỉnh và kế hoạch của tỉnh → nhóm phụ trách.")
    c.add_argument("--write", action="store_true", help="ghi vào .github/CODEOWNERS")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    registry = load_registry(args.root)[0]
    if args.write:
        write(args.root, registry)
        sys.stdout.write(f"Đã ghi {codeowners.PATH}.\n")
    else:
        sys.stdout.write(codeowners.render(registry))
    return EXIT_OK
