"""Shared test helpers (a plain module, not a conftest: several conftest.py files exist below tests/)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import struct
import subprocess
import unicodedata
import zlib
from pathlib import Path

import pytest
import yaml

from ocop.cli.main import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Folders of rule cases (tests/fixtures/<name>/cases/<CASE>/), each beside the valid/ tree its cases edit.
CASE_ROOTS = sorted(p for p in FIXTURES.glob("*/cases") if (p.parent / "valid").is_dir())


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def validate_json(capsys: pytest.CaptureFixture, root: Path, *extra: str) -> tuple[int, list[dict]]:
    code, out, err = run_cli(capsys, "--root", str(root), "validate", "--format", "json", "--no-cache", *extra)
    assert code in (0, 1), err
    return code, json.loads(out)


def tree_digest(root: Path) -> dict[str, str]:
    """Content hash of every file (and link target) below root: validation must not change any."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("build/"):
            continue
        if path.is_symlink():
            out[rel] = "link:" + str(path.readlink())
        elif path.is_file():
            try:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            except PermissionError:  # a case's `unreadable` file, when the tests do not run as root
                st = path.stat()
                out[rel] = f"unreadable:{st.st_size}:{st.st_mtime_ns}"
    return out


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Kiểm thử", "-c", "user.email=test@example.invalid",
                           "-c", "commit.gpgsign=false", *args],
                          cwd=root, capture_output=True, text=True, check=True).stdout


