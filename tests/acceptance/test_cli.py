"""End-to-end: the installed `ocop` command on the shipped registry and on fixture trees."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ocop_testing import FIXTURES, REPO, tree_digest

OCOP = [sys.executable, "-m", "ocop.cli.main"]


def ocop(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*OCOP, *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=300)


def test_shipped_registry_validates_and_is_not_modified() -> None:
    before = tree_digest(REPO / "registry")
    result = ocop("validate", "--no-cache")
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.strip().splitlines()[-1].startswith("ĐẠT:")
    assert tree_digest(REPO / "registry") == before


def test_json_output_on_a_broken_tree_has_positions(tmp_path: Path) -> None:
    root = tmp_path / "t"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    cert = root / "registry/hai-phong/certificates/2024/cn-hai-phong-2024-0001.yaml"
    cert.write_text(cert.read_text("utf-8").replace("star: 3", "star: '3'"), "utf-8")
    result = ocop("--root", str(root), "validate", "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    schema = [f for f in findings if f["rule"] == "SCHEMA"]
    assert schema and schema[0]["line"] == 8 and schema[0]["file"].endswith("cn-hai-phong-2024-0001.yaml")


def test_usage_error_exits_2() -> None:
    assert ocop("validate", "--format", "xml").returncode == 2
    assert ocop("khong-co-lenh").returncode == 2


def test_changed_since_reports_only_changed_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=root, check=True)
    product = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    product.write_text(product.read_text("utf-8").replace("name: Vải", "ten: Vải"), "utf-8")
    producer = root / "registry/hai-phong/producers/ct-hai-phong-0001.yaml"
    producer.write_text(producer.read_text("utf-8") + "extra_field: 1\n", "utf-8")
    subprocess.run([*git, "commit", "-qam", "change"], cwd=root, check=True)
    subprocess.run([*git, "checkout", "-q", "-b", "pr"], cwd=root, check=True)
    product.write_text(product.read_text("utf-8") + "bad_key: 2\n", "utf-8")
    result = ocop("--root", str(root), "validate", "--format", "json", "--changed-since", "HEAD")
    files = {f["file"] for f in json.loads(result.stdout)}
    assert files == {"registry/hai-phong/products/sp-hai-phong-0001.yaml"}
    assert result.returncode == 1


def test_warm_cache_gives_the_same_verdict(tmp_path: Path) -> None:
    root = tmp_path / "t"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    (root / "registry/hai-phong/products/sp-hai-phong-0001.yaml").write_text("id: [\n", "utf-8")
    cold = ocop("--root", str(root), "validate", "--format", "json")
    assert (root / "build/cache/validate-verdicts/hai-phong.marshal").is_file()
    warm = ocop("--root", str(root), "validate", "--format", "json")
    assert cold.returncode == warm.returncode == 1
    assert json.loads(cold.stdout) == json.loads(warm.stdout)


@pytest.mark.parametrize("command", [["validate"], ["validate", "--format", "json"], ["expiry"], ["codeowners"],
                                     ["plan", "progress", "kh-x"], ["build", "--no-search"]])
@pytest.mark.parametrize("make_root", ["missing", "empty", "schemas-only"])
def test_a_root_without_registry_is_a_usage_error_and_nothing_is_written(
        tmp_path: Path, command: list[str], make_root: str) -> None:
    """A misconfigured checkout must not pass as an empty, valid registry ("ĐẠT: 0 tệp", exit 0)."""
    root = tmp_path / "khong-ton-tai"
    if make_root != "missing":
        root.mkdir()
    if make_root == "schemas-only":
        (root / "schemas").mkdir()
    before = sorted(tmp_path.rglob("*"))
    result = ocop("--root", str(root), *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and str(root) in result.stderr and "sổ đăng ký" in result.stderr
    assert "ĐẠT" not in result.stdout
    assert sorted(tmp_path.rglob("*")) == before  # no build/cache, no build/ in that path


def test_command_table_names_what_each_module_registers() -> None:
    from ocop.cli.main import COMMAND_MODULES, VietnameseParser

    for name, commands in COMMAND_MODULES.items():
        sub = VietnameseParser(prog="ocop").add_subparsers()
        importlib.import_module(name).add_parser(sub)
        assert tuple(sub.choices) == commands, name


def test_validate_imports_only_what_it_needs(tmp_path: Path) -> None:
    probe = ("import sys; from ocop.cli.main import build_parser; build_parser('validate');"
             "print(sorted(m for m in ('docx', 'ruamel', 'jinja2', 'mkdocs', 'ocop.publish.site', 'ocop.authoring.fmt') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    assert result.stdout.strip() == "[]"
    assert "validate" in ocop("--help").stdout and "fmt" in ocop("--help").stdout
    assert ocop("--root", str(REPO), "rules").returncode == 0


def test_unknown_changed_since_ref_is_a_vietnamese_usage_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    result = ocop("--root", str(root), "validate", "--changed-since", "khong-co-nhanh-nay")
    assert result.returncode == 2
    assert "khong-co-nhanh-nay" in result.stderr and "fetch-depth" in result.stderr
    assert "lỗi nội bộ" not in result.stderr


def test_expiry_with_an_unknown_ref_is_a_usage_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    result = ocop("--root", str(root), "expiry", "--changed-since", "khong-co-nhanh-nay")
    assert result.returncode == 2 and "khong-co-nhanh-nay" in result.stderr
    assert "lỗi nội bộ" not in result.stderr
