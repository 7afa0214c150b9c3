"""PDF output: Vietnamese text survives, fonts are embedded, layout points Typst can show."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ocop.publish.documents import render_pdf
from ocop.publish.documents.plan import load_plan

MARKS = "ắ ầ ẩ ẫ ậ ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự đ Đ"
HA_NOI = "kh-ha-noi-2021-146"
REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def marks_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seed plan whose closing paragraph carries every tone mark and đ/Đ."""
    plan = load_plan(REPO / "plans" / f"{HA_NOI}.yaml")
    plan["closing"] = f"Kiểm tra dấu: {MARKS}./."
    return render_pdf(plan, tmp_path_factory.mktemp("marks") / "marks.pdf")


def test_vietnamese_text_survives(pdftotext, rendered: dict, marks_pdf: Path) -> None:
    text = pdftotext(rendered[HA_NOI]["pdf"])
    assert "Ủy ban nhân dân" in text
    assert "ỦY BAN NHÂN DÂN" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Hà Nội, ngày 14 tháng 6 năm 2021" in text
    marks = pdftotext(marks_pdf)
    for mark in MARKS.split():
        assert mark in marks, mark


@pytest.mark.parametrize("pid", ["kh-dong-thap-2018-226", HA_NOI, "kh-hai-phong-2023-hai-duong-1366",
                                 "kh-lam-dong-2024-dak-nong-du-thao", "kh-ninh-binh-2024-tam-diep-du-thao"])
def test_every_font_embedded(system_tools: None, rendered: dict, pid: str) -> None:
    out = subprocess.run(["pdffonts", str(rendered[pid]["pdf"])], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        cols = row.split()
        emb = cols[-5]  # columns: name type... encoding emb sub uni object ID
        assert emb == "yes", row
        assert "Liberation" in cols[0], row  # Times New Roman-compatible, shipped with the package


def test_page_numbers_and_layout(pdftotext, rendered: dict, plans: dict) -> None:
    pdf = rendered[HA_NOI]["pdf"]
    pages = pdftotext(pdf).split("\f")
    assert "Số: 146/KH-UBND" in pages[0]
    assert pages[0].lstrip().startswith("ỦY BAN NHÂN DÂN")  # no page number on page 1
    assert pages[1].strip().splitlines()[0].strip() == "2"  # centred number at the top from page 2
    appendix = next(p for p in pages if "PHỤ LỤC" in p)
    assert "(Kèm theo Kế hoạch số 146/KH-UBND ngày 14/6/2021 của Ủy ban nhân dân thành phố Hà Nội)" in \
        " ".join(appendix.split())
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    sizes = [line for line in info.splitlines() if line.startswith("Page") and "size" in line]
    assert "595.276 x 841.89" in sizes[0]  # A4 portrait
    assert any("841.89 x 595.276" in s for s in sizes)  # landscape appendix
    last_header_pages = [p for p in pages if "STT" in p or "Nhiệm vụ hoạt động" in p]
    assert len(last_header_pages) >= 1


def test_page_one_and_an_appendix_page_are_saved_as_pictures(system_tools: None) -> None:
    """build/screenshots/<plan>-page1.png and -appendix.png (pdftoppm), for a person to look at."""
    from ocop.publish.documents import screenshots

    repo = Path(__file__).resolve().parents[4]
    page1, appendix = screenshots(repo)
    sizes = {}
    for png in (page1, appendix):
        assert png.is_file() and png.parent == repo / "build" / "screenshots"
        header = png.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        sizes[png] = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
        assert 1.38 < max(sizes[png]) / min(sizes[png]) < 1.45  # A4
        assert png.stat().st_size > 20_000  # a page with text on it, not a blank
    assert sizes[page1][1] > sizes[page1][0]  # the plan is portrait; its wide appendix table may turn the page
