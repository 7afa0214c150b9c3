"""Issued facts are append-only: compared with a base git ref (`ocop validate --base REF`), a change may
not edit or delete an issued decision or certificate, nor move any record to another province.

Revoking, re-recognising and upgrading are done by adding records. Git is read locally (no network):
`git ls-tree` lists the base tree, `git diff REF` names the files that differ from it (committed,
staged or not), and only those base versions are read, in one `git cat-file --batch` call.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ocop.check.rules import Context
from ocop.domain import lifecycle
from ocop.findings import Finding, make, rule
from ocop.load import parse_yaml
from ocop.model.layout import KIND_VI, classify, valid_name
from ocop.model.registry import Record, Registry

F = "history"
rule("HISTORY-EDIT", "error", "Sửa nội dung đã ban hành",
     "Không sửa số, ngày, cơ quan ban hành, người ký, danh sách sản phẩm của quyết định đã ban hành, hay hạng sao, "
     "điểm, ngày hiệu lực, sản phẩm, quyết định của chứng nhận đã cấp.",
     example="đổi star: 3 thành star: 4 trong một chứng nhận đã có",
     fix="Hoàn tác thay đổi; nâng hạng, công nhận lại hay thu hồi bằng cách thêm quyết định và chứng nhận mới.",
     family=F, fixed="giữ star: 3; công nhận lại bằng chứng nhận mới có supersedes")
rule("HISTORY-DELETE", "error", "Xóa quyết định hoặc chứng nhận đã ban hành",
     "Quyết định và chứng nhận đã ban hành không bị xóa khỏi sổ đăng ký, kể cả khi đã thu hồi.",
     example="xóa tệp registry/hai-phong/certificates/2024/cn-hai-phong-2024-0001.yaml",
     fix="Khôi phục tệp; để chấm dứt hiệu lực, thêm quyết định thu hồi.", family=F, fixed="giữ tệp; thêm quyết định thu hồi nếu chứng nhận không còn giá trị")
rule("HISTORY-MOVE", "error", "Chuyển hồ sơ sang thư mục tỉnh khác",
     "Hồ sơ đã có không được chuyển sang thư mục của tỉnh khác (mỗi tỉnh chỉ quản lý hồ sơ của mình).",
     example="chuyển sp-hai-phong-0001.yaml từ registry/hai-phong/ sang registry/ha-noi/",
     fix="Giữ hồ sơ ở thư mục tỉnh cũ; nếu sản phẩm đổi tỉnh quản lý, thêm hồ sơ mới ở tỉnh mới.", family=F, fixed="giữ registry/hai-phong/products/sp-hai-phong-0001.yaml; tạo hồ sơ mới ở tỉnh mới nếu cần")
rule("HISTORY-BASE", "error", "Không đọc được phiên bản gốc để so sánh",
     "Tham số --base phải là một commit, nhánh hoặc thẻ có trong kho git cục bộ.",
     example="ocop validate --base origin/khong-co",
     fix="Kiểm tra tên nhánh/commit; trong CI, checkout với fetch-depth: 0.", family=F, fixed="ocop validate --base origin/main")

PROTECTED = {
    "decision": ("type", "number", "date", "issuer", "signer", "criteria_set", "entries"),
    "certificate": ("star", "score", "valid_from", "valid_to", "product", "decision"),
    # a council's score sheet is evidence behind a certificate: it is corrected by a new evaluation
    "evaluation": ("product", "date", "council", "criteria_set", "product_set", "members", "failed_mandatory", "total"),
}
FIELD_VI = {"number": "số", "date": "ngày ban hành", "issuer": "cơ quan ban hành", "signer": "người ký",
            "entries": "danh sách sản phẩm", "star": "hạng sao", "score": "điểm", "valid_from": "hiệu lực từ",
            "valid_to": "hiệu lực đến", "product": "sản phẩm", "decision": "quyết định", "type": "loại quyết định",
            "criteria_set": "bộ tiêu chí", "council": "hội đồng", "product_set": "bộ sản phẩm",
            "members": "phiếu chấm của thành viên", "failed_mandatory": "tiêu chí bắt buộc không đạt",
            "total": "tổng điểm"}


@dataclass(frozen=True)
class BaseFile:
    path: str
    blob: str
    kind: str
    province: str | None
    id: str


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, check=True).stdout


def base_files(root: Path, ref: str) -> dict[str, BaseFile]:
    """id → file in the base tree (only files at a record location)."""
    out = {}
    for item in git(root, "ls-tree", "-r", "-z", ref, "--", "registry/").split(b"\0"):
        if not item:
            continue
        meta, path = os.fsdecode(item).split("\t", 1)
        location = classify(path)
        if location.kind is None or location.kind == "plan" or not valid_name(path):  # misnamed: never a record
            continue
        out[location.stem] = BaseFile(path, meta.split()[2], location.kind, location.province_folder, location.stem)
    return out


def read_blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """Contents of many blobs in one process (`git cat-file --batch`)."""
    if not blobs:
        return {}
    raw = git(root, "cat-file", "--batch", stdin="".join(b + "\n" for b in blobs).encode())
    out, pos = {}, 0
    for _ in blobs:
        end = raw.index(b"\n", pos)
        sha, _type, size = raw[pos:end].decode().split()
        out[sha] = raw[end + 1:end + 1 + int(size)]
        pos = end + 1 + int(size) + 1
    return out


def changed_paths(root: Path, ref: str) -> set[str]:
    """Paths under registry/ whose working-tree content differs from the base (deletions included)."""
    out = git(root, "diff", "--name-only", "--no-renames", "-z", ref, "--", "registry/")
    return {os.fsdecode(p) for p in out.split(b"\0") if p}  # a name that is not UTF-8 is LAYOUT-NAME's


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    if not ctx.base_ref:
        return
    try:
        git(ctx.root, "rev-parse", "--verify", "--quiet", ctx.base_ref + "^{commit}")
        base = base_files(ctx.root, ctx.base_ref)
        differs = changed_paths(ctx.root, ctx.base_ref)
    except (subprocess.CalledProcessError, FileNotFoundError, UnicodeDecodeError):
        yield make("HISTORY-BASE", ".", 1, 1, f"Không đọc được phiên bản «{ctx.base_ref}» trong kho git.",
                   "Kiểm tra tên nhánh/commit; trong CI, checkout với fetch-depth: 0.")
        return
    changed: list[tuple[BaseFile, Record]] = []
    for old in base.values():
        record = registry.find(old.id)
        if record is None:
            if old.kind in PROTECTED:
                yield _deleted(old)
            continue
        if record.location.province_folder != old.province:
            yield _moved(old, record)
        if old.kind in PROTECTED and record.kind == old.kind and (record.path != old.path or old.path in differs):
            changed.append((old, record))
    contents = read_blobs(ctx.root, [old.blob for old, _ in changed])
    for old, record in changed:
        yield from _edited(registry, old, record, contents.get(old.blob, b""))


def _deleted(old: BaseFile) -> Finding:
    return make("HISTORY-DELETE", old.path, 1, 1,
                f"{KIND_VI[old.kind].capitalize()} đã ban hành «{old.id}» bị xóa khỏi sổ đăng ký.",
                f"Khôi phục tệp {old.path}; để chấm dứt hiệu lực, thêm quyết định thu hồi.")


def _moved(old: BaseFile, record: Record) -> Finding:
    line, column = record.locate("province")
    return make("HISTORY-MOVE", record.path, line, column,
                f"Hồ sơ «{old.id}» được chuyển từ registry/{old.province}/ sang registry/{record.location.province_folder}/.",
                f"Trả tệp về {old.path}; hồ sơ đã có không đổi tỉnh quản lý.")


def _edited(registry: Registry, old: BaseFile, record: Record, raw: bytes) -> Iterator[Finding]:
    try:
        before = parse_yaml(raw.decode("utf-8"))
    except Exception:  # an unreadable base version cannot be compared; the base was checked when merged
        return
    if not isinstance(before, dict):
        return
    for key in PROTECTED[old.kind]:
        was, now = _value(registry, old.kind, before, key), _value(registry, old.kind, record.data, key)
        if _canonical(was) == _canonical(now):
            continue
        line, column = record.locate(key) if key in record.data else (1, 1)
        yield make("HISTORY-EDIT", record.path, line, column,
                   f"Trường «{key}» ({FIELD_VI[key]}) của {KIND_VI[old.kind]} đã ban hành «{old.id}» bị sửa: "
                   f"{_show(was)} → {_show(now)}.",
                   "Hoàn tác thay đổi này; nâng hạng, công nhận lại, đính chính hay thu hồi bằng cách thêm quyết định "
                   "và chứng nhận mới.")


def _value(registry: Registry, kind: str, data: dict, key: str) -> object:
    """The effective value: a certificate's implicit dates count, so writing out the default is not an edit."""
    if kind != "certificate" or key not in ("valid_from", "valid_to"):
        return data.get(key)
    start = lifecycle.parse_date(data.get("valid_from"))
    if start is None:
        decision = registry.get("decision", data.get("decision"))
        start = lifecycle.parse_date(decision.get("date")) if decision else None
    if key == "valid_from":
        return start.isoformat() if start else data.get("valid_from")
    end = lifecycle.parse_date(data.get("valid_to"))
    end = end or (lifecycle.add_months(start, lifecycle.VALIDITY_MONTHS) if start else None)
    return end.isoformat() if end else data.get("valid_to")


def _canonical(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _show(value: object) -> str:
    text = "(trống)" if value is None else _canonical(value) if isinstance(value, dict | list) else str(value)
    return f"«{text[:120]}»"
