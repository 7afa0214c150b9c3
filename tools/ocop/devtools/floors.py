"""Floors for `make bench`: the least work a figure could cost on this machine, measured in the same run.

`validate`: read every YAML file's bytes under registry/ and plans/ and parse it with libyaml's C loader
on all cores, nothing else (no checks, no cache). `python -m ocop.devtools.floors validate <root>`.

`site`: write as many files, of the same sizes in the same folders, as a built site holds, from memory (zeros),
on all cores, nothing else. `python -m ocop.devtools.floors site --listing <file> <empty folder>`, the listing
a JSON list of [path, size] (site_bench takes it from the built site before the clock starts).
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml


def yaml_files(root: str) -> list[str]:
    found = []
    for top in ("registry", "plans"):
        for folder, _dirs, names in os.walk(os.path.join(root, top)):
            found.extend(os.path.join(folder, name) for name in names if name.endswith(".yaml"))
    return found


def _parse_batch(paths: list[str]) -> int:
    for path in paths:
        with open(path, "rb") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)
    return len(paths)


def validate_floor(root: str, workers: int | None = None) -> int:
    """Parse every file once; returns how many."""
    paths = yaml_files(root)
    workers = workers or os.cpu_count() or 1
    size = max(100, len(paths) // (workers * 6))
    batches = [paths[i:i + size] for i in range(0, len(paths), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_parse_batch, batches))


def site_listing(site: str) -> list[tuple[str, int]]:
    """(relative path, size) of every file of a built site."""
    found = []
    for folder, _dirs, names in os.walk(site):
        rel = os.path.relpath(folder, site)
        for name in names:
            found.append((name if rel == "." else os.path.join(rel, name), os.path.getsize(os.path.join(folder, name))))
    return found


def _write_batch(args: tuple[str, list[tuple[str, int]]]) -> int:
    dest, items = args
    blank = bytes(max((size for _, size in items), default=0))
    view = memoryview(blank)
    made: set[str] = set()
    for rel, size in items:
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(os.path.join(dest, folder), exist_ok=True)
            made.add(folder)
        fd = os.open(os.path.join(dest, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, view[:size])
        finally:
            os.close(fd)
    return sum(size for _, size in items)


def site_floor(listing: list[tuple[str, int]], dest: str, workers: int | None = None) -> int:
    """Write every listed file (zeros of its size) under dest; returns the bytes written."""
    workers = workers or os.cpu_count() or 1
    listing = sorted(listing)  # a folder's files together: each worker makes its folders once
    size = max(500, len(listing) // (workers * 8))
    batches = [(dest, listing[i:i + size]) for i in range(0, len(listing), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_write_batch, batches))


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "validate":
        print(f"{validate_floor(argv[1])} files parsed")
        return 0
    if len(argv) == 4 and argv[0] == "site" and argv[1] == "--listing":
        listing = [(rel, int(size)) for rel, size in json.loads(Path(argv[2]).read_text(encoding="utf-8"))]
        print(f"{len(listing)} files, {site_floor(listing, argv[3])} bytes written")
        return 0
    if len(argv) == 3 and argv[0] == "site":
        listing = site_listing(argv[1])
        print(f"{len(listing)} files, {site_floor(listing, argv[2])} bytes written")
        return 0
    print("usage: python -m ocop.devtools.floors validate <root> | site [--listing <file>] <site> <folder>",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
