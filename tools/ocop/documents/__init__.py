"""KH plans as documents: DOCX (NĐ 30/2020 layout) and PDF renderings, and progress reports.

Entry points for the rest of the tool:
- `render(plan, out_dir, formats)`: write `<id>.docx` / `<id>.pdf` for one plan record (dict).
- `build_all(root, out_dir, registry=None, as_of=None)`: every plan, plus progress reports.
- `bench(root)`: prints `bench: plan_docx <s> s` and `bench: plan_pdf <s> s` (means over all plans).
- `cli.add_parser(subparsers)`: the `ocop plan` subcommand.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path
from typing import Any

from .docx import render_docx
from .pdf import render_pdf
from .plan import Plan, all_plans, load_plan

RENDERERS = {"docx": render_docx, "pdf": render_pdf}
__all__ = ["RENDERERS", "bench", "build_all", "load_plan", "render", "render_docx", "render_pdf"]


def render(plan: Plan, out_dir: Path, formats: tuple[str, ...] = ("docx", "pdf")) -> list[Path]:
    return [RENDERERS[fmt](plan, out_dir / f"{plan['id']}.{fmt}") for fmt in formats]


def _plans(root: Path, registry: Any = None) -> list[Plan]:
    if registry is not None:
        return [r.data for r in sorted(registry.all("plan"), key=lambda r: r.id)]
    return [load_plan(path) for path in all_plans(root)]


def build_all(root: Path, out_dir: Path | None = None, registry: Any = None, as_of: str | None = None) -> list[Path]:
    """Render every plan to DOCX and PDF, and its progress report (Markdown and DOCX)."""
    from . import progress, report

    out_dir = out_dir or root / "build" / "plans"
    as_of = as_of or dt.date.today().isoformat()
    data = progress.from_registry(registry) if registry is not None else progress.Data.of([], [], [])
    written = []
    for plan in _plans(root, registry):
        written += render(plan, out_dir)
        rows = progress.plan_progress(plan, data, as_of)
        md = out_dir / f"{plan['id']}-tien-do.md"
        md.write_text(report.as_markdown(plan, rows, as_of), encoding="utf-8")
        written += [md, render_docx(report.report_document(plan, rows, as_of), out_dir / f"{plan['id']}-tien-do.docx")]
    return written


def bench(root: Path | None = None, out_dir: Path | None = None, rounds: int = 1) -> dict[str, float]:
    """Mean seconds per plan for DOCX and PDF over all plans (the issue's targets: <= 1 s, <= 2 s)."""
    root = root or Path.cwd()
    out_dir = out_dir or root / "build" / "plans"
    plans = _plans(root)
    times: dict[str, list[float]] = {"docx": [], "pdf": []}
    for _ in range(rounds):
        for plan in plans:
            for fmt, renderer in RENDERERS.items():
                start = time.perf_counter()
                renderer(plan, out_dir / f"{plan['id']}.{fmt}")
                times[fmt].append(time.perf_counter() - start)
    means = {fmt: statistics.mean(values) for fmt, values in times.items() if values}
    for fmt, mean in means.items():
        print(f"bench: plan_{fmt} {mean:.3f} s")
    return means
