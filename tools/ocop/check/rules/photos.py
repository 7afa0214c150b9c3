"""Product photos, judged by their content, never by their name: the site publishes re-encoded copies of them.

A photo is a file under registry/<province>/media/ named .jpg, .jpeg, .png or .webp. Per file (in the
per-file stage, cached by the file's content like a record; `check_media`):

- the type from the first bytes (magic numbers): JPEG, PNG or WebP only, and the one the extension names;
- at most MAX_BYTES bytes (a larger file is not parsed at all: only its size and first bytes are read);
- at most MAX_PIXELS pixels, from the header: Pillow's `Image.open` reads the header and decodes nothing,
  with its decompression-bomb guard left on;
- a whole file: a JPEG's segments run to its end marker, a PNG's chunks to IEND with their checksums, a
  WebP's RIFF size fits the file. Nothing is decompressed, so checking a photo costs about reading it.

Cross-record (`check`): a product whose `photos` names a file that failed those checks says so at that
entry, so the product's editor sees why its photo will not be shown.

`inspect` is also what the site's publisher calls before it decodes anything (publish/site/photos.py).
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from ocop.check.rules import Context
from ocop.findings import Finding, make, rule
from ocop.model.layout import MEDIA_SUFFIXES
from ocop.model.layout import is_media as is_media  # defined there: git's listing needs it without the checks
from ocop.model.registry import Registry, as_list

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
HEAD_BYTES = 64  # what is read of a file over MAX_BYTES: enough to name its type
SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
assert set(SUFFIXES) == MEDIA_SUFFIXES  # where a photo may be (model.layout.is_media), and how it is checked
FORMAT_NAME = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
EXTENSIONS_VI = {"JPEG": "«.jpg» hoặc «.jpeg»", "PNG": "«.png»", "WEBP": "«.webp»"}
PILLOW_FORMATS = ("JPEG", "PNG", "WEBP")  # Pillow tries no other reader (PSD, EPS, TIFF, … never run)

rule("PHOTO-TYPE", "error", "Tệp ảnh không phải JPEG, PNG hay WebP",
     "Ảnh sản phẩm được nhận biết theo nội dung tệp (các byte đầu), không theo tên: chỉ nhận ảnh JPEG, PNG "
     "hoặc WebP. Một trang HTML hay hình SVG (có thể chứa mã script) đặt tên .png hoặc .jpg bị từ chối.",
     example="registry/ha-noi/media/sp-ha-noi-0001.png là tệp SVG: <svg onload=…>",
     fix="Chụp hoặc xuất lại ảnh dưới dạng JPEG (.jpg), PNG (.png) hoặc WebP (.webp).", family="photos",
     fixed="registry/ha-noi/media/sp-ha-noi-0001.jpg là ảnh JPEG chụp từ điện thoại", added_in="0.2.0")
rule("PHOTO-EXTENSION", "error", "Đuôi tên tệp ảnh khác loại ảnh",
     "Đuôi tên tệp phải đúng loại ảnh trong tệp: .jpg hoặc .jpeg cho JPEG, .png cho PNG, .webp cho WebP.",
     example="registry/ha-noi/media/sp-ha-noi-0001.jpg chứa ảnh PNG",
     fix="Đổi đuôi tên tệp cho đúng loại ảnh và sửa đường dẫn trong trường photos của sản phẩm.", family="photos",
     fixed="registry/ha-noi/media/sp-ha-noi-0001.png (và photos: [registry/ha-noi/media/sp-ha-noi-0001.png])",
     added_in="0.2.0")
rule("PHOTO-SIZE", "error", "Tệp ảnh quá lớn",
     f"Một tệp ảnh không được lớn hơn {MAX_BYTES // (1024 * 1024)} MB: trang công khai chỉ đăng bản thu nhỏ, "
     "và kho không phải nơi lưu ảnh gốc.",
     example="registry/ha-noi/media/sp-ha-noi-0001.jpg nặng 60 MB",
     fix="Thu nhỏ ảnh (cạnh dài khoảng 2.000–3.000 điểm ảnh là đủ) hoặc lưu JPEG với chất lượng thấp hơn.",
     family="photos", fixed="registry/ha-noi/media/sp-ha-noi-0001.jpg nặng 800 KB", added_in="0.2.0")
rule("PHOTO-PIXELS", "error", "Ảnh quá nhiều điểm ảnh",
     f"Một ảnh không được quá {MAX_PIXELS // 1_000_000} megapixel (chiều rộng × chiều cao, đọc từ phần đầu tệp): "
     "ảnh lớn hơn tốn quá nhiều bộ nhớ khi dựng trang, và một tệp nhỏ có thể khai kích thước khổng lồ.",
     example="registry/ha-noi/media/sp-ha-noi-0001.png khai 10.000 × 10.000 điểm ảnh (100 megapixel)",
     fix="Thu nhỏ ảnh, ví dụ cạnh dài 3.000 điểm ảnh.", family="photos",
     fixed="registry/ha-noi/media/sp-ha-noi-0001.png 3.000 × 2.000 điểm ảnh (6 megapixel)", added_in="0.2.0")
rule("PHOTO-UNREADABLE", "error", "Tệp ảnh hỏng hoặc không đọc được",
     "Tệp có dấu hiệu là ảnh JPEG, PNG hoặc WebP nhưng phần đầu không đọc được, hoặc tệp bị cắt cụt "
     "(thiếu phần cuối, thường do tải lên bị gián đoạn).",
     example="registry/ha-noi/media/sp-ha-noi-0001.jpg chỉ còn 20 KB đầu của ảnh",
     fix="Tải lại tệp ảnh gốc, mở thử trên máy rồi thêm lại vào kho.", family="photos",
     fixed="registry/ha-noi/media/sp-ha-noi-0001.jpg đầy đủ, mở được trên máy", added_in="0.2.0")
rule("PHOTO-REJECTED", "error", "Sản phẩm dùng ảnh không đạt yêu cầu",
     "Trường photos của sản phẩm trỏ tới tệp ảnh bị một quy tắc PHOTO-… từ chối: ảnh đó sẽ không được đăng "
     "lên trang công khai.",
     example="photos: [registry/ha-noi/media/sp-ha-noi-0001.png] (tệp là trang HTML: PHOTO-TYPE)",
     fix="Sửa tệp ảnh theo lỗi báo ở chính tệp đó, hoặc bỏ ảnh khỏi trường photos.", family="photos",
     fixed="photos: [registry/ha-noi/media/sp-ha-noi-0001.jpg] (ảnh JPEG đạt yêu cầu)", added_in="0.2.0")



@dataclass(frozen=True)
class Media:
    """What was read of a photo file: all of it when it is within MAX_BYTES, else its first bytes."""

    content: bytes
    size: int

    @property
    def whole(self) -> bool:
        return len(self.content) == self.size


def read_media(path: str) -> Media | None:
    """The file's content (bounded), or None when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            content = fh.read(MAX_BYTES + 1 if size <= MAX_BYTES else HEAD_BYTES)
    except OSError:
        return None
    if len(content) > MAX_BYTES:  # grew while being read: judge it by what was read
        size = len(content)
        content = content[:HEAD_BYTES]
    elif size <= MAX_BYTES:
        size = len(content)
    return Media(content, size)


