"""`ocop verify IMAGE|URL`: the verdict on a stamp, in Vietnamese (the work: publish/stamps/reader.py).

Exit 0: valid; 1: invalid, revoked or expired (also unsigned); 2: no stamp could be read.
"""

from __future__ import annotations

import argparse
import sys

from ocop.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_today, today_of


def add_parser(sub: argparse._SubParsersAction) -> None:
    verify = sub.add_parser("verify", help="kiểm tra chữ ký trên tem OCOP (ảnh mã QR hoặc đường dẫn)",
                            description="Đọc mã QR trên ảnh tem (hoặc đường dẫn đã quét), kiểm tra chữ ký số với "
                                        "khóa công khai trong registry/keys/ và tình trạng giấy chứng nhận trong sổ.")
    verify.add_argument("source", metavar="ẢNH|URL", help="tệp ảnh (PNG, JPEG…) có mã QR của tem, hoặc đường dẫn trong mã")
    add_today(verify, "ngày kiểm tra")
    verify.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ocop.publish.stamps import reader

    try:
        verdict = reader.verify_source(args.root, args.source, today_of(args))
    except reader.Unreadable as err:
        sys.stderr.write(f"ocop verify: {err}\n")
        return EXIT_USAGE
    sys.stdout.write(("HỢP LỆ: " if verdict.ok else "KHÔNG HỢP LỆ: ") + verdict.message + "\n")
    claims = verdict.claims
    if claims:
        sys.stdout.write(f"  Giấy chứng nhận: {claims.certificate}\n  Sản phẩm (trên tem): {claims.product}\n"
                         f"  Chủ thể (trên tem): {claims.producer}\n  Hạng: {claims.star} sao\n"
                         f"  Hiệu lực: {claims.valid_from:%d/%m/%Y} – {claims.valid_to:%d/%m/%Y}\n")
    return EXIT_OK if verdict.ok else EXIT_FINDINGS
