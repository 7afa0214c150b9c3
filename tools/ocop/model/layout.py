"""Where each kind of record lives in the repository: folders, file names, and the walk that finds them."""

from __future__ import annotations

import functools
import os
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
MEDIA_FOLDER = "media"
PROVINCES_FILE = "registry/provinces.yaml"


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
    if parts[0] != "registry" or len(parts) < 4:
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
