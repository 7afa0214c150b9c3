"""The NĐ 30/2020 format points of the generated DOCX, read back with python-docx and the XML."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ocop.publish.documents import compose
from ocop.publish.documents.plan import legal_basis_line, number_line, place_date_line, reference_line

HA_NOI = "kh-ha-noi-2021-146"
DAK_NONG = "kh-lam-dong-2024-dak-nong-du-thao"
ALL = ["kh-dong-thap-2018-226", HA_NOI, "kh-hai-phong-2023-hai-duong-1366", DAK_NONG,
       "kh-ninh-binh-2024-tam-diep-du-thao"]
TWIP_MM = 25.4 / 1440


def open_docx(rendered: dict, pid: str) -> docx.document.Document:
    return docx.Document(str(rendered[pid]["docx"]))


def sect_prs(document) -> list:
    return document.element.body.findall(".//" + qn("w:sectPr"))


def mm(sect, tag: str, attr: str) -> float:
    """Millimetres, rounded to 0.1 mm: twips cannot hold 15 mm exactly (850.4)."""
    return round(int(sect.find(qn(tag)).get(qn(attr))) * TWIP_MM, 1)


def style_size(style) -> float | None:
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return None


def style_font(style) -> str | None:
    while style is not None:
        if style.font.name is not None:
            return style.font.name
        style = style.base_style
    return None


def borders_nil(table) -> bool:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    return borders is not None and all(el.get(qn("w:val")) in ("nil", "none") for el in borders)


@pytest.mark.parametrize("pid", ALL)
def test_page_a4_and_margins(rendered: dict, pid: str) -> None:
    for sect in sect_prs(open_docx(rendered, pid)):
        w, h = mm(sect, "w:pgSz", "w:w"), mm(sect, "w:pgSz", "w:h")
        assert sorted((round(w), round(h))) == [210, 297]
        assert 20 <= mm(sect, "w:pgMar", "w:top") <= 25
        assert 20 <= mm(sect, "w:pgMar", "w:bottom") <= 25
        assert 30 <= mm(sect, "w:pgMar", "w:left") <= 35
        assert 15 <= mm(sect, "w:pgMar", "w:right") <= 20


@pytest.mark.parametrize("pid", ALL)
def test_font_and_body_size(rendered: dict, pid: str) -> None:
    document = open_docx(rendered, pid)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert {defaults.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")} == {"Times New Roman"}
    for name in ("Normal", "Body Text", "First Paragraph", "Heading 1", "Heading 2"):
        style = document.styles[name]
        assert style_font(style) == "Times New Roman", name
        assert 13 <= style_size(style) <= 14, name
        fonts = style.element.find(".//" + qn("w:rFonts"))
        assert not [a for a in fonts.attrib if a.endswith("Theme")], f"{name}: theme font would override"
    body = [p for p in document.paragraphs if p.style.name in ("Body Text", "First Paragraph")]
    assert body, "no body paragraphs"
    fmt = document.styles["Body Text"].paragraph_format
    assert fmt.space_after >= Pt(6) and 1 <= fmt.line_spacing <= 1.5


@pytest.mark.parametrize("pid", ALL)
def test_page_number_centred_top_not_on_first_page(rendered: dict, pid: str) -> None:
    document = open_docx(rendered, pid)
    first = document.sections[0]
    assert first.different_first_page_header_footer
    instr = "".join(t.text or "" for t in first.header._element.iter(qn("w:instrText")))
    assert "PAGE" in instr
    assert first.header.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert not list(first.first_page_header._element.iter(qn("w:instrText")))
    assert first.top_margin >= first.header_distance  # the number sits in the top margin


@pytest.mark.parametrize("pid", ALL)
def test_two_column_header(rendered: dict, plans: dict, pid: str) -> None:
    plan = plans[pid]
    table = open_docx(rendered, pid).tables[0]
    assert len(table.columns) == 2 and borders_nil(table)
    left, right = table.columns[0].cells, table.columns[1].cells
    left_text = "\n".join(c.text for c in left)
    for line in plan["header"]["issuing"]:
        assert line.upper() in left_text
    issuing = [p for c in left for p in c.paragraphs if p.style.name == "OCOP Issuer"]
    assert issuing and all(style_is(p, bold=True) for p in issuing)
    if plan["header"].get("governing"):
        org = next(p for c in left for p in c.paragraphs if p.style.name == "OCOP Org")
        assert org.text == plan["header"]["governing"].upper() and not org.style.font.bold
    assert number_line(plan) in left_text
    right_text = "\n".join(c.text for c in right)
    assert compose.NATION in right_text and compose.MOTTO in right_text
    place = next(p for c in right for p in c.paragraphs if p.style.name == "OCOP Place Date")
    assert place.text == place_date_line(plan) and place.style.font.italic
    assert 12 <= style_size(next(p for c in right for p in c.paragraphs if p.style.name == "OCOP Nation").style) <= 13
    # number and place-date share the second row: they line up side by side
    assert number_line(plan) in table.rows[1].cells[0].text and place_date_line(plan) == table.rows[1].cells[1].text


def style_is(p, bold: bool | None = None, italic: bool | None = None) -> bool:
    font = p.style.font
    return (bold is None or font.bold == bold) and (italic is None or font.italic == italic)


def test_place_date_leading_zeros() -> None:
    plan = {"place": "Hải Dương", "date": "2023-02-04"}
    assert place_date_line(plan) == "Hải Dương, ngày 04 tháng 02 năm 2023"
    assert place_date_line({**plan, "date": "2021-06-14"}) == "Hải Dương, ngày 14 tháng 6 năm 2021"
    assert place_date_line({**plan, "date": "2024-03-09"}) == "Hải Dương, ngày 09 tháng 3 năm 2024"
    basis = {"type": "Quyết định", "number": "490/QĐ-TTg", "date": "2018-05-07", "issuer": "Thủ tướng Chính phủ"}
    assert "ngày 07/5/2018" in legal_basis_line(basis, last=True)


@pytest.mark.parametrize("pid", ALL)
def test_title_subject_and_numbered_parts(rendered: dict, plans: dict, pid: str) -> None:
    plan = plans[pid]
    document = open_docx(rendered, pid)
    title = next(p for p in document.paragraphs if p.style.name == "OCOP Title")
    subject = next(p for p in document.paragraphs if p.style.name == "OCOP Subject")
    assert title.text == "KẾ HOẠCH" and subject.text == plan["title"]
    for p in (title, subject):
        assert p.style.font.bold and p.style.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    parts = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    romans = ["I.", "II.", "III.", "IV.", "V.", "VI."]
    assert [t.split(" ", 1)[0] for t in parts] == romans[: len(parts)]
    assert [t.split(" ", 1)[1] for t in parts] == [s["title"] for s in plan["sections"]]
    sections = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert sections and sections[0].startswith("1. ")
    assert document.styles["Heading 1"].font.bold


@pytest.mark.parametrize("pid", ALL)
def test_recipients_beside_signature(rendered: dict, plans: dict, pid: str) -> None:
    plan = plans[pid]
    document = open_docx(rendered, pid)
    table = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    assert len(table.rows) == 1 and len(table.columns) == 2 and borders_nil(table)
    left, right = table.rows[0].cells
    heading = left.paragraphs[0]
    assert heading.text == "Nơi nhận:"
    assert heading.style.font.bold and heading.style.font.italic and heading.style.font.size == Pt(12)
    lines = left.paragraphs[1:]
    assert all(p.style.font.size == Pt(11) and p.text.startswith("- ") for p in lines)
    for r in plan["recipients"]:
        assert any(r["name"] in p.text for p in lines)
    if plan.get("archive"):
        assert lines[-1].text == f"- Lưu: {plan['archive']}."
    right_text = [p.text for p in right.paragraphs]
    assert right_text[: len(plan["signature"]["authority"])] == plan["signature"]["authority"]
    signer = right.paragraphs[-1]
    assert signer.style.font.bold
    if plan["signature"].get("signer"):
        assert signer.text == plan["signature"]["signer"]["name"]


@pytest.mark.parametrize("pid", [HA_NOI, DAK_NONG])
def test_appendix_landscape_with_repeated_header_and_fitting_widths(rendered: dict, plans: dict, pid: str) -> None:
    plan = plans[pid]
    document = open_docx(rendered, pid)
    sections = document.sections
    assert len(sections) == 2
    portrait, landscape = sections
    assert portrait.page_width < portrait.page_height
    assert landscape.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert landscape.page_width > landscape.page_height
    notes = [p.text for p in document.paragraphs if p.style.name == "OCOP Appendix Note"]
    assert notes == [reference_line(plan)] and notes[0].startswith("(Kèm theo Kế hoạch số")
    table = document.tables[-1]
    first_row = table.rows[0]._tr
    assert first_row.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[0].cells] == [c["label"] for c in plan["appendices"][0]["columns"]]
    text_width = landscape.page_width - landscape.left_margin - landscape.right_margin
    grid = sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol")))
    assert grid * 635 <= text_width + Mm(1)  # twips -> EMU
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert len(table.rows) == len(plan["appendices"][0]["rows"]) + 1


def test_no_appendix_means_one_portrait_section(rendered: dict) -> None:
    document = open_docx(rendered, "kh-dong-thap-2018-226")
    assert len(document.sections) == 1


def docx_text(document) -> str:
    chunks = [p.text for p in document.paragraphs]
    for table in document.tables:
        chunks += [c.text for row in table.rows for c in row.cells]
    return "\n".join(chunks)


def target_included(plan: dict, target: dict) -> bool:
    """A target is printed where a section includes targets (of its group, if one is named)."""
    stack = list(plan["sections"])
    while stack:
        s = stack.pop()
        if "targets" in s.get("include", []) and s.get("target_group") in (None, target.get("group")):
            return True
        stack += s.get("sections", [])
    return False


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k == "text" or k == "items" for s in _strings(v)]
    return []


@pytest.mark.parametrize("pid", ALL)
def test_text_fidelity(rendered: dict, plans: dict, pid: str) -> None:
    """Every piece of plan text reaches the document verbatim."""
    plan = plans[pid]
    text = docx_text(open_docx(rendered, pid))
    expected = [t["text"] for t in plan.get("targets", []) if target_included(plan, t)]
    expected += [legal_basis_line(b, last=False) for b in plan.get("legal_bases", [])]
    expected += _strings(plan.get("purposes", [])) + _strings(plan.get("requirements", []))
    expected += [a["agency"] for a in plan.get("assignments", [])]
    for a in plan.get("assignments", []):
        expected += _strings(a["duties"])
    stack = list(plan["sections"])
    while stack:
        s = stack.pop()
        expected.append(s["title"])
        expected += _strings(s.get("body", []))
        stack += s.get("sections", [])
    for appendix in plan.get("appendices", []):
        expected.append(appendix["title"])
        expected += [row["task"] for row in appendix["rows"]]
    if plan.get("closing"):
        expected.append(plan["closing"])
    missing = [e for e in expected if e not in text]
    assert not missing, missing[:3]


def test_budget_figures(rendered: dict) -> None:
    text = docx_text(open_docx(rendered, "kh-dong-thap-2018-226"))
    for figure in ("50.050 triệu đồng", "30.030 triệu đồng (chiếm 60%)", "20.020 triệu đồng (chiếm 40%)",
                   "4.474 triệu đồng", "10.546 triệu đồng", "5.000 triệu đồng"):
        assert figure in text


def test_draft_keeps_blanks(rendered: dict, plans: dict) -> None:
    document = open_docx(rendered, DAK_NONG)
    left = document.tables[0].rows[1].cells[0].text
    assert left.startswith("Số:") and left.endswith("/KH-SNN") and "\u00a0" in left
    assert Path(rendered[DAK_NONG]["docx"]).stat().st_size > 10_000


@pytest.mark.parametrize("pid", ALL)
def test_rules_are_bottom_borders_of_fixed_height_and_the_subject_rule_follows_the_subject(
        rendered: dict, plans: dict, pid: str) -> None:
    from ocop.publish.documents.docx import PORTRAIT_TEXT_MM, RULE_GAP_PT
    from ocop.publish.documents.measure import TEXT_COLUMN_MM, subject_line_mm, title_rule_mm

    assert TEXT_COLUMN_MM == PORTRAIT_TEXT_MM
    document = open_docx(rendered, pid)
    rules = [p for p in document.element.body.iter(qn("w:p"))
             if (p.find(qn("w:pPr")) is not None and p.find(qn("w:pPr")).find(qn("w:pBdr")) is not None)]
    assert len(rules) == 3  # issuing body, motto, subject
    for p in rules:
        borders = p.find(qn("w:pPr")).find(qn("w:pBdr"))
        assert borders.find(qn("w:top")) is None and borders.find(qn("w:bottom")).get(qn("w:val")) == "single"
        spacing = p.find(qn("w:pPr")).find(qn("w:spacing"))
        assert spacing.get(qn("w:lineRule")) == "exact" and int(spacing.get(qn("w:line"))) == RULE_GAP_PT * 20
    indent = rules[2].find(qn("w:pPr")).find(qn("w:ind"))
    length = PORTRAIT_TEXT_MM - 2 * int(indent.get(qn("w:left"))) * TWIP_MM
    assert abs(length - title_rule_mm(plans[pid]["title"])) < 0.2
    assert 1 / 3 < length / subject_line_mm(plans[pid]["title"]) < 1 / 2


def test_subject_rule_length_tracks_short_and_long_subjects() -> None:
    from ocop.publish.documents.measure import TEXT_COLUMN_MM, text_width_mm, title_rule_mm

    short = "Năm 2026"
    assert title_rule_mm(short) == round(0.4 * text_width_mm(short), 1) < 15
    assert title_rule_mm("Thực hiện Chương trình mỗi xã một sản phẩm " * 3) == round(0.4 * TEXT_COLUMN_MM, 1)
    assert title_rule_mm("A\x00\u202eB") == title_rule_mm("AB")  # control characters take no room


@pytest.mark.parametrize("pid", ALL)
def test_last_paragraph_goes_with_the_signature(rendered: dict, plans: dict, pid: str) -> None:
    from ocop.publish.documents.pdf import typst_source

    body = open_docx(rendered, pid).element.body
    table = next(t for t in body.iter(qn("w:tbl")) if "Nơi nhận" in "".join(t.itertext()))
    before = table.getprevious()
    p_pr = before.find(qn("w:pPr"))
    assert before.tag == qn("w:p") and p_pr.find(qn("w:keepNext")) is not None and p_pr.find(qn("w:keepLines")) is not None
    source = typst_source(plans[pid])
    sticky = source.rindex("#block(sticky: true, breakable: false)[")
    assert sticky < source.index("#plan-signature(") and source.count("sticky: true, breakable: false") == 1
