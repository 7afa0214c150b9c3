"""`ocop export xlsx` opened by LibreOffice: every sheet converts to CSV with the same text, codes keep their
leading zeros, a record's text that looks like a formula stays text, and the derived states agree with
`ocop expiry`."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from ocop_testing import REPO, run_cli

TODAY = "2026-11-23"
FORMULA = '=HYPERLINK("http://evil.example/","Bấm vào")'
SHEETS = ["Chủ thể", "Sản phẩm", "Giấy chứng nhận", "Quyết định", "Phiếu đánh giá"]


CALC = Path("/usr/lib/libreoffice/program/scalc")  # LibreOffice's spreadsheet component


@pytest.fixture(scope="module")
def calc() -> None:
    """Install LibreOffice Calc from Debian when missing (the tests run as root, like CI)."""
    if CALC.exists() and shutil.which("soffice"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, capture_output=True, env=env, timeout=300)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "libreoffice-calc"],
                   check=True, capture_output=True, env=env, timeout=900)
    assert CALC.exists()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(REPO / "tests/fixtures/rules/valid/registry", root / "registry")
    product = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    text = product.read_text("utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    product.write_text(text.replace(name, "name: " + json.dumps(FORMULA, ensure_ascii=False), 1), "utf-8")
    out = root / "out.xlsx"
    result = subprocess.run([str(REPO / ".venv/bin/ocop"), "--root", str(root), "export", "xlsx", "--today", TODAY,
                             "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root, out


def libreoffice_csv(xlsx: Path, tmp: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice reads it (CSV export of all sheets: token 12 = -1, LibreOffice ≥ 7.2)."""
    profile = tmp / "profile"  # a private profile: no clash with another running soffice
    target = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                             target, "--outdir", str(tmp), str(xlsx)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    sheets = {}
    for title in SHEETS:
        path = tmp / f"{xlsx.stem}-{title}.csv"
        assert path.is_file(), sorted(p.name for p in tmp.iterdir())
        sheets[title] = list(csv.reader(path.read_text("utf-8").splitlines()))
    return sheets


def test_libreoffice_reads_every_sheet_as_written(calc: None, exported: tuple[Path, Path], tmp_path: Path) -> None:
    _root, xlsx = exported
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == SHEETS
    seen = libreoffice_csv(xlsx, tmp_path)
    for title in SHEETS:
        sheet = book[title]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
        written = [["" if v is None else (str(v) if not isinstance(v, float) else f"{v:g}") for v in row]
                   for row in sheet.iter_rows(values_only=True)]
        assert seen[title] == written, title
    producers = {row[0]: row for row in seen["Chủ thể"][1:]}
    assert producers["ct-hai-phong-0001"][3] == "0801234567"  # the tax code keeps its leading zero


def test_text_that_looks_like_a_formula_stays_text(calc: None, exported: tuple[Path, Path], tmp_path: Path) -> None:
    _root, xlsx = exported
    cell = next(c for c in openpyxl.load_workbook(xlsx)["Sản phẩm"]["B"] if c.value == FORMULA)
    assert cell.data_type == "s" and cell.number_format == "@"
    products = {row[0]: row for row in libreoffice_csv(xlsx, tmp_path)["Sản phẩm"][1:]}
    assert products["sp-hai-phong-0001"][1] == FORMULA


def test_states_agree_with_ocop_expiry(exported: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    root, xlsx = exported
    code, out, _ = run_cli(capsys, "--root", str(root), "expiry", "--today", TODAY, "--within", "100000",
                           "--format", "json")
    assert code == 0
    expected = {row["certificate"]: row for row in json.loads(out)}
    rows = list(openpyxl.load_workbook(xlsx)["Giấy chứng nhận"].iter_rows(values_only=True))
    header = rows[0]
    state_vi = {"valid": "còn hiệu lực", "expiring": "sắp hết hạn", "expired": "đã hết hạn"}
    checked = 0
    for row in rows[1:]:
        data = dict(zip(header, row, strict=True))
        if data["Mã"] in expected:
            facts = expected[data["Mã"]]
            assert data["Hiệu lực đến"] == facts["valid_to"] and data["Hiệu lực từ"] == facts["valid_from"]
            assert data["Trạng thái"] == state_vi[facts["state"]], data["Mã"]
            checked += 1
    assert checked >= 3


def test_one_province_and_an_unknown_one(exported: tuple[Path, Path], capsys: pytest.CaptureFixture,
                                         tmp_path: Path) -> None:
    root, _ = exported
    out = tmp_path / "hp.xlsx"
    assert run_cli(capsys, "--root", str(root), "export", "xlsx", "--province", "hai-phong", "--out", str(out))[0] == 0
    ids = [r[0] for r in openpyxl.load_workbook(out)["Sản phẩm"].iter_rows(min_row=2, values_only=True)]
    assert ids and all(i.startswith("sp-hai-phong-") for i in ids)
    code, _out, err = run_cli(capsys, "--root", str(root), "export", "xlsx", "--province", "<b>x")
    assert code == 2 and "không có tỉnh" in err
