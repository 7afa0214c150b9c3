"""`ocop fmt`: canonical form that loses nothing (data by the strict loader, every comment), idempotent,
`--check` writes nothing, files with errors are refused."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from acceptance.hostile.corpus import CASE_DIRS, expect_of, prepare
from ocop.authoring.fmt import format_file, format_text, needs_quotes, own_comments
from ocop.check import schema as schema_check
from ocop.load import load_document
from ocop.model.layout import classify
from ocop_testing import REPO, run_cli


def snapshot(root: Path, rels: list[str]) -> dict[str, tuple]:
    """What must survive: the strict loader's data and the comments of each file."""
    out = {}
    for rel in rels:
        raw = (root / rel).read_bytes()
        out[rel] = (load_document(root / rel, rel, raw).data, own_comments(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")))
    return out


def record_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for top in ("registry", "plans") for p in (root / top).rglob("*.yaml")
                  if classify(p.relative_to(root).as_posix()).kind)


@pytest.fixture(scope="module")
def formatted_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("fmt") / "repo"
    for top in ("registry", "plans", "schemas"):
        shutil.copytree(REPO / top, root / top)
    before = snapshot(root, record_files(root))
    from ocop.cli.main import main

    assert main(["--root", str(root), "fmt"]) == 0
    once = {rel: (root / rel).read_bytes() for rel in before}
    return root, before, once


def test_sample_registry_round_trip_keeps_data_and_comments(formatted_sample: tuple) -> None:
    root, before, _ = formatted_sample
    assert len(before) > 200
    after = snapshot(root, list(before))
    for rel in before:
        assert after[rel][0] == before[rel][0], rel
        assert after[rel][1] == before[rel][1], rel
    assert sum(sum(c.values()) for _, c in before.values()) >= 2  # the sample carries comments besides the schema lines


def test_fmt_is_idempotent_and_check_is_clean(capsys: pytest.CaptureFixture, formatted_sample: tuple) -> None:
    root, _, once = formatted_sample
    code, out, _ = run_cli(capsys, "--root", str(root), "fmt", "--check")  # fmt would rewrite exactly these
    assert (code, out) == (0, "")
    assert {rel: (root / rel).read_bytes() for rel in once} == once
    assert not list(root.rglob("*.tmp"))


PARSEABLE = [c for c in CASE_DIRS if not expect_of(c).get("git") and expect_of(c)["exit"] == 0]
REFUSED = [c for c in CASE_DIRS if not expect_of(c).get("git") and expect_of(c)["exit"] == 1
           and expect_of(c)["rule"].startswith(("YAML-", "SCHEMA", "TEXT-CONTROL", "RECORD-", "FILE-SIZE"))]


@pytest.mark.parametrize("case_dir", PARSEABLE, ids=lambda p: p.name)
def test_hostile_but_parseable_cases_round_trip(tmp_path: Path, case_dir: Path) -> None:
    root = tmp_path / "tree"
    expect = prepare(case_dir, root)
    rel = expect["file"]
    before = snapshot(root, [rel])[rel]
    result = format_file(root, rel)
    assert result.status in ("ok", "changed"), result.reason
    (root / rel).write_text(result.text, "utf-8")
    assert snapshot(root, [rel])[rel] == before
    assert format_file(root, rel).status == "ok", "fmt twice must equal fmt once"


@pytest.mark.parametrize("case_dir", REFUSED, ids=lambda p: p.name)
def test_files_with_errors_are_refused(capsys: pytest.CaptureFixture, tmp_path: Path, case_dir: Path) -> None:
    root = tmp_path / "tree"
    expect = prepare(case_dir, root)
    path = root / expect["file"]
    raw = path.read_bytes()
    code, _, err = run_cli(capsys, "--root", str(root), "fmt", str(path))
    assert code == 1 and "bỏ qua" in err
    assert path.read_bytes() == raw


MESSY = """\
# Hồ sơ nhập tay: chú thích đầu tệp
name:   "Tra\u0300 xanh"   # tên trên nhãn (NFD)
province: hai-phong
id: sp-hai-phong-0001
classification: {group: thuc_pham, criteria_set: "148/2023", product_set: 148-thuc-pham}
producer: ct-hai-phong-0001
description: Mô tả.
address:
    province: {code: "30", level: province, version: "2004", name: Tỉnh Hải Dương}
    # phường cũ
    street: 'Thôn An Lại'
mystery: giữ nguyên   # khóa lạ: cuối cùng
note: "no"
"""


def test_canonical_form_of_a_messy_record(tmp_path: Path) -> None:
    """Key order, NFC, quoting, indentation, comments; an unknown key (a SCHEMA error, so `ocop fmt` itself
    refuses the file) goes last."""
    rel = "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    raw = b"\xef\xbb\xbf" + MESSY.encode()
    data = load_document(tmp_path / rel, rel, raw).data
    text = format_text(MESSY, data, "product", schema_check.SCHEMA_DIR)
    assert text.splitlines()[:4] == ["# Hồ sơ nhập tay: chú thích đầu tệp", "id: sp-hai-phong-0001",
                                     "province: hai-phong", 'note: "no"']
    assert re.search(r"^name: Trà xanh +# tên trên nhãn \(NFD\)$", text, re.M)  # the comment keeps its column
    assert 'classification: {criteria_set: "148/2023", group: thuc_pham, product_set: 148-thuc-pham}' in text
    assert '  province: {level: province, code: "30", version: "2004", name: Tỉnh Hải Dương}' in text
    assert text.rstrip().endswith("mystery: giữ nguyên   # khóa lạ: cuối cùng")
    assert "# phường cũ" in text and own_comments(text) == own_comments(MESSY)
    assert load_document(tmp_path / rel, rel, text.encode()).data == data
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    assert format_file(tmp_path, rel).status == "refused"


@pytest.mark.parametrize(("value", "quoted"), [
    ("0884683755", True), ("010", True), ("1e3", True), ("24:00", True), ("2024-02-30", True), ("no", True),
    ("on", True), ("Yes", True), ("~", True), ("", True), (".inf", True), ("148/2023", True), ("0x1F", True),
    ("Thành phố Hà Nội", False), ("ct-ha-noi-0001", False), ("thuc_pham", False), ("https://example.vn/a", False),
])
def test_quoting_of_scalars_other_readers_would_retype(value: str, quoted: bool) -> None:
    assert needs_quotes(value) is quoted


def test_check_lists_and_writes_nothing(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    rel = "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    shutil.copytree(REPO / "tests/fixtures/rules/valid/registry", tmp_path / "registry")
    path = tmp_path / rel
    messy = path.read_text("utf-8").replace('criteria_set: "148/2023"', "criteria_set: '148/2023'")
    path.write_text(messy, "utf-8")
    code, out, _ = run_cli(capsys, "--root", str(tmp_path), "fmt", "--check")
    assert code == 1 and rel in out
    assert path.read_text("utf-8") == messy
    mode = path.stat().st_mode
    code, out, _ = run_cli(capsys, "--root", str(tmp_path), "fmt", str(path))
    assert code == 0 and 'criteria_set: "148/2023"' in path.read_text("utf-8")
    assert path.stat().st_mode == mode


def test_misnamed_files_are_refused_and_named_printably(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    """A file that validation never reads (LAYOUT-NAME) is not rewritten either; its name cannot break the output."""
    shutil.copytree(REPO / "tests/fixtures/rules/valid/registry", tmp_path / "registry")
    products = tmp_path / "registry/hai-phong/products"
    messy = (products / "sp-hai-phong-0007.yaml").read_text("utf-8").replace("  ", "    ")
    names = [os.fsdecode(b"sp-hai-phong-\xff.yaml"), "sp-hai-phong\n-0008.yaml", "SP-HAI-PHONG-0009.yaml"]
    for name in names:
        (products / name).write_text(messy, "utf-8")
    code, out, err = run_cli(capsys, "--root", str(tmp_path), "fmt")
    assert code == 1 and "0008" not in out and "0009" not in out and "xff" not in out
    for shown_name in ("sp-hai-phong-\\xff.yaml", "sp-hai-phong\\x0a-0008.yaml", "SP-HAI-PHONG-0009.yaml"):
        assert f"bỏ qua registry/hai-phong/products/{shown_name}: tên tệp không đúng dạng (LAYOUT-NAME)" in err
    assert all((products / name).read_text("utf-8") == messy for name in names)


def test_the_shipped_registry_and_plans_are_canonical(capsys: pytest.CaptureFixture) -> None:
    """What the registry ships is what `ocop fmt` writes: a PR's `ocop fmt --check` then flags only its own files."""
    code, out, err = run_cli(capsys, "--root", str(REPO), "fmt", "--check")
    assert code == 0, out + err
    assert "0 cần định dạng" in err


@pytest.mark.parametrize("first", ["", "# yaml-language-server: $schema=../schemas/product.schema.json\n"])
def test_fmt_puts_back_the_schema_line(capsys: pytest.CaptureFixture, tmp_path: Path, first: str) -> None:
    """The web editor drops the first-line schema comment, a move changes its depth: fmt writes it right."""
    shutil.copytree(REPO / "tests/fixtures/rules/valid/registry", tmp_path / "registry")
    rel = "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    path = tmp_path / rel
    body = path.read_text("utf-8").split("\n", 1)[1] if path.read_text("utf-8").startswith("#") else path.read_text("utf-8")
    path.write_text(first + body, "utf-8")
    code, _out, err = run_cli(capsys, "--root", str(tmp_path), "fmt", str(path))
    assert code == 0, err
    assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=../../../schemas/product.schema.json\nid:")


def test_check_of_a_change_looks_only_at_changed_record_files(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    """`ocop fmt --check --changed-since BASE` (the PR check and the pre-commit hook) names the changed
    files that are not canonical, and only those."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "tests/fixtures/rules/valid/registry", root / "registry")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    assert run_cli(capsys, "--root", str(root), "fmt", "--check", "--changed-since", "HEAD")[0] == 0
    product = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    lines = product.read_text("utf-8").splitlines(keepends=True)
    product.write_text(lines[0] + lines[2] + lines[1] + "".join(lines[3:]), "utf-8")  # id and province swapped
    code, out, _err = run_cli(capsys, "--root", str(root), "fmt", "--check", "--changed-since", "HEAD")
    assert code == 1 and out.strip() == "cần định dạng: registry/hai-phong/products/sp-hai-phong-0001.yaml"
    assert run_cli(capsys, "--root", str(root), "fmt", "--check", "--changed-since", "khong-co")[0] == 2
