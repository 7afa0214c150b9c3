"""`ocop forms`: the GitHub issue forms generated from the schemas."""

from __future__ import annotations

import argparse
import sys

from ocop.cli.options import EXIT_FINDINGS, EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    forms = sub.add_parser("forms", help="sinh biểu mẫu issue (.github/ISSUE_TEMPLATE) từ lược đồ",
                           description="Sinh các biểu mẫu đăng ký trên GitHub từ lược đồ JSON.")
    forms.add_argument("--write", action="store_true", help="ghi tệp (mặc định: chỉ báo tệp nào đã cũ)")
    forms.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ocop.authoring import forms

    stale = forms.stale(args.root)
    if args.write:
        for rel in forms.write(args.root):
            sys.stdout.write(f"đã ghi {rel}\n")
        return EXIT_OK
    for rel in stale:
        sys.stdout.write(f"cũ: {rel} (chạy «{forms.COMMAND}»)\n")
    return EXIT_FINDINGS if stale else EXIT_OK
