"""Plan -> DOCX: pandoc (bundled binary) with the committed reference.docx, then python-docx
for what pandoc cannot express: borderless layout tables, short rules, the landscape appendix
section, fixed table widths and repeated header rows.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

import docx
import pypandoc
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ocop.publish.documents import compose
from ocop.publish.documents.measure import title_rule_mm
from ocop.publish.documents.plan import Plan
from ocop.publish.documents.reference import MARGINS_MM, REFERENCE

A4_W_MM, A4_H_MM = 210, 297
PORTRAIT_TEXT_MM = A4_W_MM - MARGINS_MM["left"] - MARGINS_MM["right"]
LANDSCAPE_TEXT_MM = A4_H_MM - MARGINS_MM["left"] - MARGINS_MM["right"]
TWIPS_PER_MM = 1440 / 25.4
# (rule length in mm) for the short lines under the issuing body and the motto; the one under the subject
# follows the subject's length (measure.title_rule_mm).
RULE_MM = {"left": 22, "right": 58}
# A rule is the bottom border of its own empty paragraph of this exact height, so it sits this far under the
# text above it in every renderer (a top border would be drawn at the previous line's bottom edge, where Word
# and LibreOffice show it as an underline).
RULE_GAP_PT = 5
HEADER_LEFT_MM, HEADER_OUTDENT_MM = 72, 8
MIN_STT_MM = 12


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def pandoc_docx(document: dict, out: Path) -> None:
    pypandoc.convert_text(json.dumps(document, ensure_ascii=False), "docx", format="json",
                          outputfile=str(out), extra_args=[f"--reference-doc={REFERENCE}"])


def render_docx(plan: Plan, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "pandoc.docx"
        pandoc_docx(compose.document(plan, compose.DocxParts()), raw)
        document = docx.Document(str(raw))
    postprocess(document, has_appendix=bool(plan.get("appendices")), title_mm=title_rule_mm(plan["title"]))
    document.save(str(out))
    return out


# --- post-processing ----------------------------------------------------------------------

def _child(parent, tag: str, before: tuple[str, ...] = ()):
    """Find or create `tag` under parent, inserted before the first of `before` (schema order)."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    el = OxmlElement(tag)
    anchor = next((parent.find(qn(t)) for t in before if parent.find(qn(t)) is not None), None)
    (anchor.addprevious if anchor is not None else parent.append)(el)
    return el


def _set_widths(table, widths_mm: list[float]) -> None:
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_w = _child(tbl_pr, "w:tblW", ("w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout", "w:tblCellMar",
                                      "w:tblLook"))
    tbl_w.set(qn("w:w"), str(twips(sum(widths_mm))))
    tbl_w.set(qn("w:type"), "dxa")
    layout = _child(tbl_pr, "w:tblLayout", ("w:tblCellMar", "w:tblLook"))
    layout.set(qn("w:type"), "fixed")
    grid = tbl.tblGrid
    for col, mm in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(twips(mm)))
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(mm)


