"""`ocop keys new --province SLUG`: a key pair for signing stamps (the work: authoring/keys.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ocop.cli.options import EXIT_OK, EXIT_USAGE, add_today, today_of


def add_parser(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help="khóa ký tem OCOP (Ed25519)",
                          description="Quản lý khóa ký dữ liệu trên tem OCOP.")
    inner = keys.add_subparsers(dest="keys_command", metavar="LỆNH")
    new = inner.add_parser("new", help="tạo cặp khóa mới cho một tỉnh",
                           description="Tạo cặp khóa Ed25519: khóa bí mật ghi ra ngoài kho (chỉ chủ sở hữu đọc được), "
                                       "khóa công khai và thời hạn thêm vào registry/keys/<tỉnh>.yaml.")
    new.add_argument("--province", required=True, metavar="TỈNH", help="thư mục tỉnh, ví dụ ha-noi; trung-uong cho khóa quốc gia")
    new.add_argument("--out", type=Path, default=None, metavar="THƯ_MỤC",
                     help="nơi ghi khóa bí mật, ngoài kho (mặc định: $OCOP_SIGNING_KEY_DIR hoặc ~/.config/ocop/keys)")
    new.add_argument("--years", type=int, default=10, help="số năm hiệu lực (mặc định 10)")
    new.add_argument("--note", default=None, help="ghi chú về khóa")
    add_today(new, "ngày bắt đầu hiệu lực")
    new.set_defaults(func=run_new)
    keys.set_defaults(func=lambda _args: (keys.print_help(sys.stderr), EXIT_USAGE)[1])


def run_new(args: argparse.Namespace) -> int:
    from ocop.authoring import keys

    out = args.out or Path(os.environ.get("OCOP_SIGNING_KEY_DIR") or "~/.config/ocop/keys")
    if not 1 <= args.years <= 30:
        sys.stderr.write("ocop keys new: --years phải từ 1 đến 30.\n")
        return EXIT_USAGE
    try:
        made = keys.new_key(args.root, args.province, out, today_of(args) or dt.date.today(), args.years, args.note)
    except keys.KeyRequestError as err:
        sys.stderr.write(f"ocop keys new: {err}\n")
        return EXIT_USAGE
    sys.stdout.write(f"Mã khóa: {made.kid}\nKhóa bí mật: {made.private_path} (giữ bí mật; đưa vào secret "
                     f"OCOP_SIGNING_KEY_{args.province.upper().replace('-', '_')} của kho)\n"
                     f"Khóa công khai: {made.record_path} (gửi pull request để nhóm trung ương duyệt)\n")
    return EXIT_OK
