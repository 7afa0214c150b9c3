"""KH plans as documents: DOCX (NĐ 30/2020 layout) and PDF renderings, and progress reports.

Entry points for the rest of the tool:
- `render(plan, out_dir, formats)`: write `<id>.docx` / `<id>.pdf` for one plan record (dict).
- `build_all(root, out_dir, registry=None, as_of=None)`: every plan, plus progress reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.check.rules import publishing  # noqa: F401  (registers DOC-RENDER)
from ocop.findings import Finding, make
from ocop.publish.documents.docx import render_docx
from ocop.publish.documents.pdf import render_pdf
from ocop.publish.documents.plan import Plan, load_plan, plans_of

RENDERERS = {"docx": render_docx, "pdf": render_pdf}

__all__ = ["RENDERERS", "build_all", "load_plan", "render", "render_docx", "render_pdf"]


def render(plan: Plan, out_dir: Path, formats: tuple[str, ...] = ("docx", "pdf")) -> list[Path]:
    return [RENDERERS[fmt](plan, out_dir / f"{plan['id']}.{fmt}") for fmt in formats]


@dataclass
class Rendered:
    """What `build_all` wrote, and the plans it could not render (the others are still rendered)."""

    written: list[Path] = field(default_factory=list)
    failed: list[Finding] = field(default_factory=list)


def build_all(root: Path, out_dir: Path | None = None, registry: Any = None, as_of: str | None = None) -> Rendered:
    """Render every plan to DOCX and PDF, and its progress report (Markdown and DOCX). A plan that fails
    is a DOC-RENDER finding naming its file; the others still render."""
    from ocop.publish.documents import progress, report

    out_dir = out_dir or root / "build" / "plans"
    as_of = as_of or dt.date.today().isoformat()
    data = progress.from_registry(registry) if registry is not None else progress.Data.of([], [], [])
    result = Rendered()
    for plan in plans_of(root, registry):
        try:
            written = render(plan, out_dir)
            rows = progress.plan_progress(plan, data, as_of)
            md = out_dir / f"{plan['id']}-tien-do.md"
            md.write_text(report.as_markdown(plan, rows, as_of, data), encoding="utf-8")
            written += [md, render_docx(report.report_document(plan, rows, as_of, data),
                                        out_dir / f"{plan['id']}-tien-do.docx")]
        except Exception as err:  # any renderer failure: reported against the plan, never swallowed
            result.failed.append(make("DOC-RENDER", f"plans/{plan['id']}.yaml", 1, 1,
                                      f"Không xuất được văn bản của Kế hoạch {plan['id']}: {type(err).__name__}: {err}"))
            continue
        result.written += written
    return result


def screenshots(root: Path | None = None, plan_id: str = "kh-lam-dong-2024-dak-nong-du-thao",
                out_dir: Path | None = None) -> list[Path]:
    """PNG of page 1 and of the first appendix page of one plan's PDF (needs poppler's pdftoppm)."""
    import subprocess

    root = root or Path.cwd()
    out_dir = out_dir or root / "build" / "screenshots"
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = load_plan(root / "plans" / f"{plan_id}.yaml")
    pdf = render_pdf(plan, root / "build" / "plans" / f"{plan_id}.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    appendix = next((i + 1 for i, page in enumerate(pages) if "PHỤ LỤC" in page), len(pages) - 1)
    written = []
    for name, page in (("page1", 1), ("appendix", appendix)):
        prefix = out_dir / f"{plan_id}-{name}"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(page), "-l", str(page),
                        str(pdf), str(prefix)], check=True, capture_output=True)
        written.append(prefix.with_suffix(".png"))
    return written
