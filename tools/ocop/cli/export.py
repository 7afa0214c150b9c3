"""`ocop export xlsx`: the registry as one workbook for officers (a sheet per kind, derived columns)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocop.check.pipeline import load_registry
from ocop.cli.options import EXIT_OK, EXIT_USAGE, add_today, today_of


def add_parser(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="xuất sổ đăng ký ra tệp cho cán bộ và hệ thống khác",
                            description="Xuất sổ đăng ký ra bảng tính.")
    formats = export.add_subparsers(dest="export_format", metavar="DẠNG", parser_class=type(export))
    x = formats.add_parser("xlsx", help="một bảng tính Excel: mỗi loại hồ sơ một trang",
                           description="Mỗi loại hồ sơ một trang, tiêu đề tiếng Việt, cố định dòng tiêu đề, có bộ lọc; "
                                       "thêm cột trạng thái, hiệu lực và hạng sao hiện hành; mã lưu dạng chữ.")
    x.add_argument("--province", metavar="TỈNH", help="chỉ hồ sơ trong thư mục tỉnh này (ví dụ ha-noi)")
    x.add_argument("--out", type=Path, metavar="TỆP.xlsx", help="tệp ra (mặc định: build/export/so-dang-ky-ocop[-tỉnh].xlsx)")
    add_today(x, "ngày tính trạng thái chứng nhận")
    x.set_defaults(func=run_xlsx)
    export.set_defaults(func=lambda args: (export.print_help(), EXIT_USAGE)[1])


def run_xlsx(args: argparse.Namespace) -> int:
    from ocop.publish import export_xlsx

    registry = load_registry(args.root)[0]
    if args.province and args.province not in registry.province_slugs():
        sys.stderr.write(f"ocop export: không có tỉnh «{args.province}» trong registry/provinces.yaml.\n")
        return EXIT_USAGE
    name = "so-dang-ky-ocop" + (f"-{args.province}" if args.province else "") + ".xlsx"
    out = args.out or args.root / "build" / "export" / name
    sys.stdout.write(f"{export_xlsx.write(registry, out, today_of(args), args.province)}\n")
    return EXIT_OK
