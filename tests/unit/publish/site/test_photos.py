"""The site publishes re-encoded copies of product photos: upright, at most 1,600 px (and a 400 px thumbnail),
without EXIF (no GPS position), never the contributed file; the same registry builds the same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from ocop.check.pipeline import load_registry
from ocop.config import BuildConfig
from ocop.publish.build import build_site
from ocop.publish.site import generator, model
from ocop.publish.site import photos as site_photos
from ocop_testing import FIXTURES, GPS_IFD, REPO, make_image

TODAY = dt.date(2026, 11, 23)
PRODUCT = "registry/hai-phong/products/sp-hai-phong-0001.yaml"
MEDIA = "registry/hai-phong/media/"


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_gps_exif_is_stripped_and_the_long_edge_bounded() -> None:
    source = make_image({"format": "jpeg", "size": [3000, 2000], "gps": True})
    assert opened(source).getexif().get_ifd(GPS_IFD), "the source must carry a GPS position"
    encoded = site_photos.encode("a.jpg", source)
    for data, edge in ((encoded.large, 1600), (encoded.thumb, 400)):
        image = opened(data)
        assert image.format == "JPEG" and max(image.size) == edge
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        assert b"Exif\0\0" not in data and "Máy ảnh kiểm thử".encode() not in data
    assert encoded.large_size == (1600, 1067) and encoded.thumb_size == (400, 267)


def test_orientation_is_applied_before_the_metadata_goes() -> None:
    """A phone stores a portrait photo sideways with EXIF orientation 6: the copy must stand upright."""
    source = make_image({"format": "jpeg", "size": [2400, 1800], "orientation": 6, "gps": True})
    encoded = site_photos.encode("a.jpg", source)
    assert encoded.large_size == (1200, 1600) and opened(encoded.large).size == (1200, 1600)
    assert encoded.thumb_size == (300, 400)


@pytest.mark.parametrize("spec", [
    {"format": "png", "size": [900, 600], "mode": "RGBA"},
    {"format": "png", "size": [900, 600], "mode": "P"},
    {"format": "png", "size": [900, 600], "mode": "L"},
    {"format": "webp", "size": [900, 600]},
    {"format": "jpeg", "size": [900, 600], "mode": "CMYK"},
    {"format": "jpeg", "size": [20, 10]},
])
def test_every_accepted_kind_becomes_a_jpeg_never_enlarged(spec: dict) -> None:
    encoded = site_photos.encode("a." + spec["format"], make_image(spec))
    assert opened(encoded.large).format == "JPEG" and opened(encoded.large).mode in ("RGB", "L")
    assert encoded.large_size == tuple(spec["size"])
    assert max(encoded.thumb_size) == min(400, max(spec["size"]))


@pytest.mark.parametrize("name, data", [
    ("a.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("a.jpg", make_image({"format": "png", "size": [10, 10]})),
    ("a.png", make_image({"format": "png", "size": [10000, 10000], "header_only": True})),
    ("a.jpg", make_image({"format": "jpeg", "size": [300, 200], "drop_tail": 100})),
])
def test_refused_photos_are_never_decoded(name: str, data: bytes) -> None:
    with pytest.raises(site_photos.PhotoError):
        site_photos.encode(name, data)


def photo_tree(tmp_path: Path) -> Path:
    """The rule fixtures with three photos on one product: a phone photo with GPS, a PNG, and an SVG named .png."""
    root = tmp_path / "tree"
    shutil.copytree(FIXTURES / "rules" / "valid", root)
    media = root / MEDIA
    media.mkdir(parents=True)
    (media / "sp-hai-phong-0001.jpg").write_bytes(make_image({"format": "jpeg", "size": [3000, 2000], "gps": True}))
    (media / "sp-hai-phong-0001-b.png").write_bytes(make_image({"format": "png", "size": [300, 200]}))
    product = root / PRODUCT
    photos = f"photos:\n  - {MEDIA}sp-hai-phong-0001.jpg\n  - {MEDIA}sp-hai-phong-0001-b.png\naddress:\n"
    product.write_text(product.read_text("utf-8").replace("address:\n", photos, 1), "utf-8")
    return root


def build(root: Path, out: Path) -> Path:
    log = io.StringIO()
    result = build_site(BuildConfig(root, TODAY, out=out, pagefind=False, documents=False, use_cache=False), log=log)
    assert result.ok, log.getvalue()
    return result.site


def site_files(site: Path, folder: str) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((site / folder).rglob("*")) if p.is_file()}


def test_build_publishes_copies_not_originals_and_is_deterministic(tmp_path: Path) -> None:
    root = photo_tree(tmp_path)
    site = build(root, tmp_path / "out")
    assert not (site / "registry").exists(), "the contributed files must never be copied"
    published = sorted((site / "anh").iterdir())
    assert len(published) == 4  # two photos, each a copy and a thumbnail
    for path in published:
        image = Image.open(path)
        assert image.format == "JPEG" and max(image.size) <= (400 if path.stem.endswith("-nho") else 1600)
        assert not image.getexif().get_ifd(GPS_IFD) and b"Exif" not in path.read_bytes()
    page = (site / "san-pham/sp-hai-phong-0001/index.html").read_text("utf-8")
    assert page.count('<img src="../../anh/') == 2 and 'width="1600" height="1067"' in page and "/media/" not in page
    index = json.loads((site / "api/v1/catalogue.json").read_text("utf-8"))
    thumbs = dict(zip([i[0] for i in index["items"]], [i[index["fields"].index("thumb")] for i in index["items"]], strict=True))
    assert (site / thumbs["sp-hai-phong-0001"]).is_file() and thumbs["sp-hai-phong-0001"].endswith("-nho.jpg")
    assert thumbs["sp-hai-phong-0002"] == ""
    # again from the photo cache, and again without it: the same names and bytes
    first = (site_files(site, "anh"), page)
    again = build(root, tmp_path / "out")
    assert (site_files(again, "anh"), (again / "san-pham/sp-hai-phong-0001/index.html").read_text("utf-8")) == first
    shutil.rmtree(tmp_path / "out")
    fresh = build(root, tmp_path / "out")
    assert (site_files(fresh, "anh"), (fresh / "san-pham/sp-hai-phong-0001/index.html").read_text("utf-8")) == first


def test_refused_photo_is_left_out_of_the_site(tmp_path: Path) -> None:
    """Even when the generator runs on a registry with errors (`ocop site generate` refuses; a caller may not)."""
    root = photo_tree(tmp_path)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    (root / MEDIA / "sp-hai-phong-0001-b.png").write_bytes(svg)
    registry = load_registry(root, use_cache=False)[0]
    assert registry.photo_problems == {MEDIA + "sp-hai-phong-0001-b.png": ("PHOTO-TYPE",)}
    docs, log = tmp_path / "docs", io.StringIO()
    generator.generate(model.build(registry, TODAY, "https://ocop.example/"), docs, log=log)
    assert len(list((docs / "anh").iterdir())) == 2
    assert not any(svg in p.read_bytes() for p in docs.rglob("*") if p.is_file())
    assert "sp-hai-phong-0001-b.png" in log.getvalue() and "PHOTO-TYPE" in log.getvalue()
    page = (docs / "san-pham/sp-hai-phong-0001/index.html").read_text("utf-8")
    assert page.count('<img src="../../anh/') == 1  # the one accepted photo (the stamp QR is an <img> too)


def test_photo_cache_keeps_only_published_photos(tmp_path: Path) -> None:
    root = photo_tree(tmp_path)
    cache = tmp_path / "cache"
    rels = [MEDIA + "sp-hai-phong-0001.jpg", MEDIA + "sp-hai-phong-0001-b.png"]
    site_photos.publish(root, rels, tmp_path / "a", cache)
    assert len(list(cache.iterdir())) == 4
    site_photos.publish(root, rels[:1], tmp_path / "b", cache)
    assert len(list(cache.iterdir())) == 2


MEASURE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from ocop_testing import make_image
from ocop.publish.site import photos
data = make_image(json.loads(sys.argv[2]))
assert len(data) <= photos.photo_rules.MAX_BYTES
def status(key):
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(key)) / 1024
open("/proc/self/clear_refs", "w").write("5")  # the peak from here on (the test image was made above)
base = status("VmRSS")
start = time.perf_counter()
encoded = photos.encode("a." + json.loads(sys.argv[2])["format"], data)
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": status("VmHWM") - base,
                  "size": encoded.large_size}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("spec, peak_mb", [
    ({"format": "jpeg", "size": [8000, 5000]}, 60),  # decoded at 1/4 scale (draft)
    ({"format": "png", "size": [8000, 5000], "mode": "RGBA"}, 400),  # decoded whole (4 bytes a pixel), then reduced
])
def test_largest_allowed_photo_is_encoded_in_bounded_time_and_memory(spec: dict, peak_mb: int) -> None:
    """40 megapixels, the largest a photo may have: seconds, and memory bounded by the pixel cap."""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux /proc to measure the peak")
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    run = subprocess.run([sys.executable, "-c", MEASURE, str(REPO / "tests"), json.dumps(spec)], capture_output=True,
                         text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    stats = json.loads(run.stdout)
    assert stats["size"] == [1600, 1000]
    assert stats["seconds"] < 10, stats
    assert stats["peak_mb"] < peak_mb, stats
