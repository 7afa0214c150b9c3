"""Product photos on the site: re-encoded copies, never the contributed files.

Each photo a product names is checked again here (`check.rules.photos.inspect`: type by content, size,
pixels from the header, a whole file) and only then decoded, in bounded time and memory:

- a JPEG is decoded already scaled down (`draft`: libjpeg's DCT scaling by 1/2, 1/4 or 1/8), so a
  40-megapixel photo is never held at full size; PNG and WebP have no such path and are decoded whole,
  which the 40-megapixel cap bounds (at most 160 MB for RGBA), then reduced (`reduce` through `resize`);
- the EXIF orientation is applied, then every piece of metadata is dropped (EXIF with its GPS position and
  camera serial, XMP, comments, ICC profile, PNG text): the copy is made from pixels only;
- two JPEGs are written: at most LONG_EDGE pixels on the long edge for the product page, and a THUMB_EDGE
  thumbnail for lists (the catalogue).

Copies are named by a hash of the source bytes and of the encoder (settings and Pillow's version), so the
same registry builds the same site, byte for byte, and a copy made by an earlier build is reused from the
cache folder instead of being decoded again. Misses are encoded in worker processes when there are many.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import multiprocessing
import os
import shutil
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ocop.check.rules import photos as photo_rules

LONG_EDGE = 1600
THUMB_EDGE = 400
QUALITY = 82
THUMB_QUALITY = 78
FOLDER = "anh"  # the site's folder of photo copies
ENCODER = f"1;{LONG_EDGE};{THUMB_EDGE};{QUALITY};{THUMB_QUALITY};jpeg-progressive-optimized"
PARALLEL_MIN = 8  # fewer misses than this are encoded in this process


class PhotoError(Exception):
    """This photo is not published; the message (Vietnamese) says why."""


@dataclass(frozen=True)
class Published:
    """A photo's copies on the site, as paths relative to the site's root, with their sizes."""

    src: str
    width: int
    height: int
    thumb: str
    thumb_width: int
    thumb_height: int


@dataclass(frozen=True)
class Encoded:
    large: bytes
    large_size: tuple[int, int]
    thumb: bytes
    thumb_size: tuple[int, int]


def encoder_version() -> str:
    import PIL

    return f"{ENCODER};pillow-{PIL.__version__}"


def encode(name: str, content: bytes) -> Encoded:
    """The two published JPEGs of one photo file's bytes; PhotoError when it must not be published."""
    found = photo_rules.inspect(name, photo_rules.Media(content, len(content)))
    if found.problems:
        raise PhotoError("; ".join(p.message for p in found.problems))
    if found.width * found.height > photo_rules.MAX_PIXELS:  # inspect reports it; never decode past the cap
        raise PhotoError(f"Ảnh «{name}» quá {photo_rules.MAX_PIXELS // 1_000_000} megapixel.")
    try:
        large = _large(content)
        thumb = large.copy()
        thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), _lanczos())
        return Encoded(_jpeg(large, QUALITY), large.size, _jpeg(thumb, THUMB_QUALITY), thumb.size)
    except PhotoError:
        raise
    except Exception as err:  # a header that parses over data that does not decode (corrupt, cut off)
        raise PhotoError(f"Không giải mã được ảnh «{name}»: tệp hỏng.") from err


def _lanczos():
    from PIL import Image

    return Image.Resampling.LANCZOS