def digest(media: Media | None) -> bytes:
    """The validation cache's content key: the verdict depends on the size and the bytes read, nothing else.
    An unreadable file has none (b"big", as for records: its verdict is made afresh every run)."""
    if media is None:
        return b"big"
    key = hashlib.blake2b(b"photo %d\0" % media.size, digest_size=16)
    key.update(media.content)
    return key.digest()


def sniff(head: bytes) -> str | None:
    """The image type the magic bytes announce, or None."""
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def looks_like(head: bytes) -> str:
    """A Vietnamese name for what a non-photo file seems to be, for the message."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for prefix, name in ((b"<svg", "hình SVG"), (b"<?xml", "tệp XML hoặc SVG"), (b"<!doctype html", "trang HTML"),
                         (b"<html", "trang HTML"), (b"<script", "mã script"), (b"gif8", "ảnh GIF"),
                         (b"%pdf", "tệp PDF"), (b"pk\x03\x04", "tệp nén ZIP hoặc Word"), (b"bm", "ảnh BMP"),
                         (b"ii*\x00", "ảnh TIFF"), (b"mm\x00*", "ảnh TIFF")):
        if text.startswith(prefix):
            return name
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "ảnh HEIC/AVIF"
    if not head:
        return "tệp rỗng"
    return "không phải ảnh JPEG, PNG hay WebP"


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str


@dataclass(frozen=True)
class Inspection:
    format: str | None  # from the magic bytes
    width: int = 0
    height: int = 0
    problems: tuple[Problem, ...] = ()


def inspect(name: str, media: Media) -> Inspection:
    """Every problem of one photo file, from its size, magic bytes, header and structure; decodes nothing."""
    problems: list[Problem] = []
    found = sniff(media.content[:16])
    suffix = os.path.splitext(name)[1].lower()
    expected = SUFFIXES.get(suffix)
    if found is None:
        problems.append(Problem("PHOTO-TYPE", f"Tệp «{name}» là {looks_like(media.content[:HEAD_BYTES])}, không phải "
                                              "ảnh JPEG, PNG hay WebP (xét theo nội dung tệp, không theo tên)."))
    elif found != expected:
        problems.append(Problem("PHOTO-EXTENSION", f"Tệp «{name}» chứa ảnh {FORMAT_NAME[found]} nhưng đuôi tên là "
                                                   f"«{suffix}»; ảnh {FORMAT_NAME[found]} phải có đuôi {EXTENSIONS_VI[found]}."))
    if media.size > MAX_BYTES:
        problems.append(Problem("PHOTO-SIZE", f"Tệp ảnh «{name}» nặng {_mb(media.size)} MB, vượt giới hạn "
                                              f"{MAX_BYTES // (1024 * 1024)} MB."))
    if found is None or not media.whole:
        return Inspection(found, problems=tuple(problems))
    width, height, problem = _header(name, found, media.content)
    if problem is None:
        problem = _pixels(name, width, height) or _structure(name, found, media.content)
    if problem is not None:
        problems.append(problem)
    return Inspection(found, width, height, tuple(problems))


def check_media(rel: str, media: Media | None) -> list[dict]:
    """The per-file verdict of one photo file (finding dicts, as the validation cache keeps them)."""
    if media is None:
        return [make("PHOTO-UNREADABLE", rel, 1, 1, f"Không đọc được tệp ảnh «{rel}».",
                     "Kiểm tra quyền đọc của tệp, hoặc thêm lại tệp vào kho.").to_dict()]
    return [make(p.rule, rel, 1, 1, p.message).to_dict() for p in inspect(rel, media).problems]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


def _header(name: str, found: str, content: bytes) -> tuple[int, int, Problem | None]:
    """(width, height) from the header alone; Pillow's decompression-bomb check stays on (an image far
    over its limit is refused before its size is even returned: that is a PHOTO-PIXELS too).

    A WebP's size is read here first: Pillow's WebP reader sets up libwebp's decoder, canvas included, as
    it opens the file, so a WebP over the limit must never reach it."""
    from PIL import Image

    if found == "WEBP":
        size = webp_size(content)
        if size is None:
            return 0, 0, _unreadable_header(name, found)
        if size[0] * size[1] > MAX_PIXELS:
            return size[0], size[1], None  # _pixels reports it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # reported as PHOTO-PIXELS below
            with Image.open(io.BytesIO(content), formats=[found]) as im:
                width, height = im.size
    except Image.DecompressionBombError as bomb:
        pixels = _BOMB_PIXELS.search(str(bomb))
        declared = f"khai {int(pixels.group(1)) / 1_000_000:,.0f} megapixel".replace(",", ".") if pixels else "khai kích thước khổng lồ"
        return 0, 0, Problem("PHOTO-PIXELS", f"Ảnh «{name}» {declared}, vượt giới hạn {MAX_PIXELS // 1_000_000} megapixel.")
    except Exception:  # any parser error of a hostile file is this finding (Pillow's text is English, and varies)
        return 0, 0, _unreadable_header(name, found)
    return width, height, None


def _unreadable_header(name: str, found: str) -> Problem:
    return Problem("PHOTO-UNREADABLE", f"Không đọc được phần đầu (kích thước, kiểu màu) của ảnh {FORMAT_NAME[found]} "
                                       f"«{name}»: tệp hỏng hoặc bị cắt cụt.")


def webp_size(data: bytes) -> tuple[int, int] | None:
    """A WebP's canvas size from its first chunk (VP8X, or the lossy or lossless frame), as libwebp reads it."""
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _pixels(name: str, width: int, height: int) -> Problem | None:
    if width < 1 or height < 1:
        return Problem("PHOTO-UNREADABLE", f"Ảnh «{name}» khai kích thước {width} × {height} điểm ảnh.")
    if width * height > MAX_PIXELS:
        return Problem("PHOTO-PIXELS", f"Ảnh «{name}» có {_vnum(width)} × {_vnum(height)} điểm ảnh ({_mp(width * height)} "
                                       f"megapixel), vượt giới hạn {MAX_PIXELS // 1_000_000} megapixel.")
    return None


