"""Build assets/reference.docx: pandoc's default reference document edited to NĐ 30/2020.

Run `python -m ocop.publish.documents.reference` after changing a style; the result is committed so that
rendering never depends on this step. Page: A4, margins 20/20/30/15 mm; Times New Roman; body
14 pt; page number centred in the top margin and absent on page 1 (different first page).
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pypandoc
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ASSETS = Path(__file__).parent / "assets"
REFERENCE = ASSETS / "reference.docx"
FONT = "Times New Roman"
BODY_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY


@dataclass(frozen=True)
class Look:
    size: float = BODY_PT
    bold: bool = False
    italic: bool = False
    align: WD_ALIGN_PARAGRAPH = CENTER
    before: float = 0
    after: float = 0
    first_indent_mm: float = 0
    keep_next: bool = False


# Custom paragraph styles used through pandoc's custom-style attribute (see compose.DocxParts).
CUSTOM = {
    "OCOP Org": Look(size=13),
    "OCOP Issuer": Look(size=13, bold=True),
    "OCOP Number": Look(size=13, before=4),
    "OCOP Nation": Look(size=12, bold=True),
    "OCOP Motto": Look(size=14, bold=True),
    "OCOP Place Date": Look(size=14, italic=True, before=4),
    "OCOP Rule": Look(size=2, after=6),
    "OCOP Title": Look(bold=True, before=18),
    "OCOP Subject": Look(bold=True),
    "OCOP Recipients Title": Look(size=12, bold=True, italic=True, align=LEFT, before=12),
    "OCOP Recipient": Look(size=11, align=LEFT),
    "OCOP Sign Authority": Look(size=14, bold=True, before=0),
    "OCOP Signer": Look(size=14, bold=True, before=72),
    "OCOP Appendix Label": Look(bold=True),
    "OCOP Appendix Note": Look(italic=True, after=8),
    "OCOP Table Head": Look(size=12, bold=True),
    "OCOP Table Group": Look(size=12, bold=True, align=LEFT),
    "OCOP Table Text": Look(size=12, align=LEFT),
    "OCOP Table Center": Look(size=12),
}
# pandoc's own styles, restyled.
BUILTIN = {
    "Normal": Look(align=JUSTIFY, after=6),
    "Body Text": Look(align=JUSTIFY, before=0, after=6, first_indent_mm=10),
    "First Paragraph": Look(align=JUSTIFY, before=0, after=6, first_indent_mm=10),
    "Compact": Look(size=12, align=LEFT, after=2),
    "Heading 1": Look(bold=True, align=JUSTIFY, before=6, after=6, first_indent_mm=10, keep_next=True),
    "Heading 2": Look(bold=True, align=JUSTIFY, before=6, after=6, first_indent_mm=10, keep_next=True),
    "Heading 3": Look(bold=True, italic=True, align=JUSTIFY, before=6, after=6, first_indent_mm=10,
                      keep_next=True),
    "Heading 4": Look(italic=True, align=JUSTIFY, before=6, after=6, first_indent_mm=10, keep_next=True),
    "Heading 5": Look(italic=True, align=JUSTIFY, after=6, first_indent_mm=10, keep_next=True),
    "Heading 6": Look(italic=True, align=JUSTIFY, after=6, first_indent_mm=10, keep_next=True),
}


def _pandoc_default() -> bytes:
    pandoc = pypandoc.get_pandoc_path()
    return subprocess.run([pandoc, "--print-default-data-file", "reference.docx"],
                          check=True, capture_output=True).stdout


def set_fonts(rpr_parent, name: str = FONT) -> None:
    """Explicit fonts for every script; theme attributes would otherwise win over them."""
    rpr = rpr_parent if rpr_parent.tag == qn("w:rPr") else rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _apply(style, look: Look) -> None:
    font = style.font
    font.size = Pt(look.size)
    font.bold = look.bold
    font.italic = look.italic
    font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element)
    fmt = style.paragraph_format
    fmt.alignment = look.align
    fmt.space_before = Pt(look.before)
    fmt.space_after = Pt(look.after)
    fmt.line_spacing = 1.15 if look.size >= 13 else 1.0
    fmt.first_line_indent = Mm(look.first_indent_mm) if look.first_indent_mm else Mm(0)
    fmt.left_indent = Mm(0)
    fmt.keep_with_next = look.keep_next or None


def _styles(document: docx.Document) -> None:
    set_fonts(document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for name, look in BUILTIN.items():
        _apply(document.styles[name], look)
    for name, look in CUSTOM.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.quick_style = True
        _apply(style, look)
    _table_borders(document.styles["Table"])


def _table_borders(style) -> None:
    """Appendix tables get single borders; layout tables clear them in docx.py."""
    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        rpr = style.element.find(qn("w:rPr"))
        (rpr.addnext if rpr is not None else style.element.append)(tbl_pr)
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    cell_margins = tbl_pr.find(qn("w:tblCellMar"))  # schema order: tblBorders before tblCellMar
    (cell_margins.addprevious if cell_margins is not None else tbl_pr.append)(borders)


def _page_number(paragraph) -> None:
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    run.font.size = Pt(BODY_PT)
    set_fonts(run._r)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _page(document: docx.Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    _page_number(header.paragraphs[0])
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].text = ""


def build(path: Path = REFERENCE) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "default.docx"
        source.write_bytes(_pandoc_default())
        document = docx.Document(str(source))
    # Start from an empty body: pandoc only reads styles and section settings from it.
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _styles(document)
    _page(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
