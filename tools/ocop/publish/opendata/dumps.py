"""Bulk dumps in /du-lieu/: JSON Lines (the API documents, one a line) and CSV per kind, each also zipped."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import IO, Any

from ocop.publish.opendata.api import dumps as to_json
from ocop.publish.opendata.facts import PLURAL
from ocop.publish.site import export


class Dumps:
    """Receives every API document once (api.write's sink) and appends it to its kind's two files."""

    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.jsonl: dict[str, IO[str]] = {}
        self.tables: dict[str, export.Table] = {}

    def __call__(self, kind: str, doc: dict[str, Any]) -> None:
        if kind not in self.jsonl:
            self.jsonl[kind] = (self.out / f"{PLURAL[kind]}.jsonl").open("w", encoding="utf-8", newline="\n")
            self.tables[kind] = export.Table(kind)
        self.jsonl[kind].write(to_json(doc) + "\n")
        self.tables[kind].add(doc)

    def close(self, kinds: tuple[str, ...]) -> list[Path]:
        """Finish every kind's files (an empty kind still gets its header-only CSV) and zip each."""
        for kind in kinds:
            if kind not in self.jsonl:
                self.jsonl[kind] = (self.out / f"{PLURAL[kind]}.jsonl").open("w", encoding="utf-8")
                self.tables[kind] = export.Table(kind)
        written = []
        for kind in kinds:
            self.jsonl[kind].close()
            csv_path = self.out / f"{PLURAL[kind]}.csv"
            csv_path.write_text(self.tables[kind].text(), encoding="utf-8", newline="")
            for path in (self.out / f"{PLURAL[kind]}.jsonl", csv_path):
                written += [path, zipped(path)]
        self.tables.clear()
        return written


def zipped(path: Path) -> Path:
    target = path.with_name(path.name + ".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.write(path, path.name)
    return target


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(out: Path, files: list[Path], hashes: dict[Path, str]) -> Path:
    """SHA256SUMS in `sha256sum -c` format, paths relative to /du-lieu/."""
    lines = [f"{hashes.get(p) or sha256(p)}  {p.relative_to(out).as_posix()}" for p in sorted(files)]
    target = out / "SHA256SUMS"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
