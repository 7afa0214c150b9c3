"""Photo files judged by content: the header checks on every kind of real photo, and the validation cache
keyed by the photo's content (a same-size replacement is seen; a warm run reads no photo)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from ocop.check import cache as cache_module
from ocop.check import pipeline
from ocop.check.pipeline import validate
from ocop.check.rules import photos
from ocop.config import RunConfig
from ocop_testing import FIXTURES, REPO, make_image

TODAY = dt.date(2026, 11, 23)
PRODUCT = "registry/hai-phong/products/sp-hai-phong-0001.yaml"
PHOTO = "registry/hai-phong/media/sp-hai-phong-0001.png"


def problems(name: str, data: bytes) -> list[str]:
    return [p.rule for p in photos.inspect(name, photos.Media(data, len(data))).problems]


def saved(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


GRADIENT = Image.linear_gradient("L").resize((300, 200)).convert("RGB")


def interlaced_png() -> bytes:
    """A 1 × 1 Adam7-interlaced PNG (Pillow writes none): only the first pass holds a pixel."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 1)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0\xc0\x60\x30"))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("name, data", [
    ("a.jpg", saved(GRADIENT, "JPEG")),
    ("a.jpg", saved(GRADIENT, "JPEG", progressive=True, optimize=True)),
    ("a.jpg", saved(GRADIENT, "JPEG", restart_marker_blocks=4)),  # RSTn markers inside the entropy data
    ("a.jpg", saved(GRADIENT.convert("CMYK"), "JPEG")),
    ("a.jpg", saved(GRADIENT, "JPEG") + b"\0" * 100),  # data after the end marker (some cameras append)
    ("a.jpeg", make_image({"format": "jpeg", "size": [300, 200], "gps": True, "orientation": 6})),
    ("A.JPG", saved(GRADIENT.convert("L"), "JPEG")),
    ("a.png", saved(GRADIENT, "PNG")),
    ("a.png", saved(GRADIENT.convert("P"), "PNG", transparency=0)),
    ("a.png", saved(GRADIENT.convert("LA"), "PNG")),
    ("a.png", interlaced_png()),
    ("a.png", saved(Image.new("I;16", (30, 20), 40000), "PNG")),
    ("a.webp", saved(GRADIENT, "WEBP")),
    ("a.webp", saved(GRADIENT, "WEBP", lossless=True)),
    ("a.webp", saved(GRADIENT.convert("RGBA"), "WEBP", exif=b"Exif\0\0MM\0*\0\0\0\x08\0\0")),  # VP8X header
    ("a.webp", saved(GRADIENT, "WEBP", save_all=True, append_images=[GRADIENT.rotate(90)])),  # animated
])
def test_real_photos_pass(name: str, data: bytes) -> None:
    assert problems(name, data) == []


def test_shipped_photos_pass() -> None:
    shipped = sorted((REPO / "registry").glob("*/media/*")) + sorted((REPO / "docs-src").rglob("*.png"))
    assert len(shipped) >= 6
    for path in shipped:
        assert problems(path.name, path.read_bytes()) == [], path


