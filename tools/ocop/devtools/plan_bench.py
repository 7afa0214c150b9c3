"""`bench: plan_docx <s> s` / `bench: plan_pdf <s> s`, called by `python -m ocop.devtools.bench` as bench(out_dir)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from ocop.publish.documents.docx import render_docx
from ocop.publish.documents.pdf import render_pdf
from ocop.publish.documents.plan import plans_of

RENDERERS = {"docx": render_docx, "pdf": render_pdf}


def _repo_root() -> Path:
    env = os.environ.get("OCOP_ROOT")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[3]  # tools/ocop/devtools -> repository (editable install)
    return here if (here / "plans").is_dir() else Path.cwd()


def bench(out_dir: Path | None = None, root: Path | None = None, rounds: int = 3) -> dict[str, float]:
    """Mean seconds per plan for DOCX and PDF over all plans (the issue's targets: <= 1 s, <= 2 s).

    Called by `python -m ocop.devtools.bench` as `bench(out_dir)`; the first round warms pandoc and fonts.
    """
    root = root or _repo_root()
    out_dir = (out_dir / "plans") if out_dir else root / "build" / "plans"
    plans = plans_of(root)
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
