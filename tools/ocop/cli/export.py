"""`ocop export xlsx`: the registry as one workbook for officers (a sheet per kind, derived columns); `ocop export
ocop-vn`: its products in the national OCOP system's JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocop.check.pipeline import load_registry
from ocop.cli.options import EXIT_OK, EXIT_USAGE, add_today, today_of
from ocop.model.registry import Registry


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
    n = formats.add_parser("ocop-vn", help="danh sách sản phẩm JSON theo dạng của Hệ thống thông tin OCOP quốc gia",
                           description="Các sản phẩm có chứng nhận còn hiệu lực vào ngày --today, theo dạng JSON của "
                                       "Hệ thống thông tin OCOP quốc gia (name, ocop_star, ocop_certificate_number, "
                                       "issued_on, expiry_date, manufacturer, type…), để cập nhật cơ sở dữ liệu quốc gia "
                                       "từ sổ đăng ký. ocop import ocop-vn đọc lại đúng dạng này.")
    n.add_argument("--province", metavar="TỈNH", help="chỉ sản phẩm của tỉnh này (ví dụ ha-noi)")
    n.add_argument("--out", type=Path, metavar="TỆP.json", help="tệp ra (mặc định: build/export/ocop-vn[-tỉnh].json)")
    add_today(n, "ngày xét hiệu lực chứng nhận")
    n.set_defaults(func=run_national)
    export.set_defaults(func=lambda args: (export.print_help(), EXIT_USAGE)[1])


def _registry_and_target(args: argparse.Namespace, stem: str, suffix: str) -> tuple[Registry, Path] | None:
    """The registry and the file to write (`--out`, else build/export/<stem>[-<province>]<suffix>); None after
    saying so when `--province` names no province."""
    registry = load_registry(args.root)[0]
    if args.province and args.province not in registry.province_slugs():
        sys.stderr.write(f"ocop export: không có tỉnh «{args.province}» trong registry/provinces.yaml.\n")
        return None
    name = stem + (f"-{args.province}" if args.province else "") + suffix
    return registry, args.out or args.root / "build" / "export" / name


def run_xlsx(args: argparse.Namespace) -> int:
    from ocop.publish import export_xlsx

    found = _registry_and_target(args, "so-dang-ky-ocop", ".xlsx")
    if found is None:
        return EXIT_USAGE
    registry, out = found
    sys.stdout.write(f"{export_xlsx.write(registry, out, today_of(args), args.province)}\n")
    return EXIT_OK


def run_national(args: argparse.Namespace) -> int:
    from ocop.publish import export_national

    found = _registry_and_target(args, "ocop-vn", ".json")
    if found is None:
        return EXIT_USAGE
    registry, out = found
    path, count = export_national.write(registry, out, today_of(args), args.province)
    sys.stdout.write(f"{path}\n")
    sys.stderr.write(f"ocop export ocop-vn: {count} sản phẩm có chứng nhận còn hiệu lực.\n")
    return EXIT_OK
