"""`ocop synth`: a national-scale synthetic registry, for measuring."""

from __future__ import annotations

import argparse
from pathlib import Path

from ocop.devtools.synth import synth, synth_xlsx


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="sinh sổ đăng ký tổng hợp cỡ quốc gia (đo hiệu năng)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="thư mục đích (bị ghi đè)")
    target.add_argument("--xlsx", type=Path, metavar="TỆP.xlsx",
                        help="thay vào đó, ghi một bảng phụ lục cỡ tỉnh (cho ocop import) vào tệp này")
    p.add_argument("--rows", type=int, default=20000, help="số dòng sản phẩm của bảng phụ lục (--xlsx)")
    p.add_argument("--province", default="ha-noi", help="tỉnh của bảng phụ lục (--xlsx)")
    p.add_argument("--products", type=int, default=20000)
    p.add_argument("--producers", type=int)
    p.add_argument("--certificates", type=int)
    p.add_argument("--errors", type=int, default=0, help="số tệp bị làm hỏng có chủ đích")
    p.add_argument("--seed", type=int, default=2025)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.xlsx:
        counts = synth_xlsx(args.xlsx, args.rows, args.province, args.seed)
        print(", ".join(f"{k}: {v}" for k, v in counts.items()))
        return 0
    counts = synth(args.out, args.products, args.producers, args.certificates, args.seed, args.errors)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0
