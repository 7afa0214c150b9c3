"""Every rule is documented, has an example, and is exercised by a test or a fixture."""

from __future__ import annotations

import re

from ocop.report.rules import all_rules, render
from ocop_testing import REPO


def test_every_rule_has_title_summary_example_and_its_fix() -> None:
    for r in all_rules():
        assert r.title and r.summary and r.example and r.fix and r.fixed and r.family, r.id
        assert r.example != r.fixed, r.id
        assert r.severity in ("error", "warning")
        assert re.fullmatch(r"\d+\.\d+\.\d+", r.added_in), r.id


def test_every_rule_is_exercised_by_a_test() -> None:
    corpus = "\n".join(p.read_text("utf-8", errors="replace") for p in (REPO / "tests").rglob("*")
                       if p.is_file() and p.suffix in (".py", ".yaml", ".yml", ".json"))
    dirs = {p.name for p in (REPO / "tests").rglob("*") if p.is_dir()}
    missing = [r.id for r in all_rules() if r.id not in dirs and f'"{r.id}"' not in corpus and f"rule: {r.id}" not in corpus]
    assert missing == []


def test_rules_markdown_lists_every_id() -> None:
    text = render("markdown")
    for r in all_rules():
        assert f"### {r.id}" in text
