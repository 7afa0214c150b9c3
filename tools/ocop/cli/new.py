"""`ocop new`: a new record by questions in Vietnamese (no YAML to write)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocop.cli.options import EXIT_USAGE, add_today

KINDS_ASKED = ("product", "producer", "certificate", "decision", "evaluation", "plan")


def add_parser(sub: argparse._SubParsersAction) -> None:
    new = sub.add_parser("new", help="tạo hồ sơ mới bằng câu hỏi (không cần sửa YAML)",
                         description="Hỏi từng trường bằng tiếng Việt, ghi hồ sơ vào đúng thư mục với mã tiếp theo "
                                     "còn trống, rồi kiểm tra bằng ocop validate.")
    new.add_argument("kind", choices=KINDS_ASKED, metavar="LOẠI", help="product|producer|certificate|decision|evaluation|plan")
    new.add_argument("--province", metavar="TỈNH", help="thư mục tỉnh, ví dụ ha-noi")
    new.add_argument("--from", dest="from_file", type=Path, metavar="TỆP.json", help="lấy giá trị từ tệp JSON (không hỏi)")
    new.add_argument("--set", dest="sets", action="append", default=[], metavar="KHÓA=GIÁ_TRỊ",
                     help="đặt một trường, ví dụ --set classification.group=thuc_pham (lặp lại được; không hỏi)")
    new.add_argument("--interactive", action="store_true", help="vẫn hỏi các trường còn thiếu khi có --from/--set")
    add_today(new)
    new.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ocop.authoring import new

    interactive = args.interactive or not (args.from_file or args.sets)
    try:
        given = new.given_values(args.root, args.kind, args.from_file, args.sets, args.province)
    except new.InputError as err:
        sys.stderr.write(f"ocop new: {err}\n")
        return EXIT_USAGE
    return new.run(args.root, args.kind, args.province, given, interactive, today=args.today)
