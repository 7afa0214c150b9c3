"""Where each kind of record lives in the repository: folders, file names, and the walk that finds them."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

KIND_FOLDERS = {
    "producers": "producer",
    "products": "product",
    "decisions": "decision",
    "certificates": "certificate",
    "evaluations": "evaluation",
}
FOLDER_OF_KIND = {kind: folder for folder, kind in KIND_FOLDERS.items()}
YEARLY_KINDS = {"decision", "certificate", "evaluation"}
KINDS = ("producer", "product", "decision", "certificate", "evaluation", "plan")
KIND_VI = {"producer": "chủ thể", "product": "sản phẩm", "decision": "quyết định",
           "certificate": "giấy chứng nhận", "evaluation": "phiếu đánh giá", "plan": "kế hoạch"}
CENTRAL = "trung-uong"
KEYS_FOLDER = "keys"  # registry/keys/<province>.yaml: public keys that sign stamps (kind "key", not in KINDS)
MEDIA_FOLDER = "media"
MEDIA_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})  # the photo types check/rules/photos.py knows
PROVINCES_FILE = "registry/provinces.yaml"
# Names a file or folder under registry/ and plans/ may have: lowercase ASCII slugs (the form of every id, see
# schemas/common.schema.json), a file's with one lowercase extension; and the two notes git and readers need.
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
FREE_NAMES = ("README.md", ".gitkeep")
_VALID_PATH = re.compile(rf"(?:registry|plans)(?:/{SLUG})*/(?:{SLUG}\.[a-z0-9]+|README\.md|\.gitkeep)")
_VALID_FOLDERS = re.compile(rf"(?:registry|plans)(?:/{SLUG})*")
_VALID_FOLDER = re.compile(SLUG)
_VALID_FILE = re.compile(rf"{SLUG}\.[a-z0-9]+")
_VALID_NAME = re.compile(rf"{SLUG}\.[a-z0-9]+|README\.md|\.gitkeep")


class RegistryRootError(Exception):
    """The folder given as the registry has no registry/ in it: nothing to check, and nothing is written."""

    def __init__(self, root: Path) -> None:
        what = "không tồn tại" if not root.exists() else "không có thư mục registry/"
        super().__init__(f"«{root}» {what}, nên không phải là một sổ đăng ký OCOP. "
                         "Chạy lệnh trong thư mục của kho, hoặc chỉ đúng thư mục bằng --root.")
        self.root = root


@dataclass(frozen=True)
class Location:
    """Where a file sits, as parsed from its path: what the layout says the record must be."""

    relpath: str
    kind: str | None  # None: the path is not a valid record location
    province_folder: str | None = None
    year_folder: str | None = None

    @property
    def stem(self) -> str:
        return self.relpath.rsplit("/", 1)[-1].rsplit(".", 1)[0]


@functools.cache  # pure, and asked twice per file per run
def classify(relpath: str) -> Location:
    """Map a repository-relative path to the record kind its place in the layout implies."""
    parts = relpath.split("/")
    if not relpath.endswith(".yaml"):
        return Location(relpath, None)
    if parts[0] == "plans" and len(parts) == 2:
        return Location(relpath, "plan")
    if parts[0] != "registry" or len(parts) < 3:
        return Location(relpath, None)
    if parts[1] == KEYS_FOLDER and len(parts) == 3:
        return Location(relpath, "key")
    if len(parts) < 4:
        return Location(relpath, None)
    province, folder = parts[1], parts[2]
    kind = KIND_FOLDERS.get(folder)
    if kind is None:
        return Location(relpath, None, province)
    if kind in YEARLY_KINDS:
        if len(parts) != 5:
            return Location(relpath, None, province)
        return Location(relpath, kind, province, parts[3])
    if len(parts) != 4:
        return Location(relpath, None, province)
    return Location(relpath, kind, province)


def discover(root: Path, stats: dict[str, os.stat_result] | None = None) -> tuple[list[str], list[str]]:
    """Repository-relative paths of every file under registry/ and plans/, and of symlinks there.

    Symlinks are reported, never followed: a link could point outside the repository. Plain string
    paths, not pathlib: at national scale pathlib's overhead was most of the discovery time.
    """
    files: list[str] = []
    links: list[str] = []
    for top in ("registry", "plans"):
        if not (root / top).is_dir():
            continue
        stack = [top]
        while stack:
            rel_folder = stack.pop()
            with os.scandir(os.path.join(root, rel_folder)) as entries:
                for entry in entries:
                    rel = f"{rel_folder}/{entry.name}"
                    if entry.is_symlink():
                        links.append(rel)
                    elif entry.is_dir():
                        stack.append(rel)
                    elif entry.is_file():
                        files.append(rel)
                        if stats is not None:  # the entry stats without re-resolving the path
                            stats[rel] = entry.stat(follow_symlinks=False)
    files.sort()
    links.sort()
    return files, links


def valid_name(relpath: str) -> bool:
    """True when every folder and the file below registry/ or plans/ is named as the layout requires."""
    return _VALID_PATH.fullmatch(relpath) is not None


def is_media(rel: str) -> bool:
    """A photo's place: registry/<province>/media/…/<name>.jpg|.jpeg|.png|.webp (any case)."""
    parts = rel.split("/")
    return (len(parts) >= 4 and parts[0] == "registry" and parts[2] == MEDIA_FOLDER
            and os.path.splitext(rel)[1].lower() in MEDIA_SUFFIXES)