def _vnum(n: int) -> str:
    """10000 → 10.000 (Vietnamese group thousands with a dot)."""
    return f"{n:,}".replace(",", ".")


def _mp(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".replace(".", ",")


def _structure(name: str, found: str, content: bytes) -> Problem | None:
    """A whole file: what a cut-off upload lacks. Walks the container, decompresses nothing."""
    complete = {"JPEG": _jpeg_complete, "PNG": _png_complete, "WEBP": _webp_complete}[found](content)
    if complete:
        return None
    return Problem("PHOTO-UNREADABLE", f"Ảnh {FORMAT_NAME[found]} «{name}» bị cắt cụt hoặc hỏng: tệp không đi hết "
                                       "tới phần kết thúc của ảnh.")


def _jpeg_complete(data: bytes) -> bool:
    """Segments from SOI to EOI (data after EOI, as some cameras append, is allowed)."""
    n, i = len(data), 2
    while i + 2 <= n:
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:
            return True
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        if i + 4 > n:
            return False
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if length < 2:
            return False
        i += 2 + length
        if marker == 0xDA:  # entropy-coded data: runs to the next marker that is not a stuffed 00 or a restart
            found = _NEXT_MARKER.search(data, i)
            if found is None:
                return False
            i = found.start()
    return False


_NEXT_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")  # not FF00 (a stuffed FF), FFD0–D7 (restarts), FFFF (fill)


def _png_complete(data: bytes) -> bool:
    """Every chunk present with its CRC, up to IEND (Pillow's verify reads chunks, inflates nothing)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as im:
                im.verify()
    except Exception:  # a cut-off or corrupt chunk
        return False
    return True


def _webp_complete(data: bytes) -> bool:
    """The RIFF container's declared size fits the file."""
    declared = int.from_bytes(data[4:8], "little")
    return len(data) >= 12 and declared >= 4 and declared + 8 <= len(data)


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    """A product's photo entry that names a photo file the per-file checks refused."""
    del ctx
    if not registry.photo_problems:
        return
    for product in registry.all("product"):
        for i, photo in enumerate(as_list(product.get("photos"))):
            rules = registry.photo_problems.get(posixpath.normpath(photo)) if isinstance(photo, str) else None
            if rules:
                yield make("PHOTO-REJECTED", product.path, *product.locate("photos", i),
                           f"Ảnh «{photo}» không được đăng lên trang công khai: tệp ảnh bị từ chối ({', '.join(rules)}).",
                           f"Xem lỗi báo ở chính tệp «{photo}», sửa tệp hoặc bỏ ảnh khỏi trường photos.")
