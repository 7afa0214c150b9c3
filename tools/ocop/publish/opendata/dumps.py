"""Bulk dumps in /du-lieu/: JSON Lines (the API documents, one a line) and CSV per kind, each also zipped."""

from __future__ import annotations

import filecmp
import hashlib
import shutil
import zipfile
from pathlib import Path
from typing import IO

from ocop.publish.opendata.api import Made
from ocop.publish.opendata.facts import PLURAL
from ocop.publish.site import export


class Dumps:
    """Receives every API document once (api.write's sink) and appends it to its kind's two files."""

    def __init__(self, out: Path, stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0),
                 previous: Path | None = None) -> None:
        self.out, self.stamp, self.previous = out, stamp, previous  # previous: the last build's /du-lieu/
        out.mkdir(parents=True, exist_ok=True)
        self.jsonl: dict[str, IO[str]] = {}
        self.tables: dict[str, export.Table] = {}

    def __call__(self, kind: str, made: Made) -> None:
        if kind not in self.jsonl:
            self.jsonl[kind] = (self.out / f"{PLURAL[kind]}.jsonl").open("w", encoding="utf-8", newline="\n")
            self.tables[kind] = export.Table(kind)
        self.jsonl[kind].write(made.encoded + "\n")  # the API file's very text, one line
        self.tables[kind].append_line(made.row)

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
                written += [path, self.reused_zip(path) or zipped(path, self.stamp)]
        self.tables.clear()
        return written


    def reused_zip(self, path: Path) -> Path | None:
        """The last build's zip of the same bytes (zips are reproducible: same bytes, same date), copied."""
        if self.previous is None:
            return None
        before, archive = self.previous / path.name, self.previous / (path.name + ".zip")
        if not archive.is_file() or not before.is_file() or not filecmp.cmp(before, path, shallow=False):
            return None  # filecmp: sizes first, then chunk by chunk (not two whole 30 MB reads)
        target = path.with_name(archive.name)
        shutil.copyfile(archive, target)
        return target


def zipped(path: Path, stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)) -> Path:
    """path.zip; the entry's time is `stamp` (the build date), not the file's: the same data zips to the same bytes."""
    target = path.with_name(path.name + ".zip")
    info = zipfile.ZipInfo(path.name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive, \
            path.open("rb") as src, archive.open(info, "w") as dest:
        shutil.copyfileobj(src, dest, 1 << 20)
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
