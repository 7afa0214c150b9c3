"""`ocop expiry-sync`: one GitHub issue per province listing its expired and expiring certificates."""

from __future__ import annotations

import argparse
import subprocess
import sys

from ocop.check.pipeline import load_registry
from ocop.cli.options import EXIT_OK, EXIT_USAGE, add_today, today_of
from ocop.ops import expiry_sync


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("expiry-sync", help="đồng bộ issue GitHub về chứng nhận hết hạn (mỗi tỉnh một issue)",
                       description="Tạo, sửa hoặc đóng issue «Chứng nhận OCOP hết hạn / sắp hết hạn — <tỉnh>» bằng gh.")
    add_today(s, "ngày tính hiệu lực")
    s.add_argument("--dry-run", action="store_true", help="chỉ in việc sẽ làm, không gọi gh để thay đổi")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    registry = load_registry(args.root)[0]
    try:
        actions = expiry_sync.sync(registry, today_of(args), dry_run=args.dry_run)
    except FileNotFoundError:
        sys.stderr.write("ocop expiry-sync: không tìm thấy lệnh gh (GitHub CLI). Cài gh và đặt GH_TOKEN.\n")
        return EXIT_USAGE
    except subprocess.CalledProcessError as err:
        sys.stderr.write(f"ocop expiry-sync: gh báo lỗi (mã {err.returncode}): {(err.stderr or '').strip()}\n")
        return EXIT_USAGE
    for action in actions:
        sys.stdout.write(action + "\n")
    return EXIT_OK
