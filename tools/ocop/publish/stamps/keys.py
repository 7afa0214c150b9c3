"""Private keys for `ocop build`: where they come from, and which one signs a province's stamps.

For each province with a public key valid on the build date, the private key is looked up in order:
1. the environment variable OCOP_SIGNING_KEY_<SLUG> (slug in capitals, hyphens as underscores, e.g.
   OCOP_SIGNING_KEY_HA_NOI): a PEM text, or the path of a PEM file;
2. the file <OCOP_SIGNING_KEY_DIR or ~/.config/ocop/keys>/<slug>-<kid>.pem, which `ocop keys new` writes;
3. for a TEST key of the sample registry only, its `test_private_key`.
A private key that does not match the published public key is refused: it would sign stamps nobody can verify.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ocop.model.keys import PublicKey

DEFAULT_DIR = Path("~/.config/ocop/keys")


@dataclass(frozen=True)
class Signer:
    key: PublicKey
    private: Ed25519PrivateKey

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def env_name(slug: str) -> str:
    return "OCOP_SIGNING_KEY_" + slug.upper().replace("-", "_")


def key_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("OCOP_SIGNING_KEY_DIR") or DEFAULT_DIR).expanduser()


def key_file(directory: Path, slug: str, kid: str) -> Path:
    return directory / f"{slug}-{kid}.pem"


def raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_pem(data: bytes) -> Ed25519PrivateKey | None:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, Ed25519PrivateKey) else None


def signers(keys: list[PublicKey], today: dt.date, environ: Mapping[str, str] | None = None) -> tuple[dict[str, Signer], list[str]]:
    """The signer of each province (and of trung-uong, the national key) on `today`, and notes (Vietnamese)
    on keys whose private part was not found or did not match."""
    environ = os.environ if environ is None else environ
    out: dict[str, Signer] = {}
    notes: list[str] = []
    for key in sorted(keys, key=lambda k: k.valid_from, reverse=True):  # the newest valid key signs
        if key.province in out or not key.valid_on(today):
            continue
        private = _private_of(key, environ)
        if private is None:
            continue
        if raw_public(private) != key.public:
            notes.append(f"khóa bí mật của {key.province} ({env_name(key.province)}) không khớp khóa công khai {key.kid}; không ký.")
            continue
        out[key.province] = Signer(key, private)
    return out, notes


def _private_of(key: PublicKey, environ: Mapping[str, str]) -> Ed25519PrivateKey | None:
    value = environ.get(env_name(key.province), "").strip()
    if value:
        data = value.encode() if value.startswith("-----BEGIN") else _read(Path(value).expanduser())
        return load_pem(data) if data else None
    data = _read(key_file(key_dir(environ), key.province, key.kid))
    if data:
        return load_pem(data)
    if key.test and key.test_private:
        return Ed25519PrivateKey.from_private_bytes(key.test_private)
    return None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def verify_key(public: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(public)