@pytest.mark.parametrize("name, data, rules", [
    ("a.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', ["PHOTO-TYPE"]),
    ("a.jpg", b"<!DOCTYPE html><script>alert(1)</script>", ["PHOTO-TYPE"]),
    ("a.jpg", b"", ["PHOTO-TYPE"]),
    ("a.png", saved(GRADIENT, "GIF"), ["PHOTO-TYPE"]),
    ("a.webp", saved(GRADIENT, "JPEG"), ["PHOTO-EXTENSION"]),
    ("a.jpg", saved(GRADIENT, "WEBP"), ["PHOTO-EXTENSION"]),
    ("a.png", make_image({"format": "png", "size": [8001, 5000], "header_only": True}), ["PHOTO-PIXELS"]),
    ("a.png", make_image({"format": "png", "size": [40_000_001, 1], "header_only": True}), ["PHOTO-PIXELS"]),
    ("a.webp", make_image({"format": "webp", "size": [16383, 16383], "header_only": True}), ["PHOTO-PIXELS"]),
    ("a.png", make_image({"format": "png", "size": [0, 10], "header_only": True}), ["PHOTO-UNREADABLE"]),
    ("a.jpg", saved(GRADIENT, "JPEG")[:-2], ["PHOTO-UNREADABLE"]),  # no end marker
    ("a.jpg", saved(GRADIENT, "JPEG", progressive=True)[:-300], ["PHOTO-UNREADABLE"]),
    ("a.png", saved(GRADIENT, "PNG")[:-12], ["PHOTO-UNREADABLE"]),  # no IEND
    ("a.png", saved(GRADIENT, "PNG")[:60] + b"\0" + saved(GRADIENT, "PNG")[61:], ["PHOTO-UNREADABLE"]),  # bad CRC
    ("a.webp", saved(GRADIENT, "WEBP")[:-10], ["PHOTO-UNREADABLE"]),
    ("a.webp", b"RIFF\x04\0\0\0WEBPVP8 ", ["PHOTO-UNREADABLE"]),
])
def test_hostile_files_are_refused(name: str, data: bytes, rules: list[str]) -> None:
    assert problems(name, data) == rules


def test_oversized_file_is_judged_by_size_and_first_bytes_only(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(b"<html>" + bytes(photos.MAX_BYTES))
    media = photos.read_media(str(path))
    assert media is not None and media.size == photos.MAX_BYTES + 6 and len(media.content) == photos.HEAD_BYTES
    assert [p.rule for p in photos.inspect("a.png", media).problems] == ["PHOTO-TYPE", "PHOTO-SIZE"]


def test_only_media_folders_hold_photos() -> None:
    assert photos.is_media("registry/ha-noi/media/a.jpg") and photos.is_media("registry/ha-noi/media/2024/A.WEBP")
    assert not photos.is_media("registry/ha-noi/products/a.jpg")
    assert not photos.is_media("registry/ha-noi/media/a.svg")
    assert not photos.is_media("plans/media/a.jpg")


# ---- the validation cache keys photos by content ----------------------------------------------------

def photo_tree(tmp_path: Path) -> Path:
    root = tmp_path / "t"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    (root / PHOTO).parent.mkdir(parents=True)
    (root / PHOTO).write_bytes(make_image({"format": "png", "size": [64, 48]}))
    product = root / PRODUCT
    product.write_text(product.read_text("utf-8").replace("sales_channels:", f"photos: [{PHOTO}]\nsales_channels:"), "utf-8")
    return root


def test_same_size_replacement_is_checked_again(tmp_path: Path) -> None:
    """Keyed by size, a photo swapped for a same-size HTML page kept the old verdict (and the whole-run cache)."""
    root = photo_tree(tmp_path)
    assert validate(RunConfig(root, today=TODAY)).findings == []
    size = (root / PHOTO).stat().st_size
    html = b"<html><script>alert(1)</script>"
    (root / PHOTO).write_bytes(html + b" " * (size - len(html)))
    assert (root / PHOTO).stat().st_size == size
    rules = sorted(f.rule for f in validate(RunConfig(root, today=TODAY)).findings)
    assert rules == ["PHOTO-REJECTED", "PHOTO-TYPE"]


def test_warm_run_reads_no_photo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = photo_tree(tmp_path)
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # the files were just written: trust their stat at once
    validate(RunConfig(root, today=TODAY))

    def no_reading(path: str):
        raise AssertionError(f"read {path} although its stat was cached")

    monkeypatch.setattr(photos, "read_media", no_reading)
    assert validate(RunConfig(root, today=TODAY)).findings == []


def test_clone_with_restored_cache_inspects_no_photo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """New inodes and mtimes, same bytes: the photo's verdict is found by its content hash."""
    root = photo_tree(tmp_path)
    (root / "registry/hai-phong/media/cut.jpg").write_bytes(make_image({"format": "jpeg", "size": [99, 99], "drop_tail": 9}))
    first = [f.to_dict() for f in validate(RunConfig(root, today=TODAY)).findings]
    assert {f["rule"] for f in first} == {"PHOTO-UNREADABLE"}
    clone = tmp_path / "clone"
    shutil.copytree(root, clone)

    def no_inspection(name, media):
        raise AssertionError(f"inspected {name} although its content hash was cached")

    monkeypatch.setattr(photos, "inspect", no_inspection)
    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD", 1)
    assert [f.to_dict() for f in validate(RunConfig(clone, today=TODAY)).findings] == first


def test_photo_verdicts_count_as_files_checked(tmp_path: Path) -> None:
    root = photo_tree(tmp_path)
    records = len(list((root / "registry").rglob("*.yaml")))
    assert validate(RunConfig(root, today=TODAY, use_cache=False)).files_checked == records + 1
