"""Floors for `make bench`: the least work a figure could cost on this machine, measured in the same run.

`validate`: read every YAML file's bytes under registry/ and plans/ and parse it with libyaml's C loader
on all cores, nothing else (no checks, no cache). `python -m ocop.devtools.floors validate <root>`.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor

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


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "validate":
        print("usage: python -m ocop.devtools.floors validate <root>", file=sys.stderr)
        return 2
    print(f"{validate_floor(argv[1])} files parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
