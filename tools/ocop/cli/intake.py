"""`ocop intake issue`: a registration issue form becomes a pull request, or a reply with the errors."""

from __future__ import annotations

import argparse
from pathlib import Path

from ocop.cli.options import add_today


def add_parser(sub: argparse._SubParsersAction) -> None:
    intake = sub.add_parser("intake", help="biến biểu mẫu issue trên GitHub thành pull request",
                            description="Đọc sự kiện issue của GitHub Actions, dựng hồ sơ, kiểm tra, mở pull request "
                                        "hoặc trả lời lỗi trên issue.")
    intake_sub = intake.add_subparsers(dest="intake_command", metavar="LỆNH")
    issue = intake_sub.add_parser("issue", help="xử lý một issue đăng ký")
    issue.add_argument("--event", type=Path, required=True, metavar="TỆP", help="tệp sự kiện ($GITHUB_EVENT_PATH)")
    issue.add_argument("--dry-run", action="store_true", help="không gọi git/gh, không để lại tệp nào; chỉ in việc sẽ làm")
    add_today(issue)
    issue.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ocop.authoring import intake

    return intake.run(args.root, args.event, dry_run=args.dry_run, today=args.today)
