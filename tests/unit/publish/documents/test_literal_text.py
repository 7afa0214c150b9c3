"""Plan text is always literal in the DOCX and the PDF: Markdown, Typst, HTML and line-start syntax in any
text field render as the same words, and never as an extra heading, list, bold run, link or equation.

Every string field the plan schema still accepts with the payload in it gets the payload, after a marker of
its own. A baseline render (the same fields, plain words) says which fields a document shows and what
structure it has; the payload render must show each of those fields' payload verbatim (whitespace aside)
and have exactly the baseline's structure.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import pytest
import typst
from docx.oxml.ns import qn

from ocop.check import schema as schema_check
from ocop.publish.documents import pdf, render_docx, render_pdf
from ocop.publish.documents.plan import load_plan

REPO = Path(__file__).resolve().parents[4]
PLANS = ["kh-lam-dong-2024-dak-nong-du-thao", "kh-ha-noi-2021-146"]
LINES = [
    "*đậm* _nghiêng_ **rất đậm** __gạch__",
    "# Đề mục Markdown giả",
    "= Đề mục Typst giả",
    "== Cấp hai giả",
    "#set text(fill: red)",
    "#strong[B] #emph[I] #link(\"https://evil.example\")[x]",
    "$x^2$ và $$y$$",
    "<nhan> @tham-chieu @everyone",
    "a \\ b \\\\ c",
    "`mã` ```khối```",
    "[liên kết](https://evil.example/) ![ảnh](http://evil.example/x.png)",
    "1. mục đánh số",
    "2) mục",
    "- gạch đầu dòng",
    "+ mục cộng",
    "* mục sao",
    "/ Thuật ngữ: định nghĩa",
    "| cột | cột |",
    "|---|---|",
    "<b>in đậm</b> <script>alert(1)</script> <!-- chú thích -->",
    "a -- b --- c ... d ~ e -? f",
    "\"ngoặc kép\" 'ngoặc đơn'",
    "{{ mẫu }} {% raw %} &amp; &lt;",
    "> trích dẫn",
    "***",
    "```",
    "\\u{41} \\#",
]
# Real newlines (YAML block text) and the Unicode separators (refused by TEXT-CONTROL, but a renderer must
# not trust that) put each line at a line start.
SEPARATORS = ["\n", "\u2028", "\n\n", "\u2029"]
TYPST_ELEMENTS = ("heading", "strong", "emph", "list", "enum", "terms", "link", "raw", "math.equation", "table",
                  "figure", "footnote", "quote", "image")


def payload(i: int) -> str:
    """Field i's text: three payload lines (every line lands in a dozen fields of different kinds), each
    after a different separator; the first one also right after the marker, mid-line."""
    lines = [LINES[(3 * i + k) % len(LINES)] for k in range(3)]
    return f"{marker(i)} {lines[0]}" + "".join(SEPARATORS[(i + k) % len(SEPARATORS)] + line
                                               for k, line in enumerate(lines[1:]))


def string_paths(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in string_paths(v, (*path, i))]
    return [path] if isinstance(value, str) else []


def set_at(data: Any, path: tuple, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def marker(i: int) -> str:
    return f"Mốc{i:03d}"


def plans_for(plan_id: str) -> tuple[dict, dict, list[tuple]]:
    """(baseline, payload plan, substituted paths): every field the schema accepts the payload in."""
    plan = load_plan(REPO / "plans" / f"{plan_id}.yaml")
    validator = schema_check.reference_validator(schema_check.SCHEMA_DIR, "plan")
    baseline, hostile, paths = copy.deepcopy(plan), copy.deepcopy(plan), []
    for path in string_paths(plan):
        trial = copy.deepcopy(plan)
        set_at(trial, path, payload(len(paths)))
        if validator.is_valid(trial):
            set_at(baseline, path, f"{marker(len(paths))} chữ thường")
            set_at(hostile, path, payload(len(paths)))
            paths.append(path)
    return baseline, hostile, paths


def squeezed(text: str) -> str:
    """Whitespace (and the separators a renderer turns into it) removed, case folded: wrapping and the
    capitals of header lines do not matter, the characters do."""
    return re.sub(r"[\s\u2028\u2029]+", "", text).casefold()


def docx_text(path: Path) -> str:
    body = docx.Document(str(path)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def docx_structure(path: Path) -> dict[str, Any]:
    """Per paragraph: style, and which runs are bold or italic; plus links, numbering and tables."""
    document = docx.Document(str(path))
    body = document.element.body
    paragraphs = []
    for p in body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        runs = [r for r in p.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
        bold = sorted({r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None for r in runs})
        italic = sorted({r.find(f"{qn('w:rPr')}/{qn('w:i')}") is not None for r in runs})
        paragraphs.append((style.get(qn("w:val")) if style is not None else "", bold, italic))
    return {"paragraphs": paragraphs, "links": len(list(body.iter(qn("w:hyperlink")))),
            "numbered": len(list(body.iter(qn("w:numPr")))), "tables": len(list(body.iter(qn("w:tbl")))),
            "fields": len(list(body.iter(qn("w:fldSimple")))) + len(list(body.iter(qn("w:instrText"))))}


def typst_structure(plan: dict) -> Counter:
    """How many of each structural element the compiled document holds (one query for all)."""
    selector = "selector(" + ").or(".join(TYPST_ELEMENTS) + ")"
    found = typst.query(pdf.typst_source(plan).encode("utf-8"), selector, font_paths=pdf._fonts(),
                        sys_inputs={"title": "x"})
    return Counter(element["func"] for element in json.loads(found))


@pytest.fixture(scope="module", params=PLANS)
def rendered_pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    baseline, hostile, paths = plans_for(request.param)
    out = tmp_path_factory.mktemp(request.param)
    return {"plan": request.param, "paths": paths, "baseline": baseline, "hostile": hostile,
            "docx": (render_docx(baseline, out / "base.docx"), render_docx(hostile, out / "hostile.docx")),
            "pdf": (render_pdf(baseline, out / "base.pdf"), render_pdf(hostile, out / "hostile.pdf"))}


def raw_text(pdf_path: Path) -> str:
    """The PDF's text in content-stream order (no column layout: cells are not merged line by line)."""
    return subprocess.run(["pdftotext", "-raw", str(pdf_path), "-"], check=True, capture_output=True,
                          text=True).stdout


