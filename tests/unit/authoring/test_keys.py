"""`ocop keys new`: the private key lands outside the repository only; the public key in registry/keys/."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import yaml

from ocop.check.pipeline import load_registry
from ocop.cli.main import main
from ocop.model.keys import keys_of
from ocop.publish.stamps.keys import signers
from ocop_testing import REPO


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "tests" / "fixtures" / "core" / "valid", root)
    return root


def test_new_key_writes_private_outside_and_public_inside(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "secret"
    assert main(["--root", str(repo), "keys", "new", "--province", "hai-phong", "--out", str(out),
                 "--today", "2026-01-01", "--years", "5"]) == 0
    (pem,) = out.iterdir()
    assert pem.read_text().startswith("-----BEGIN PRIVATE KEY-----") and oct(pem.stat().st_mode & 0o777) == "0o600"
    record = yaml.safe_load((repo / "registry" / "keys" / "hai-phong.yaml").read_text())
    (entry,) = record["keys"]
    assert pem.name == f"hai-phong-{entry['kid']}.pem"
    assert (entry["valid_from"], entry["valid_to"]) == ("2026-01-01", "2030-12-31")
    assert "test_private_key" not in entry
    assert not list(repo.rglob("*.pem"))
    assert main(["--root", str(repo), "validate", "--no-cache"]) == 0
    assert main(["--root", str(repo), "fmt", "--check", "registry/keys/hai-phong.yaml"]) == 0
    keys, problems = keys_of(load_registry(repo, use_cache=False)[0])
    assert problems == [] and [k.kid for k in keys] == [entry["kid"]]
    found, _ = signers(keys, dt.date(2026, 6, 1), {"OCOP_SIGNING_KEY_HAI_PHONG": str(pem)})
    assert found["hai-phong"].key.kid == entry["kid"]
    capsys.readouterr()


def test_refuses_a_folder_inside_the_repository_also_through_a_symlink(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    assert main(["--root", str(repo), "keys", "new", "--province", "hai-phong", "--out", str(repo / "build")]) == 2
    link = tmp_path / "looks-outside"
    os.symlink(repo / "registry", link)
    assert main(["--root", str(repo), "keys", "new", "--province", "hai-phong", "--out", str(link / "x")]) == 2
    assert "nằm trong kho" in capsys.readouterr().err
    assert not (repo / "registry" / "keys").exists() and not list(repo.rglob("*.pem"))
    assert main(["--root", str(repo), "keys", "new", "--province", "khong-co", "--out", str(tmp_path / "k")]) == 2


def test_a_key_file_is_schema_checked(repo: Path, capsys: pytest.CaptureFixture):
    folder = repo / "registry" / "keys"
    folder.mkdir(parents=True)
    (folder / "hai-phong.yaml").write_text('province: hai-phong\nkeys:\n  - {kid: "zz", algorithm: RSA, public_key: x, '
                                           'valid_from: "2026-01-01", valid_to: "2027-01-01", test_private_key: '
                                           '"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}\n')
    assert main(["--root", str(repo), "validate", "--no-cache"]) == 1
    assert "SCHEMA" in capsys.readouterr().out