def misnamed(paths: list[str]) -> list[str]:
    """The paths `valid_name` refuses; each folder is checked once (a registry has 60,000 files in a few
    thousand folders)."""
    folders: dict[str, bool] = {}
    out = []
    for rel in paths:
        folder, _, name = rel.rpartition("/")
        ok = folders.get(folder)
        if ok is None:
            ok = folders[folder] = _VALID_FOLDERS.fullmatch(folder) is not None
        if not (ok and _VALID_NAME.fullmatch(name)):
            out.append(rel)
    return out


@dataclass(frozen=True)
class NameProblem:
    """Why a path's name is refused: the first offending part (as shown), what is wrong with it, and a
    corrected name when one follows from it (Vietnamese letters without their marks, lowercase, hyphens)."""

    part: str
    reason: str
    suggestion: str | None


def name_problem(relpath: str) -> NameProblem | None:
    """None for a well-named path; else the first part (folder or file) that is not a lowercase ASCII slug."""
    if valid_name(relpath):
        return None
    parts = relpath.split("/")
    for i, part in enumerate(parts[1:], start=1):
        is_file = i == len(parts) - 1
        if (_VALID_FILE if is_file else _VALID_FOLDER).fullmatch(part) or (is_file and part in FREE_NAMES):
            continue
        return NameProblem(shown(part), _reason(part, is_file), _suggestion(part, is_file))
    return NameProblem(shown(relpath), "không nằm trong registry/ hay plans/", None)


def shown(text: str) -> str:
    """A name as it can be printed: unchanged when printable; else every undecodable byte (kept by Python as
    a lone surrogate) as \\xNN and every control, format or separator character as its \\x/\\u code, so a
    name can never break a report's line, a GitHub annotation or the terminal."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if char.isprintable():
            out.append(char)
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for a byte that is not UTF-8
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def _reason(part: str, is_file: bool) -> str:
    for char in part:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            return f"có byte 0x{code - 0xDC00:02X} không phải UTF-8"
        if char == " ":
            return "có dấu cách"
        if not char.isprintable():
            return f"có ký tự điều khiển hoặc vô hình U+{code:04X}"
        if code > 0x7F:
            name = unicodedata.name(char, "").lower()
            if unicodedata.combining(char):
                return f"có dấu tổ hợp U+{code:04X} ({name}): tên viết có dấu hoặc ở dạng NFD"
            return f"có ký tự «{char}» (U+{code:04X} {name}) ngoài bảng chữ ASCII"
        if "A" <= char <= "Z":
            return f"có chữ hoa «{char}»"
        if not (char.isalnum() or char == "-" or (char == "." and is_file)):
            return f"có ký tự «{char}»"
    if is_file:
        return "không có dạng <chữ-thường-số-gạch-nối>.<đuôi chữ thường>"
    return "không có dạng chữ-thường-số-gạch-nối"


def _suggestion(part: str, is_file: bool) -> str | None:
    """The name with Vietnamese marks removed, lowercased, other characters as hyphens; None when a letter
    has no ASCII form (a Cyrillic or Greek look-alike must be retyped, not guessed)."""
    stem, dot, suffix = part.rpartition(".") if is_file and "." in part.lstrip(".") else (part, "", "")
    folded, ext = _fold(stem), _fold(suffix).replace("-", "") if dot else ""
    if not folded or (dot and not ext):
        return None
    suggestion = folded + (f".{ext}" if dot else "")
    return suggestion if suggestion != part else None


def _fold(text: str) -> str:
    """Lowercase ASCII words joined by hyphens; empty when some letter has no ASCII form."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    if not text.isascii():
        return ""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))