def shown_fields(text: str, count: int) -> list[int]:
    folded = squeezed(text)
    return [i for i in range(count) if squeezed(marker(i)) in folded]


def test_many_fields_carry_the_payload(rendered_pair: dict) -> None:
    assert len(rendered_pair["paths"]) >= 40, rendered_pair["paths"]


def test_docx_shows_every_payload_literally(rendered_pair: dict) -> None:
    base, hostile = (docx_text(p) for p in rendered_pair["docx"])
    shown = shown_fields(base, len(rendered_pair["paths"]))
    assert len(shown) >= 30, shown
    folded = squeezed(hostile)
    missing = [rendered_pair["paths"][i] for i in shown if squeezed(payload(i)) not in folded]
    assert not missing, missing


def test_docx_gains_no_structure(rendered_pair: dict) -> None:
    base, hostile = (docx_structure(p) for p in rendered_pair["docx"])
    assert hostile == base


def test_pdf_shows_every_payload_literally(system_tools: None, rendered_pair: dict) -> None:
    """Outside the appendix tables, each field's payload is there verbatim. Table rows that run over a page
    break interleave with the repeated header and the next row in any text extraction, so for the whole
    document the check is by character: every punctuation or symbol character of the payloads (`*`, `#`,
    `=`, `$`, `.`, `-`, `~`, quotes, brackets...) is in the PDF exactly as many times as the fields shown
    carry it. Markup read as markup loses characters (`*đậm*` -> bold, `...` -> `…`, `"` -> `“`)."""
    base, hostile = (raw_text(p) for p in rendered_pair["pdf"])
    paths = rendered_pair["paths"]
    shown = shown_fields(base, len(paths))
    assert len(shown) >= 30, shown
    folded = squeezed(hostile)
    missing = [(paths[i], payload(i)) for i in shown
               if paths[i][0] != "appendices" and squeezed(payload(i)) not in folded]
    assert not missing, missing
    times = {i: folded.count(squeezed(marker(i))) for i in shown}
    assert all(times.values()), times
    expected = Counter(c for c in squeezed(base) if not c.isalnum())  # baseline values are letters and digits
    for i in shown:
        for c in squeezed(payload(i)):
            if not c.isalnum():
                expected[c] += times[i]
    found = Counter(c for c in folded if not c.isalnum())
    assert found == expected, {c: (found[c], expected[c]) for c in found | expected if found[c] != expected[c]}


def test_pdf_gains_no_structure(rendered_pair: dict) -> None:
    assert typst_structure(rendered_pair["hostile"]) == typst_structure(rendered_pair["baseline"])


@pytest.mark.parametrize("text", ['a\\b "c" \n\r\t', "\x07\x1b[31m\x7f\x85", "\u2028= x\u2029", "\u202egnàv\u202c \u200b\ufeff",
                                  "\\u{41} #set $x$ <l> @r", "Trà sen Tây Hồ 🍵"])
def test_typst_string_holds_exactly_the_text(text: str) -> None:
    """Typst reads the literal back as the same string (JSON escapes like \\u0007 or \\b would not compile)."""
    from ocop.publish.documents.ast import typst_string

    source = f"#metadata({typst_string(text)}) <out>".encode()
    assert json.loads(typst.query(source, "<out>", field="value", one=True)) == text