def _indent(table, mm: float) -> None:
    ind = _child(table._tbl.tblPr, "w:tblInd", ("w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))
    ind.set(qn("w:w"), str(twips(mm)))
    ind.set(qn("w:type"), "dxa")


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = _child(tbl_pr, "w:tblBorders", ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # pandoc marks the first row as a header; a layout table has none.
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstRow"), "0")


def _rule(paragraph, width_mm: float, length_mm: float) -> None:
    """A centred short line: the bottom border of an empty paragraph of fixed height, indented to the line's
    length."""
    p_pr = paragraph._p.get_or_add_pPr()
    bdr = _child(p_pr, "w:pBdr", ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr"))
    for old in bdr.findall(qn("w:top")):
        bdr.remove(old)
    bottom = _child(bdr, "w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "0")
    bottom.set(qn("w:color"), "000000")
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(RULE_GAP_PT)  # a length: exact line height
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = Pt(0)
    side = max(0.0, (width_mm - length_mm) / 2)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)


def _rules(document, header_widths: list[float], title_mm: float) -> None:
    header = document.tables[0]
    for cell, width, key in ((header.rows[0].cells[0], header_widths[0], "left"),
                             (header.rows[0].cells[1], header_widths[1], "right")):
        for p in cell.paragraphs:
            if p.style.name == "OCOP Rule":
                _rule(p, width - 4, RULE_MM[key])  # minus the cell's own padding
    for p in document.paragraphs:
        if p.style.name == "OCOP Rule":
            _rule(p, PORTRAIT_TEXT_MM, title_mm)


def _is_signature(table) -> bool:
    return table.rows[0].cells[0].text.strip().startswith("Nơi nhận")


def _keep_with_signature(table) -> None:
    """The paragraph before the signature keeps its lines together and goes to the signature's page, so the
    signature never stands alone at the top of a page."""
    previous = table._tbl.getprevious()
    if previous is None or previous.tag != qn("w:p"):
        return
    p_pr = previous.get_or_add_pPr()
    _child(p_pr, "w:keepNext", ("w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
                                "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:spacing", "w:ind",
                                "w:jc", "w:rPr"))
    _child(p_pr, "w:keepLines", ("w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
                                 "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:spacing", "w:ind",
                                 "w:jc", "w:rPr"))


def _repeat_header(table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    _child(tr_pr, "w:tblHeader", ("w:tblCellSpacing", "w:jc", "w:hidden")).set(qn("w:val"), "true")


def _appendix_widths(table) -> list[float]:
    cols = table._tbl.tblGrid.findall(qn("w:gridCol"))
    raw = [float(c.get(qn("w:w")) or 1) for c in cols]
    widths = [LANDSCAPE_TEXT_MM * w / sum(raw) for w in raw]
    if widths[0] < MIN_STT_MM:  # "STT" must not break; take the room from the widest column
        widest = widths.index(max(widths))
        widths[widest] -= MIN_STT_MM - widths[0]
        widths[0] = MIN_STT_MM
    return widths


def _landscape(document) -> None:
    """End the portrait section just before the first appendix; the rest is landscape."""
    body = document.element.body
    final = body.find(qn("w:sectPr"))
    first = next(p for p in document.paragraphs if p.style.name == "OCOP Appendix Label")
    portrait = copy.deepcopy(final)
    holder = OxmlElement("w:p")
    holder_pr = OxmlElement("w:pPr")
    holder_pr.append(portrait)
    holder.append(holder_pr)
    first._p.addprevious(holder)
    size = final.find(qn("w:pgSz"))
    size.set(qn("w:w"), str(twips(A4_H_MM)))
    size.set(qn("w:h"), str(twips(A4_W_MM)))
    size.set(qn("w:orient"), "landscape")
    title_pg = final.find(qn("w:titlePg"))
    if title_pg is not None:  # the appendix's first page is not page 1: it shows its number
        final.remove(title_pg)
    _child(final, "w:type", ("w:pgSz",)).set(qn("w:val"), "nextPage")


def postprocess(document, has_appendix: bool, title_mm: float) -> None:
    tables = list(document.tables)
    # The header runs a little into the left margin, as usual, so the national name fits one line.
    header_widths = [HEADER_LEFT_MM, PORTRAIT_TEXT_MM + HEADER_OUTDENT_MM - HEADER_LEFT_MM]
    _no_borders(tables[0])
    _set_widths(tables[0], header_widths)
    _indent(tables[0], -HEADER_OUTDENT_MM)
    _rules(document, header_widths, title_mm)
    for table in tables[1:]:
        if _is_signature(table):
            _no_borders(table)
            _set_widths(table, [PORTRAIT_TEXT_MM * 0.5, PORTRAIT_TEXT_MM * 0.5])
            _child(table.rows[0]._tr.get_or_add_trPr(), "w:cantSplit")  # keep Nơi nhận and signer together
            _keep_with_signature(table)
        else:
            _set_widths(table, _appendix_widths(table))
            _repeat_header(table)
    if has_appendix:
        _landscape(document)