def _large(content: bytes):
    """The photo's pixels, upright, at most LONG_EDGE on the long edge, in RGB or L, without metadata."""
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # over 89 MP: inspect refused it already
        im = Image.open(io.BytesIO(content), formats=list(photo_rules.PILLOW_FORMATS))
    target = _fit(im.size, LONG_EDGE)
    if im.format == "JPEG":
        im.draft(None, target)  # decode at 1/2, 1/4 or 1/8 scale, still at least `target`
    im.load()
    factor = min(im.width // target[0], im.height // target[1])
    if factor >= 2:  # PNG and WebP (and what draft left over): average factor × factor blocks, in one cheap pass
        im = im.reduce(factor)
    if im.size != target:
        im = im.resize(target, Image.Resampling.LANCZOS)
    with contextlib.suppress(Exception):  # unreadable EXIF: the pixels as stored
        im = ImageOps.exif_transpose(im)  # the metadata survives resize(): orientation is read from it
    im = _flatten(im)
    clean = Image.new(im.mode, im.size)
    clean.paste(im)  # a new image: no info (EXIF, XMP, comment, ICC, text chunks) can follow the pixels
    return clean


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size scaled so the long edge is at most `edge` (never enlarged), aspect kept, each side ≥ 1."""
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _flatten(im):
    """RGB, or L for grey photos; transparency over white (JPEG has none)."""
    from PIL import Image

    if im.mode in ("1", "L"):
        return im.convert("L")
    if im.mode.startswith("I") or im.mode == "F":  # 16-bit or float grey: scale down to 8 bits
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return im.convert("RGB")


def _jpeg(im, quality: int) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _header_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=["JPEG"]) as im:
        return im.size


def publish(root: Path, rels: Iterable[str], dest: Path, cache: Path | None = None, jobs: int = 1,
            refused: dict[str, tuple[str, ...]] | None = None,
            log: TextIO | None = None) -> dict[str, Published]:
    """Re-encode the photos at repository paths `rels` into dest/anh/; return what was published, by path.

    A photo the validation refused (`refused`), that is missing, a link, outside registry/ or not a media
    file, or that fails the checks again here, is left out (and said on `log`).
    """
    root = root.resolve()
    version = encoder_version()
    sources: dict[str, tuple[str, bytes]] = {}  # rel → (key, bytes) of photos to publish
    for rel in sorted(set(rels)):
        content = _source(root, rel, refused or {}, log)
        if content is not None:
            key = hashlib.blake2b(version.encode() + b"\0" + content, digest_size=16).hexdigest()
            sources[rel] = (key, content)
    keys = {key: rel for rel, (key, _) in sources.items()}  # identical files are encoded once
    folder = dest / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    done: dict[str, Published] = {}
    misses = []
    for key, rel in sorted(keys.items()):
        cached = _from_cache(cache, key) if cache else None
        if cached is None:
            misses.append((key, rel, sources[rel][1]))
        else:
            done[key] = _write(folder, key, cached)
    for key, rel, encoded in _encode_all(misses, jobs):
        if isinstance(encoded, str):
            _say(log, f"không đăng ảnh «{rel}»: {encoded}")
            continue
        if cache:
            _to_cache(cache, key, encoded)
        done[key] = _write(folder, key, encoded)
    if cache:
        _prune(cache, set(keys))
    return {rel: done[key] for rel, (key, _) in sources.items() if key in done}


def _source(root: Path, rel: str, refused: dict[str, tuple[str, ...]], log: TextIO | None) -> bytes | None:
    if rel in refused:
        _say(log, f"không đăng ảnh «{rel}»: bị từ chối khi kiểm tra ({', '.join(refused[rel])}).")
        return None
    path = root / rel
    if not photo_rules.is_media(rel) or path.is_symlink() or not path.is_file() \
            or not path.resolve().is_relative_to(root / "registry"):
        return None  # REF-PHOTO or LAYOUT-PATH say why; nothing outside the media folders is published
    media = photo_rules.read_media(str(path))
    if media is None or not media.whole:
        _say(log, f"không đăng ảnh «{rel}»: không đọc được, hoặc lớn hơn {photo_rules.MAX_BYTES // (1024 * 1024)} MB.")
        return None
    return media.content


def _encode_one(item: tuple[str, str, bytes]) -> tuple[str, str, Encoded | str]:
    key, rel, content = item
    try:
        return key, rel, encode(rel, content)
    except PhotoError as err:
        return key, rel, str(err)


def _encode_all(items: list[tuple[str, str, bytes]], jobs: int):
    if jobs <= 1 or len(items) < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_encode_one, items)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_encode_one, items, chunksize=4)


def _write(folder: Path, key: str, encoded: Encoded) -> Published:
    (folder / f"{key}.jpg").write_bytes(encoded.large)
    (folder / f"{key}-nho.jpg").write_bytes(encoded.thumb)
    return Published(f"{FOLDER}/{key}.jpg", *encoded.large_size, f"{FOLDER}/{key}-nho.jpg", *encoded.thumb_size)


def _from_cache(cache: Path, key: str) -> Encoded | None:
    try:
        large, thumb = (cache / f"{key}.jpg").read_bytes(), (cache / f"{key}-nho.jpg").read_bytes()
        return Encoded(large, _header_size(large), thumb, _header_size(thumb))
    except Exception:  # missing, or damaged since: encode again
        return None


def _to_cache(cache: Path, key: str, encoded: Encoded) -> None:
    """Kept for the next build; the cache is only an optimisation (a full disk costs time, not the build)."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for name, data in ((f"{key}.jpg", encoded.large), (f"{key}-nho.jpg", encoded.thumb)):
            tmp = cache / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, cache / name)
    except OSError:
        pass


def _prune(cache: Path, keep: set[str]) -> None:
    """Copies of photos no longer published are removed, so the cache stays the size of the site's photos."""
    if not cache.is_dir():
        return
    for path in cache.iterdir():
        if path.name.split(".")[0].removesuffix("-nho") not in keep:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _say(log: TextIO | None, message: str) -> None:
    if log is not None:
        log.write(f"ocop build: {message}\n")
