"""`ocop import`: records from a province's spreadsheet (XLSX or CSV)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ocop.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_format, add_today, today_of

FORMATS = ("text", "json", "github", "markdown")
NATIONAL = "ocop-vn"  # `ocop import ocop-vn FILE.json`: the national OCOP system's product list


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ocop.authoring.importer.header import FIELDS, IGNORE

    p = sub.add_parser("import", help="nhập sản phẩm, chủ thể, quyết định từ bảng tính (.xlsx, .csv) hoặc hệ thống "
                                      "OCOP quốc gia (ocop-vn TỆP.json)",
                       usage="ocop import [TÙY_CHỌN] TỆP.xlsx|TỆP.csv|ocop-vn TỆP.json --province TỈNH",
                       description="Đọc bảng danh sách sản phẩm OCOP (phụ lục quyết định công nhận) của một tỉnh, hoặc "
                                   "danh sách sản phẩm JSON của Hệ thống thông tin OCOP quốc gia (ocop import ocop-vn "
                                   "TỆP.json), ghép với hồ sơ đã có (mã số thuế, tên), tạo hồ sơ mới với mã tiếp theo "
                                   "còn trống, kiểm tra như ocop validate rồi mới ghi: có lỗi thì không ghi gì.")
    p.add_argument("file", metavar="TỆP", help="bảng tính .xlsx hoặc .csv (UTF-8); hoặc ocop-vn rồi tệp JSON")
    p.add_argument("json_file", nargs="?", type=Path, metavar="TỆP.json", help=argparse.SUPPRESS)
    p.add_argument("--products-only", action="store_true",
                   help="chỉ nhập chủ thể và sản phẩm, không tạo quyết định và chứng nhận mà tệp nêu")
    p.add_argument("--province", required=True, metavar="TỈNH", help="thư mục tỉnh nhận hồ sơ, ví dụ hai-phong")
    p.add_argument("--sheet", metavar="TÊN", help="trang tính (mặc định: trang đầu tiên có dòng tiêu đề)")
    p.add_argument("--map", dest="maps", action="append", default=[], metavar="CỘT=TRƯỜNG",
                   help=f"đọc cột CỘT (tên cột hoặc chữ cái) là TRƯỜNG; TRƯỜNG là một trong: {', '.join(FIELDS)}, "
                        f"hoặc {IGNORE} để bỏ qua cột (lặp lại được)")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và báo cáo, không ghi tệp nào")
    p.add_argument("--update", action="store_true", help="ghi lại các giá trị khác với hồ sơ đã có (mặc định: giữ nguyên)")
    p.add_argument("--partial", action="store_true", help="có lỗi vẫn nhập các dòng không lỗi (mặc định: không ghi gì)")
    p.add_argument("--issuer", metavar="TÊN", help="cơ quan ban hành quyết định mới, ví dụ \"UBND tỉnh Hải Dương\"")
    p.add_argument("--signer", metavar="HỌ_TÊN", help="người ký quyết định mới")
    p.add_argument("--signer-position", metavar="CHỨC_VỤ", help="chức vụ người ký, ví dụ \"Phó Chủ tịch\"")
    add_format(p, FORMATS)
    add_today(p, "ngày dùng cho các quy tắc theo thời gian (quyết định không được ghi ngày sau ngày này)")
    p.set_defaults(func=run)


def parse_maps(items: list[str]) -> list[tuple[str, str]]:
    from ocop.authoring.importer.header import FIELDS, IGNORE

    out = []
    for item in items:
        column, sep, name = item.rpartition("=")
        name = name.strip()
        if not sep or not column.strip():
            raise ValueError(f"--map «{item}»: cần dạng CỘT=TRƯỜNG, ví dụ --map \"Tên SP=product_name\"")
        if name not in FIELDS and name != IGNORE:
            raise ValueError(f"--map «{item}»: không có trường «{name}»; chọn một trong {', '.join(FIELDS)} hoặc {IGNORE}")
        out.append((column.strip(), name))
    return out


def display_path(file: Path, root: Path) -> str:
    """The file as findings name it: relative to the registry root when inside it, else as given."""
    absolute = file.resolve()
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else str(file)


class Bar:
    """A progress line on a terminal's stderr (nothing when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.shown = 0.0
        self.on = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.on or now - self.shown < 0.1:
            return
        self.shown = now
        if total:
            filled = int(30 * min(done, total) / total)
            sys.stderr.write(f"\r{stage:<12} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}   ")
        else:
            sys.stderr.write(f"\r{stage:<12} {done}   ")
        sys.stderr.flush()

    def done(self) -> None:
        if self.on and self.shown:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from ocop.authoring import importer
    from ocop.report import REPORTERS

    try:
        maps = parse_maps(args.maps)
    except ValueError as err:
        sys.stderr.write(f"ocop import: {err}\n")
        return EXIT_USAGE
    if bool(args.signer) != bool(args.signer_position):
        sys.stderr.write("ocop import: --signer và --signer-position đi cùng nhau.\n")
        return EXIT_USAGE
    root: Path = args.root
    if args.json_file is not None and args.file != NATIONAL:
        sys.stderr.write(f"ocop import: chỉ nhận một tệp; để nhập tệp của hệ thống quốc gia: ocop import {NATIONAL} "
                         "TỆP.json --province TỈNH\n")
        return EXIT_USAGE
    if args.file == NATIONAL and args.json_file is None:
        sys.stderr.write(f"ocop import {NATIONAL}: thiếu tệp JSON, ví dụ ocop import {NATIONAL} san-pham.json "
                         "--province ha-noi\n")
        return EXIT_USAGE
    source, file = (NATIONAL, args.json_file) if args.file == NATIONAL else ("sheet", Path(args.file))
    options = importer.Options(root=root, file=file, display=display_path(file, root), province=args.province,
                               source=source, products_only=args.products_only,
                               sheet=args.sheet, maps=maps, dry_run=args.dry_run, update=args.update,
                               partial=args.partial, today=today_of(args), issuer=args.issuer, signer=args.signer,
                               signer_position=args.signer_position)
    bar = Bar()
    try:
        outcome = importer.run(options, bar)
    except ValueError as err:  # an unknown province folder
        bar.done()
        sys.stderr.write(f"ocop import: {err}\n")
        return EXIT_USAGE
    bar.done()
    report = importer.report(options, outcome)
    REPORTERS[args.format](report, sys.stdout)
    if any(f.severity == "error" for f in outcome.findings):
        return EXIT_FINDINGS
    return EXIT_OK
