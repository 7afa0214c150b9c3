"""What a pull-request check (`ocop validate --changed-since BASE`) says about the change itself, not about
the records: files whose change reviewers must see (teams, schemas, rule data, the checking code and CI),
and changed record paths that no check read.

These depend on the change, not on the tree, so the pipeline calls `check_changes` after the cached and
scoped stages; it never runs without --changed-since.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from ocop.check.gitdiff import Changes
from ocop.findings import Finding, make, rule
from ocop.load import load_document
from ocop.model.layout import PROVINCES_FILE, shown

F = "review"
rule("REVIEW-SENSITIVE", "warning", "Thay đổi cần nhóm trung ương xem kỹ",
     "Thay đổi danh sách tỉnh và nhóm phụ trách (registry/provinces.yaml), lược đồ (schemas/), dữ liệu quy tắc "
     "(tools/ocop/domain/data/), mã của công cụ kiểm tra (tools/, pyproject.toml, Makefile), quy trình CI và "
     "CODEOWNERS (.github/, .ci/) hay cấu hình trang web (mkdocs.yml) đổi cách mọi hồ sơ được kiểm tra, công bố "
     "hoặc ai được duyệt chúng. Bước kiểm tra pull request "
     "cảnh báo từng tệp như vậy để người duyệt thấy; CODEOWNERS giao chúng cho nhóm trung ương.",
     example="pull request của một tỉnh sửa schemas/product.schema.json hoặc đổi team của tỉnh trong provinces.yaml",
     fixed="pull request của tỉnh chỉ thêm, sửa hồ sơ trong registry/<tỉnh>/ và plans/kh-<tỉnh>-…",
     fix="Người duyệt của nhóm trung ương đọc kỹ thay đổi này; nếu không cố ý, bỏ tệp khỏi pull request.",
     family=F, added_in="0.2.0")
rule("REVIEW-UNCHECKED", "error", "Tệp thay đổi không được kiểm tra",
     "Mọi đường dẫn trong registry/ và plans/ mà pull request thêm hoặc sửa phải được bước kiểm tra đọc (hoặc báo "
     "lỗi về tên, liên kết). Một đường dẫn git báo là đã đổi mà công cụ không thấy (ví dụ một submodule) sẽ lọt qua "
     "bước kiểm tra, nên bị chặn.",
     example="registry/hai-phong/products/vendor là một submodule git", fixed="chỉ tệp YAML và ảnh thường trong registry/",
     fix="Thay đường dẫn đó bằng tệp thường (không phải submodule hay liên kết) đúng bố cục kho.",
     family=F, added_in="0.2.0")

# Prefixes of the paths whose change a reviewer must see, most specific first, and what each is.
SENSITIVE = (
    (PROVINCES_FILE, "danh sách tỉnh và nhóm phụ trách (CODEOWNERS)"),
    ("registry/keys/", "khóa ký"),
    ("schemas/", "lược đồ hồ sơ"),
    ("tools/ocop/domain/data/", "dữ liệu quy tắc (bộ tiêu chí, khung điểm, thẩm quyền)"),
    ("tools/", "mã của công cụ kiểm tra"),
    ("pyproject.toml", "phiên bản các thư viện của công cụ kiểm tra"),
    ("Makefile", "lệnh cài đặt và kiểm tra mà CI chạy"),
    (".github/", "quy trình CI, CODEOWNERS và biểu mẫu"),
    (".ci/", "lệnh kiểm thử mà CI chạy"),
    ("mkdocs.yml", "cấu hình trang web công khai"),
)
CHECKED_TOPS = ("registry/", "plans/")


def check_changes(root: Path, changes: Changes, checked: Iterable[str]) -> list[Finding]:
    """REVIEW-SENSITIVE for each sensitive changed file, REVIEW-UNCHECKED for each changed record path (not a
    deletion) that the run did not check."""
    checked = set(checked)
    findings: list[Finding] = []
    for path in sorted(changes.paths):
        what = sensitive(path)
        if what:
            findings.extend(_sensitive(root, changes, path, what))
        if path.startswith(CHECKED_TOPS) and path not in changes.deleted and path not in checked:
            findings.append(make("REVIEW-UNCHECKED", shown(path), 1, 1,
                                 f"«{shown(path)}» đổi trong thay đổi này nhưng không phải tệp mà bước kiểm tra đọc "
                                 "được (submodule, thư mục hay tệp đặc biệt?)."))
    return findings


def sensitive(path: str) -> str | None:
    """What a sensitive path is (for the message), or None for a path any province may change."""
    for prefix, label in SENSITIVE:
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return label
    return None


def _sensitive(root: Path, changes: Changes, path: str, what: str) -> Iterator[Finding]:
    gone = path in changes.deleted
    line, column, teams = 1, 1, ""
    if path == PROVINCES_FILE and not gone:
        (line, column), teams = _team_changes(root, changes.base)
    yield make("REVIEW-SENSITIVE", shown(path), line, column,
               f"Thay đổi này {'xóa' if gone else 'sửa'} {what}: «{shown(path)}».{teams}",
               "Cần nhóm trung ương duyệt (CODEOWNERS); người duyệt đọc kỹ thay đổi của tệp này.")


def _team_changes(root: Path, base: str) -> tuple[tuple[int, int], str]:
    """The position of the first team that changed since the base, and a sentence listing the changes."""
    path = root / PROVINCES_FILE
    if path.is_symlink() or not path.is_file():  # a link is refused by the loader (LAYOUT-SYMLINK)
        return (1, 1), ""
    now = load_document(path, PROVINCES_FILE)
    old_bytes = subprocess.run(["git", "show", f"{base}:{PROVINCES_FILE}"], cwd=root, capture_output=True)
    before = load_document(path, PROVINCES_FILE, old_bytes.stdout).data if old_bytes.returncode == 0 else None
    old, new = _teams(before), _teams(now.data)
    changed = [key for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)]
    if not changed:
        return (1, 1), ""
    index = _province_index(now.data, changed[0])
    position = (now.locate(("national_team",)) if changed[0] == "national_team"
                else now.locate(("provinces", index, "team")) if index is not None else (1, 1))
    listed = "; ".join(f"{shown(key)}: {shown(str(old.get(key) or '(không có)'))} → {shown(str(new.get(key) or '(không có)'))}"
                       for key in changed[:10])
    return position, f" Nhóm phụ trách đổi: {listed}{'…' if len(changed) > 10 else ''}."


def _teams(data: object) -> dict[str, object]:
    """slug → team, and "national_team" → the national team, from provinces.yaml data of any shape."""
    if not isinstance(data, dict):
        return {}
    out = {"national_team": data.get("national_team")}
    provinces = data.get("provinces")
    for item in provinces if isinstance(provinces, list) else []:
        if isinstance(item, dict) and isinstance(item.get("slug"), str):
            out[item["slug"]] = item.get("team")
    return out


def _province_index(data: object, slug: str) -> int | None:
    provinces = data.get("provinces") if isinstance(data, dict) else None
    for i, item in enumerate(provinces if isinstance(provinces, list) else []):
        if isinstance(item, dict) and item.get("slug") == slug:
            return i
    return None
