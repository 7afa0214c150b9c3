"""`ocop cms`: the web editor (Decap CMS) configuration and files under /admin/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocop.cli.options import EXIT_OK, EXIT_USAGE


def add_parser(sub: argparse._SubParsersAction) -> None:
    cms = sub.add_parser("cms", help="cấu hình trình soạn thảo web (Decap CMS) tại /admin/",
                         description="Sinh config.yml của Decap CMS từ lược đồ và chép trình soạn thảo vào trang web.")
    cms.add_argument("--site", type=Path, metavar="THƯ_MỤC", help="cài vào THƯ_MỤC/admin (mặc định: build/site)")
    cms.add_argument("--local-backend", action="store_true", help="bật local_backend (thử với decap-server)")
    cms.add_argument("--print", dest="print_config", action="store_true", help="chỉ in config.yml")
    cms.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ocop.authoring import cms

    if args.print_config:
        sys.stdout.write(cms.config_yaml(args.root, local_backend=args.local_backend))
        return EXIT_OK
    site = args.site or args.root / "build" / "site"
    try:
        admin = cms.install(site, root=args.root, local_backend=args.local_backend)
    except cms.CmsMissing as err:
        sys.stderr.write(f"ocop cms: {err}\n")
        return EXIT_USAGE
    sys.stdout.write(f"đã cài trình soạn thảo vào {admin}\n")
    return EXIT_OK
