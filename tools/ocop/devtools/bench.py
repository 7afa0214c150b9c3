"""`make bench`: national-scale figures, one `bench: <name> <value> <unit>` line each.

Each timing runs the real CLI in a fresh process (imports included), as CI and officers run it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ocop.devtools import plan_bench, site_bench
from ocop.devtools.synth import synth

REPO = Path(__file__).resolve().parents[3]


def emit(name: str, value: float, unit: str) -> None:
    print(f"bench: {name} {value:.3f} {unit}" if unit == "s" else f"bench: {name} {value:.1f} {unit}", flush=True)


def timed_cli(root: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "ocop", "--root", str(root), *args],
                            capture_output=True, text=True)
    return time.perf_counter() - start, result


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", *args],
                   cwd=root, check=True, capture_output=True)


def bench_validate(root: Path, products: int) -> None:
    counts = synth(root, products=products)
    print(f"# synth: {counts}", flush=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "synth")
    shutil.rmtree(root / "build", ignore_errors=True)
    seconds, result = timed_cli(root, "validate")
    print("# " + result.stdout.strip().splitlines()[-1], flush=True)
    emit("validate_cold", seconds, "s")
    seconds, _ = timed_cli(root, "validate")
    emit("validate_warm", seconds, "s")
    changed = next((root / "registry" / "ha-noi" / "products").glob("*.yaml"))
    changed.write_text(changed.read_text("utf-8").replace("Thôn", "Xóm", 1), "utf-8")
    seconds, result = timed_cli(root, "validate", "--changed-since", "HEAD")
    emit("validate_one_changed", seconds, "s")
    print("# " + result.stdout.strip().splitlines()[-1], flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Đo hiệu năng ở quy mô quốc gia.")
    parser.add_argument("--products", type=int, default=20000)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--only", choices=["validate", "site", "documents"], action="append")
    args = parser.parse_args()
    only = set(args.only or ["validate", "site", "documents"])
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if "validate" in only:
        bench_validate(args.out / "national", args.products)
    if "site" in only:
        site_bench.bench(args.out)
    if "documents" in only:
        plan_bench.bench(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
