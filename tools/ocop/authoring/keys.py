"""`ocop keys new`: an Ed25519 key pair for signing a province's stamps (or the national trust list).

The private key is written only outside the repository (a path inside it, also through a symlink, is
refused: a committed private key is a leaked one), as PKCS#8 PEM readable by its owner only. The public
key and its validity period are added to registry/keys/<province>.yaml and checked against its schema.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ocop.authoring import fmt
from ocop.check.pipeline import load_registry, validate
from ocop.config import RunConfig
from ocop.findings import has_errors
from ocop.model.keys import NATIONAL, b64u, kid_of
from ocop.model.layout import KEYS_FOLDER

HEADER = "# yaml-language-server: $schema=../../schemas/key.schema.json\n"


class KeyRequestError(Exception):
    """The key cannot be made as asked (Vietnamese message)."""


@dataclass(frozen=True)
class NewKey:
    kid: str
    private_path: Path
    record_path: Path


def inside(path: Path, root: Path) -> bool:
    """Whether path, with every symlink resolved (also of folders that do not exist yet), is under root."""
    resolved, top = path.expanduser().resolve(), root.resolve()
    return resolved == top or top in resolved.parents


def new_key(root: Path, province: str, out_dir: Path, valid_from: dt.date, years: int = 10,
            note: str | None = None) -> NewKey:
    registry, _findings, _files = load_registry(root)
    if province != NATIONAL and province not in registry.province_slugs():
        raise KeyRequestError(f"«{province}» không phải thư mục tỉnh trong registry/provinces.yaml (hoặc {NATIONAL}).")
    if inside(out_dir, root):
        raise KeyRequestError(f"Thư mục «{out_dir}» nằm trong kho: khóa bí mật không bao giờ được ghi vào kho. "
                        "Chọn thư mục khác bằng --out (mặc định ~/.config/ocop/keys).")
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = kid_of(public)
    target = out_dir.expanduser() / f"{province}-{kid}.pem"
    if inside(target, root):  # the file itself could be a symlink into the repository
        raise KeyRequestError(f"«{target}» trỏ vào trong kho; không ghi khóa bí mật.")
    rel = f"registry/{KEYS_FOLDER}/{province}.yaml"
    record = root / rel
    data = yaml.safe_load(record.read_text(encoding="utf-8")) if record.is_file() else None
    data = data if isinstance(data, dict) else {"province": province, "keys": []}
    if any(isinstance(k, dict) and k.get("kid") == kid for k in data.get("keys") or []):
        raise KeyRequestError(f"Mã khóa {kid} đã có; chạy lại lệnh.")
    valid_to = valid_from.replace(year=valid_from.year + years) - dt.timedelta(days=1)
    entry = {"kid": kid, "algorithm": "Ed25519", "public_key": b64u(public), "valid_from": valid_from.isoformat(),
             "valid_to": valid_to.isoformat()}
    if note:
        entry["note"] = note
    data.setdefault("keys", []).append(entry)
    _write_private(target, private)
    old = record.read_bytes() if record.is_file() else None
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    formatted = fmt.format_file(root, rel)  # the canonical text `ocop fmt --check` accepts
    if formatted.status == "changed" and formatted.text:
        record.write_text(formatted.text, encoding="utf-8")
    outcome = validate(RunConfig(root, paths=(rel,), use_cache=False))
    if has_errors(outcome.findings):
        _restore(record, old)
        raise KeyRequestError("Tệp khóa không hợp lệ sau khi thêm: " + "; ".join(f.message for f in outcome.findings))
    return NewKey(kid, target, record)


def _write_private(target: Path, private: Ed25519PrivateKey) -> None:
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


def _restore(record: Path, old: bytes | None) -> None:
    if old is None:
        record.unlink(missing_ok=True)
    else:
        record.write_bytes(old)