def committed_copy(source: Path, root: Path, tag: str | None = None) -> Path:
    """A copy of a fixture tree (without its build/ folder) made a git repository with one commit."""
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("build"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    if tag:
        git(root, "tag", tag)
    return root


def build_case_tree(case_dir: Path, base: Path, dest: Path) -> dict:
    """Copy the base tree, apply the case's overlay and edits; return its expectations.

    The keys are described in tests/fixtures/rules/README.md. The expectations are the case's `findings`;
    `file` is also set, to the first expected finding's file, for callers that look at one file of the case.
    """
    shutil.copytree(base, dest, symlinks=True)
    expect = yaml.safe_load((case_dir / "expect.yaml").read_text("utf-8")) or {}
    overlay = case_dir / "overlay"
    if overlay.is_dir():
        shutil.copytree(overlay, dest, dirs_exist_ok=True)
    _edit(dest, expect)
    if "symlink" in expect:
        link = dest / expect["symlink"]["path"]
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(expect["symlink"]["target"])
    if "copies" in expect:
        source = dest / expect["copies"]["source"]
        text = source.read_text("utf-8")
        stem = source.stem
        for i in range(expect["copies"]["count"]):
            new_id = f"{stem[:-4]}{5000 + i:04d}" if i < 4999 else f"{stem}-{i}"
            (source.parent / f"{new_id}.yaml").write_text(text.replace(stem, new_id), "utf-8")
    for rel, spec in expect.get("images", {}).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(make_image(spec))
    for rel, size in expect.get("pad", {}).items():
        pad(dest / rel, size)
    if "after_commit" in expect:  # the tree so far is the base commit; these edits are the change
        git(dest, "init", "-q", "-b", "main")
        git(dest, "add", "-A")
        git(dest, "commit", "-q", "-m", "base")
        _edit(dest, expect["after_commit"] or {})
        for args in (expect["after_commit"] or {}).get("git", []):  # e.g. a submodule entry in the index
            git(dest, *(str(a) for a in args))
    for rel in expect.get("unreadable", []):
        (dest / rel).chmod(0)
    for rel in expect.get("mkdir", []):  # a folder where a command must write a file: a real write failure
        (dest / rel).mkdir(parents=True)
    if "sheet" in expect:  # the spreadsheet `ocop import` reads, made at test time (never committed)
        write_sheet(dest / expect["sheet"]["path"], expect["sheet"])
    if "file" not in expect and expect.get("findings"):
        expect["file"] = expect["findings"][0]["file"]
    return expect


def _edit(root: Path, spec: dict) -> None:
    for rel in spec.get("remove", []):
        (root / rel).unlink()
    for rel, (old, new) in spec.get("replace", {}).items():
        path = root / rel
        text = path.read_text("utf-8")
        assert old in text, f"{rel} has no {old!r} to replace"
        path.write_text(text.replace(old, new), "utf-8")
    for old_rel, new_rel in spec.get("move", {}).items():
        (root / new_rel).parent.mkdir(parents=True, exist_ok=True)
        (root / old_rel).rename(root / new_rel)


def pad(path: Path, size: int) -> None:
    """Grow a text file to exactly `size` bytes with a trailing YAML comment (large files are made at test
    time, never committed)."""
    data = path.read_bytes()
    data += b"" if data.endswith(b"\n") else b"\n"
    assert size >= len(data) + 2, f"{path.name} is already {len(data)} bytes"
    path.write_bytes(data + b"#" + b"." * (size - len(data) - 2) + b"\n")


GPS_IFD = 0x8825


def make_image(spec: dict) -> bytes:
    """A photo made at test time (large or hostile ones are never committed), from an `images` entry:

    `format` (jpeg, png, webp) and `size` [width, height] of a real image with some detail in it;
    `header_only: true` a PNG or WebP whose header declares `size` but holds no pixels (a pixel bomb costs nothing);
    `gps: true` a JPEG with an EXIF GPS position and a camera make; `orientation: N` its EXIF orientation;
    `mode` (default RGB: e.g. RGBA, L, P, CMYK); `drop_tail: N` the last N bytes cut off (an interrupted
    upload); `pad: N` zero bytes appended up to N bytes in all.
    """
    from PIL import Image

    width, height = spec["size"]
    fmt = spec.get("format", "png").upper()
    if spec.get("header_only"):
        assert fmt in ("PNG", "WEBP"), "only PNG and WebP headers are made without their pixels"
        data = png_header(width, height) if fmt == "PNG" else webp_header(width, height)
    else:
        image = _detailed(width, height).convert(spec.get("mode", "RGB"))
        out = io.BytesIO()
        params: dict = {}
        if spec.get("gps") or spec.get("orientation"):
            exif = Image.Exif()
            exif[0x010F] = "Máy ảnh kiểm thử"  # Make
            if spec.get("orientation"):
                exif[0x0112] = spec["orientation"]
            if spec.get("gps"):
                exif[GPS_IFD] = {1: "N", 2: (21.0, 1.0, 42.0), 3: "E", 4: (105.0, 51.0, 0.0)}  # Hà Nội
            params["exif"] = exif.tobytes()
        image.save(out, "JPEG" if fmt == "JPG" else fmt, **params)
        data = out.getvalue()
    if spec.get("drop_tail"):
        data = data[: -spec["drop_tail"]]
    if spec.get("pad"):
        assert spec["pad"] >= len(data)
        data += bytes(spec["pad"] - len(data))
    return data


def _detailed(width: int, height: int):
    """Gradients in three channels: deterministic, and enough detail for real compressed data."""
    from PIL import Image

    size = (width, height)
    return Image.merge("RGB", [Image.linear_gradient("L").resize(size), Image.radial_gradient("L").resize(size),
                               Image.linear_gradient("L").rotate(90).resize(size)])


def png_header(width: int, height: int) -> bytes:
    """A structurally whole PNG (chunks with CRCs, IEND) whose header declares width × height pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def webp_header(width: int, height: int) -> bytes:
    """A WebP (RIFF) holding only a VP8X chunk that declares a width × height canvas."""
    vp8x = bytes(4) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + len(vp8x).to_bytes(4, "little") + vp8x
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def cell_value(value: object) -> object:
    """A cell as a case or a test writes it: "date:2025-09-10" is a date cell; other values are as they are (text
    starting with "=" is a formula in a workbook)."""
    if isinstance(value, str) and value.startswith("date:"):
        return dt.datetime.fromisoformat(value[5:])
    return value


def write_sheet(path: Path, spec: dict) -> None:
    """A spreadsheet for `ocop import`, from a case's `sheet` key (keys in tests/fixtures/rules/README.md).

    `.json`: `products` written as the national system's JSON list. `.xlsx`: `rows` written with openpyxl into the
    sheet `title`, `merge` ranges merged. `.csv`: `rows` joined
    with `delimiter`, lines ended by `newline`, encoded in `encoding` ("utf-8-sig" is what Excel's «CSV UTF-8»
    writes; a character the encoding lacks becomes "?"; `decomposed` writes the tone marks apart, as Windows-1258
    does). `raw` instead writes that text (UTF-8) as it is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if "raw" in spec:
        path.write_bytes(str(spec["raw"]).encode("utf-8"))
        return
    if path.suffix == ".json":  # the national OCOP system's product list (`ocop import ocop-vn`)
        path.write_text(json.dumps(spec["products"], ensure_ascii=False, indent=2), "utf-8")
        return
    rows = spec.get("rows") or []
    if path.suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=spec.get("delimiter", ","), lineterminator=spec.get("newline", "\r\n"))
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        text = unicodedata.normalize("NFD", buffer.getvalue()) if spec.get("decomposed") else buffer.getvalue()
        path.write_bytes(text.encode(spec.get("encoding", "utf-8-sig"), errors="replace"))
        return
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = spec.get("title", "Sheet1")
    for row in rows:
        sheet.append([cell_value(v) for v in row])
    for span in spec.get("merge", []):
        sheet.merge_cells(span)
    book.save(path)
