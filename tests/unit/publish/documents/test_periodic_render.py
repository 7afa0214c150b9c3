"""`ocop report` through the CLI: files written, LibreOffice opens the DOCX, page images for a person to look
at, the XLSX holds the same numbers, usage errors, and hostile record text staying text in every output."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml

from ocop.check.pipeline import load_registry
from ocop.publish.documents import periodic
from ocop_testing import run_cli

from .test_libreoffice import first_page, signature_page  # the plans' NĐ 30 layout measures

REPO = Path(__file__).resolve().parents[4]
SHOTS = REPO / "build" / "screenshots"
TODAY = "2026-11-30"
HOSTILE = '=HYPERLINK("http://x") #"\\" <b>*x*</b> $1 @{y}'


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """`ocop report` for Hải Phòng and the country, year 2025: {scope: {format: path}} (rendered once)."""
    out = tmp_path_factory.mktemp("reports")
    written: dict[str, dict[str, Path]] = {}
    for scope in ("hai-phong", "all"):
        code = _main("--root", str(REPO), "report", "--province", scope, "--period", "2025", "--today", TODAY,
                     "--out", str(out))
        assert code == 0
        name = f"bao-cao-ocop-{'toan-quoc' if scope == 'all' else scope}-2025"
        written[scope] = {fmt: out / f"{name}.{fmt}" for fmt in ("docx", "pdf", "xlsx")}
    return written


def _main(*args: str) -> int:
    from ocop.cli.main import main

    return main(list(args))


def test_cli_writes_every_format(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "--root", str(REPO), "report", "--province", "hai-phong", "--period", "2025",
                             "--today", TODAY, "--out", str(tmp_path), "--to", "docx,xlsx")
    assert code == 0, err
    assert out.startswith("UBND THÀNH PHỐ HẢI PHÒNG — BÁO CÁO")
    assert "có 2 sản phẩm được công nhận mới (3 sao: 1; 4 sao: 1; 5 sao: 0)" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao-ocop-hai-phong-2025.docx",
                                                          "bao-cao-ocop-hai-phong-2025.xlsx"]


@pytest.mark.parametrize(("args", "message"), [
    (["--province", "hai-phong", "--period", "2025-Q1"], "không đúng dạng"),
    (["--province", "atlantis", "--period", "2025"], "không có tỉnh «atlantis»"),
    (["--province", "hai-phong", "--period", "2025", "--to", "odt"], "odt"),
    (["--province", "hai-phong", "--period", "2027"], "chưa bắt đầu"),
])
def test_usage_errors_write_nothing(capsys: pytest.CaptureFixture, tmp_path: Path, args: list[str],
                                    message: str) -> None:
    code, _, err = run_cli(capsys, "--root", str(REPO), "report", *args, "--today", TODAY, "--out", str(tmp_path))
    assert code == 2 and message in err
    assert not any(tmp_path.iterdir())


def test_legacy_province_slug_reports_as_its_successor(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "--root", str(REPO), "report", "--province", "hai-duong", "--period", "2020",
                             "--today", TODAY, "--out", str(tmp_path), "--to", "docx")
    assert code == 0 and "Tỉnh Hải Dương nay thuộc Thành phố Hải Phòng" in err
    assert "trên địa bàn thành phố Hải Phòng có 3 sản phẩm được công nhận mới" in out
    assert (tmp_path / "bao-cao-ocop-hai-phong-2020.docx").is_file()


def test_xlsx_holds_the_report_numbers(reports: dict) -> None:
    registry = load_registry(REPO)[0]
    figures = periodic.compute(registry, periodic.scope_of(registry, "all")[0], periodic.parse_period("2025"),
                               periodic.dt.date(2026, 11, 30))
    counts = figures.counts()
    book = openpyxl.load_workbook(reports["all"]["xlsx"])
    assert book.sheetnames == ["Tổng hợp", "Theo tỉnh", "Danh sách sản phẩm", "Đánh giá", "Chỉ tiêu kế hoạch"]
    provinces = {row[1]: row[2:] for row in book["Theo tỉnh"].iter_rows(min_row=2, values_only=True) if row[1]}
    assert provinces["Thành phố Hải Phòng"][:3] == (counts["province.hai-phong.new"],
                                                     counts["province.hai-phong.re_recognition"],
                                                     counts["province.hai-phong.upgrade"])
    assert provinces["Tổng cộng"][0] == counts["new"] and isinstance(provinces["Tổng cộng"][0], int)
    names = [row[1] for row in book["Danh sách sản phẩm"].iter_rows(min_row=2, values_only=True)]
    assert all(e.product_name in names for e in figures.events)
    assert book["Theo tỉnh"].freeze_panes == "A2" and book["Theo tỉnh"].auto_filter.ref


def test_libreoffice_renders_the_reports(pdftotext, reports: dict, tmp_path: Path) -> None:
    """LibreOffice converts both reports (one run), keeps the text; the page images go to build/screenshots/."""
    profile = tmp_path / "profile"  # a private profile: no clash with another running soffice
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                             "--outdir", str(tmp_path), str(reports["hai-phong"]["docx"]), str(reports["all"]["docx"])],
                            capture_output=True, text=True, timeout=240)
    province, country = (tmp_path / f"bao-cao-ocop-{s}-2025.pdf" for s in ("hai-phong", "toan-quoc"))
    assert result.returncode == 0 and province.exists() and country.exists(), result.stderr
    text = " ".join(pdftotext(province).split())
    for phrase in ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO",
                   "Hải Phòng, ngày", "Kết quả thực hiện Chương trình mỗi xã một sản phẩm (OCOP) năm 2025",
                   "PHỤ LỤC I", "SỐ LIỆU TỔNG HỢP", "Xã Kiến Hải", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN",
                   "(Kèm theo Báo cáo số", "Ủy ban nhân dân thành phố Hải Phòng"):
        assert phrase in text, phrase
    assert "TỈNH HẢI DƯƠNG" not in text
    assert "BỘ NÔNG NGHIỆP CỘNG HÒA" in " ".join(pdftotext(country).split())  # the ministry on two lines
    assert "VÀ MÔI TRƯỜNG Độc lập" in " ".join(pdftotext(country).split())
    for pdf in (province, country, reports["hai-phong"]["pdf"], reports["all"]["pdf"]):  # NĐ 30 layout, as for plans
        page = first_page(pdf)
        assert all(2 <= gap <= 5 for gap in [*page["header_gaps"], page["title_gap"]]), (pdf, page)
        assert 1 / 3 <= page["title_share"] <= 1 / 2, (pdf, page)
        number, lines_above = signature_page(pdf)
        assert number == 1 or lines_above >= 2, (pdf, number, lines_above)
    shots = _page_images(reports["hai-phong"]["pdf"], "bao-cao-ocop-hai-phong-2025", pdftotext)
    shots += _page_images(province, "bao-cao-ocop-hai-phong-2025-libreoffice", pdftotext)
    for png in shots:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def _page_images(pdf: Path, name: str, pdftotext) -> list[Path]:
    """Page 1 and the first appendix page as PNG (pdftoppm) in build/screenshots/."""
    pages = pdftotext(pdf).split("\f")
    appendix = next(i + 1 for i, page in enumerate(pages) if "PHỤ LỤC" in page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = []
    for label, page in (("page1", 1), ("appendix", appendix)):
        prefix = SHOTS / f"{name}-{label}"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                        str(prefix)], check=True, capture_output=True)
        out.append(prefix.with_suffix(".png"))
    return out


def test_hostile_record_text_stays_text(capsys: pytest.CaptureFixture, pdftotext, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for folder in ("registry", "plans", "schemas"):
        shutil.copytree(REPO / folder, root / folder)
    product = root / "registry" / "hai-phong" / "products" / "sp-hai-phong-0010.yaml"
    data = yaml.safe_load(product.read_text(encoding="utf-8"))
    data["name"] = HOSTILE
    product.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, _out, err = run_cli(capsys, "--root", str(root), "report", "--province", "hai-phong", "--period", "2025",
                             "--today", TODAY, "--out", str(tmp_path / "out"))
    assert code == 0, err
    name = "bao-cao-ocop-hai-phong-2025"
    cells = [c.text for t in docx.Document(str(tmp_path / "out" / f"{name}.docx")).tables for r in t.rows for c in r.cells]
    assert HOSTILE in cells
    plain = subprocess.run(["pdftotext", str(tmp_path / "out" / f"{name}.pdf"), "-"], check=True, capture_output=True,
                           text=True).stdout  # reading order, not layout: a table cell's lines stay together
    assert HOSTILE in " ".join(plain.split())
    sheet = openpyxl.load_workbook(tmp_path / "out" / f"{name}.xlsx")["Danh sách sản phẩm"]
    cell = next(c for row in sheet.iter_rows(min_row=2) for c in row if c.value == HOSTILE)
    assert cell.data_type == "s"  # a string, not a formula
