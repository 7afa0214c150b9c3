"""Plan -> PDF without LaTeX: pandoc writes Typst, the `typst` package compiles it.

Only the shipped fonts are used (system fonts are ignored), so the output is the same on every
machine and every glyph is embedded.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pypandoc
import typst

from ocop.publish.documents import ast, compose
from ocop.publish.documents.plan import Plan

ASSETS = Path(__file__).parent / "assets"
FONTS = ASSETS / "fonts"
TEMPLATE = ASSETS / "plan.typ"


@cache
def _fonts() -> typst.Fonts:
    # Embedded typst fonts stay available only as a fallback for symbols Liberation lacks.
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONTS)])


def typst_source(plan: Plan) -> str:
    document = ast.typst_literal(compose.document(plan, compose.TypstParts()))  # all text as string literals
    body = pypandoc.convert_text(json.dumps(document, ensure_ascii=False), "typst", format="json")
    return TEMPLATE.read_text(encoding="utf-8") + "\n" + body


def render_pdf(plan: Plan, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    source = typst_source(plan).encode("utf-8")
    title = f"Kế hoạch {plan['id']}"
    typst.compile(source, output=str(out), font_paths=_fonts(), sys_inputs={"title": title})
    return out
