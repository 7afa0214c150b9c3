"""LibreOffice as a real client: every generated DOCX (each plan and each plan's progress report) opens and
converts to PDF in one soffice run, keeps the Vietnamese text, and lays out as NĐ 30/2020 asks, measured on
the PDFs LibreOffice and Typst produce (pdfplumber): rules 2-5 mm under their text, the rule under the trích
yếu 1/3 to 1/2 of the subject's line, and never a signature block alone on its page."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

import pdfplumber
import pytest

from ocop.check.pipeline import load_registry
from ocop.publish.documents import progress, render_docx, report

from .conftest import REPO

HA_NOI = "kh-ha-noi-2021-146"
MM = 72 / 25.4  # PDF points per millimetre
AS_OF = "2026-11-30"


@pytest.fixture(scope="session")
def progress_docx(plans: dict[str, dict], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{plan id: its progress report (Báo cáo) as DOCX}, counted against the repository's registry."""
    data = progress.from_registry(load_registry(REPO)[0])
    out = tmp_path_factory.mktemp("reports")
    return {pid: render_docx(report.report_document(plan, progress.plan_progress(plan, data, AS_OF), AS_OF, data),
                             out / f"bc-{pid}.docx") for pid, plan in plans.items()}


@pytest.fixture(scope="session")
def libreoffice_pdfs(system_tools: None, rendered: dict, progress_docx: dict[str, Path],
                     tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{DOCX file stem: the PDF LibreOffice made of it}: every generated DOCX, one soffice call."""
    sources = [files["docx"] for files in rendered.values()] + list(progress_docx.values())
    out = tmp_path_factory.mktemp("libreoffice")
    profile = out / "profile"  # a private profile: no clash with another running soffice
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                             "--outdir", str(out), *map(str, sources)], capture_output=True, text=True, timeout=300)
    pdfs = {src.stem: out / f"{src.stem}.pdf" for src in sources}
    missing = [stem for stem, pdf in pdfs.items() if not pdf.is_file()]
    assert result.returncode == 0 and not missing, f"{missing}: {result.stderr}"
    return pdfs


# --- measuring a PDF --------------------------------------------------------------------------

def _rules(page) -> list[dict]:
    """Horizontal strokes on the page, once each (LibreOffice draws a border as a line and a thin rect)."""
    found: dict[tuple[int, int], dict] = {}
    for shape in [*page.lines, *page.rects]:
        if shape["height"] < 2 and shape["width"] > 10 * MM:
            found.setdefault((round(shape["top"]), round(shape["x0"])), shape)
    return sorted(found.values(), key=lambda s: (s["top"], s["x0"]))


def _lines_of(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if lines and abs(lines[-1][0]["bottom"] - word["bottom"]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _gap_mm(rule: dict, words: list[dict]) -> float:
    """From the bottom of the nearest text above the rule (over its span) down to the rule."""
    above = [w for w in words if w["bottom"] <= rule["top"] + 0.5 and w["x0"] < rule["x1"] and w["x1"] > rule["x0"]]
    return (rule["top"] - max(w["bottom"] for w in above)) / MM


@cache
def first_page(pdf_path: Path) -> dict:
    """The three rules of page 1 (issuing body, motto, trích yếu), their gaps, and the subject's longest line."""
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        rules = _rules(page)
    header, title_rule = rules[:2], rules[2]
    title = next(w for w in words if w["text"] in ("KẾ", "BÁO") and w["bottom"] < title_rule["top"])
    subject = [w for w in words if title["bottom"] + 1 < w["bottom"] <= title_rule["top"]]
    longest = max(max(w["x1"] for w in line) - min(w["x0"] for w in line) for line in _lines_of(subject))
    return {"header_gaps": [_gap_mm(r, words) for r in header], "title_gap": _gap_mm(title_rule, words),
            "title_share": title_rule["width"] / longest}


def signature_page(pdf_path: Path) -> tuple[int, int]:
    """(page number of 'Nơi nhận:', lines of text above it on that page, the page number included)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True,
                          text=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if "Nơi nhận:" in page:
            return number, sum(1 for line in page.split("Nơi nhận:")[0].splitlines() if line.strip())
    raise AssertionError(f"{pdf_path.name}: no signature block")


def _all_pdfs(rendered: dict, libreoffice_pdfs: dict[str, Path]) -> dict[str, Path]:
    typst = {f"typst:{pid}": files["pdf"] for pid, files in rendered.items()}
    return {**{f"libreoffice:{stem}": pdf for stem, pdf in libreoffice_pdfs.items()}, **typst}


# --- tests ------------------------------------------------------------------------------------

def test_every_generated_docx_converts(pdftotext, libreoffice_pdfs: dict[str, Path], plans: dict) -> None:
    assert set(libreoffice_pdfs) == set(plans) | {f"bc-{pid}" for pid in plans}
    for stem, pdf in libreoffice_pdfs.items():
        text = " ".join(pdftotext(pdf).split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nơi nhận:" in text, stem
        assert ("BÁO CÁO" if stem.startswith("bc-") else "KẾ HOẠCH") in text, stem
    text = " ".join(pdftotext(libreoffice_pdfs[HA_NOI]).split())
    for phrase in ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "Độc lập - Tự do - Hạnh phúc",
                   "Hà Nội, ngày 14 tháng 6 năm 2021", "TM. ỦY BAN NHÂN DÂN", "(văn bản nguồn không ghi)",
                   "(Kèm theo Kế hoạch số 146/KH-UBND ngày 14/6/2021", "Ủy ban nhân dân thành phố Hà Nội",
                   "Triển khai đánh giá, phân hạng sản phẩm OCOP"):
        assert phrase in text, phrase
    fonts = subprocess.run(["pdffonts", str(libreoffice_pdfs[HA_NOI])], capture_output=True, text=True).stdout
    assert "LiberationSerif" in fonts or "TimesNewRoman" in fonts.replace(" ", "")


def test_rules_sit_under_their_text_in_every_renderer(rendered: dict, libreoffice_pdfs: dict[str, Path]) -> None:
    """Not an underline (< 2 mm, how Word and LibreOffice drew a top border) nor adrift (> 5 mm)."""
    for name, pdf in _all_pdfs(rendered, libreoffice_pdfs).items():
        page = first_page(pdf)
        for gap in [*page["header_gaps"], page["title_gap"]]:
            assert 2 <= gap <= 5, (name, page)


def test_subject_rule_is_a_third_to_a_half_of_its_line(rendered: dict, libreoffice_pdfs: dict[str, Path]) -> None:
    for name, pdf in _all_pdfs(rendered, libreoffice_pdfs).items():
        share = first_page(pdf)["title_share"]
        assert 1 / 3 <= share <= 1 / 2, (name, round(share, 3))


def test_signature_never_stands_alone_on_a_page(pdftotext, rendered: dict, libreoffice_pdfs: dict[str, Path]) -> None:
    for name, pdf in _all_pdfs(rendered, libreoffice_pdfs).items():
        page, lines_above = signature_page(pdf)
        assert page == 1 or lines_above >= 2, (name, page, lines_above)


def test_measures_catch_what_they_guard(pdftotext, tmp_path: Path) -> None:
    """The page measure fails a signature alone on its page: a PDF laid out that way by Typst itself."""
    import typst

    alone, kept = tmp_path / "alone.pdf", tmp_path / "kept.pdf"
    page = '#set page(header: context align(center, counter(page).display()))\n'
    typst.compile((page + 'Đoạn cuối.\n#pagebreak()\nNơi nhận: TM. ỦY BAN NHÂN DÂN').encode(), output=str(alone))
    typst.compile((page + '#pagebreak()\nĐoạn cuối.\n\nNơi nhận: TM. ỦY BAN NHÂN DÂN').encode(), output=str(kept))
    assert signature_page(alone) == (2, 1)  # only the page number above it
    assert signature_page(kept) == (2, 2)
