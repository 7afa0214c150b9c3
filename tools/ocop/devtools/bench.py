"""`make bench`: national-scale figures, one `bench: <name> <value> <unit>` line each.

Each timing runs the real CLI in a fresh process (imports included), as CI and officers run it.
"""

from __future__ import annotations

import argparse
import json
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


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", *args],
                   cwd=root, check=True, capture_output=True)


def timed_floor(root: Path, *args: str) -> tuple[float, float]:
    """A floor (`ocop.devtools.floors`) in a fresh process, as the figures are: (seconds, peak MB)."""
    seconds, rss, result = timed_rss(root, *args, module="ocop.devtools.floors")
    if result.returncode != 0:
        raise RuntimeError(f"floor {args} failed: {result.stderr.strip()[-400:]}")
    return seconds, rss


def emit_timed(name: str, seconds: float, rss: float, floor: float | None = None) -> None:
    """A figure, its peak memory and, when it has one, its ratio to its floor."""
    emit(name, seconds, "s")
    if floor:
        print(f"bench: {name}_ratio {seconds / floor:.2f} x", flush=True)
    emit(f"{name}_rss_mb", rss, "MB")


def compile_bytecode() -> None:
    """Write the package's bytecode first, as an install or any earlier run does: with
    PYTHONDONTWRITEBYTECODE set (as in some shells and CI images) every timed run would otherwise compile
    the modules it imports again, a cost no officer's second run pays."""
    import compileall

    compileall.compile_dir(REPO / "tools" / "ocop", quiet=1)


def bench_validate(root: Path, products: int) -> None:
    compile_bytecode()
    counts = synth(root, products=products)
    print(f"# synth: {counts}", flush=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "synth")
    shutil.rmtree(root / "build", ignore_errors=True)
    floor, floor_rss = timed_floor(root, "validate", str(root))
    emit_timed("validate_floor", floor, floor_rss)
    seconds, rss, result = timed_rss(root, "validate")
    print("# " + result.stdout.strip().splitlines()[-1], flush=True)
    emit_timed("validate_cold", seconds, rss, floor)
    seconds, rss, _ = timed_rss(root, "validate")
    emit_timed("validate_warm", seconds, rss)
    changed = next((root / "registry" / "ha-noi" / "products").glob("*.yaml"))
    changed.write_text(changed.read_text("utf-8").replace("Thôn", "Xóm", 1), "utf-8")
    seconds, rss, result = timed_rss(root, "validate", "--changed-since", "HEAD")
    emit_timed("validate_one_changed", seconds, rss)
    print("# " + result.stdout.strip().splitlines()[-1], flush=True)


def timed_rss(root: Path, *args: str, module: str = "ocop") -> tuple[float, float, subprocess.CompletedProcess]:
    """The CLI (or another module) in a fresh process, timed, with its peak memory (MB): os.wait4 reports
    the largest resident set of that child and of the workers it waited for (one process's, not a sum)."""
    import os as _os
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        command = [sys.executable, "-m", module, *(["--root", str(root)] if module == "ocop" else []), *args]
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _pid, status, usage = _os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = _os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(child.args, child.returncode, out.read().decode(), err.read().decode())
    return seconds, usage.ru_maxrss / 1024, result


def fresh_tree(root: Path) -> Path:
    """An empty registry (schemas and the province table only), for importing into."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "registry").mkdir(parents=True)
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copy(REPO / "registry" / "provinces.yaml", root / "registry" / "provinces.yaml")
    return root


def bench_import(out: Path, rows: int) -> None:
    """`ocop import` of a provincial annex workbook (`ocop synth --xlsx`): 20,000 rows into one province, then
    900 rows that are written (a province folder holds at most 1,000 files: 20,000 products in one folder are
    refused by LAYOUT-FOLDER-SIZE, so the large run checks everything and writes nothing), then the same 900
    rows again (nothing to change)."""
    from ocop.devtools.synth import synth_xlsx

    signer = ("--signer", "Nguyễn Văn An", "--signer-position", "Phó Chủ tịch", "--today", "2026-11-23")
    book = out / f"import-{rows}.xlsx"
    print(f"# synth --xlsx: {synth_xlsx(book, rows)}", flush=True)
    seconds, rss, result = timed_rss(fresh_tree(out / "import"), "import", str(book), "--province", "ha-noi", *signer)
    print("# " + (result.stdout.strip().splitlines() or ["(no output)"])[-1][:400], flush=True)
    emit(f"import_{rows // 1000}k", seconds, "s")
    emit(f"import_{rows // 1000}k_rss_mb", rss, "MB")
    small = out / "import-900.xlsx"
    synth_xlsx(small, 900)
    tree = fresh_tree(out / "import-900")
    seconds, rss, result = timed_rss(tree, "import", str(small), "--province", "ha-noi", *signer)
    print("# " + (result.stdout.strip().splitlines() or ["(no output)"])[-1][:400], flush=True)
    emit("import_900_written", seconds, "s")
    emit("import_900_written_rss_mb", rss, "MB")
    seconds, _rss, result = timed_rss(tree, "import", str(small), "--province", "ha-noi", *signer)
    emit("import_900_again", seconds, "s")


def bench_hostile(out: Path) -> None:
    """The worst file within the size limit: the sample registry with one product holding 1 MB of
    `photos: [1,1,…]` (half a million items). Issue 11 asks ≤ 5 s and ≤ 300 MB for the whole run."""
    root = out / "hostile-1mb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(REPO / "registry", root / "registry")
    product = next((root / "registry" / "ha-noi" / "products").glob("*.yaml"))
    text = product.read_text("utf-8")
    count = (1024 * 1024 - len(text.encode()) - 64) // 2
    product.write_text(text + "photos: [" + ",".join(["1"] * count) + "]\n", "utf-8")
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "ocop", "--root", str(root),
                             "validate", "--no-cache", "--format", "json"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    emit("validate_1mb_list", seconds, "s")
    emit("validate_1mb_list_rss_mb", int(result.stderr.strip().splitlines()[-1]) / 1024, "MB")
    print(f"# {len(json.loads(result.stdout))} findings", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Đo hiệu năng ở quy mô quốc gia.")
    parser.add_argument("--products", type=int, default=20000)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--only", choices=["validate", "site", "documents", "import", "hostile"], action="append")
    parser.add_argument("--rows", type=int, default=20000, help="rows of the workbook `ocop import` reads")
    args = parser.parse_args()
    only = set(args.only or ["validate", "site", "documents", "import", "hostile"])
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if "validate" in only:
        bench_validate(args.out / "national", args.products)
    if "site" in only:
        site_bench.bench(args.out)
    if "documents" in only:
        plan_bench.bench(args.out)
    if "import" in only:
        bench_import(args.out, args.rows)
    if "hostile" in only:
        bench_hostile(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
