"""Reporters: terminal lines, GitHub workflow commands (escaped per spec) and the job summary, JSON keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ocop.findings import Finding, Related
from ocop.report import REPORTERS, Report, Table, github, json_report, markdown, text

FINDING = Finding("SCHEMA", "error", "registry/a,b:c.yaml", 3, 7, "Thiếu «name»\n100% lỗi", "Thêm dòng «name: …»",
                  [Related("registry/x.yaml", 1, 2, "liên quan")])


def test_text_reporter_line_format_and_summary() -> None:
    out = io.StringIO()
    text.report(Report.of_findings([FINDING], 12), out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("registry/a,b:c.yaml:3:7: error[SCHEMA] Thiếu «name»")
    assert any(line.strip().startswith("gợi ý:") for line in lines)
    assert lines[-1] == "KHÔNG ĐẠT: 12 tệp đã kiểm tra, 1 lỗi, 0 cảnh báo."


def test_github_annotation_escapes_properties_and_data() -> None:
    line = github.annotation(FINDING)
    assert line.startswith("::error file=registry/a%2Cb%3Ac.yaml,line=3,col=7,title=SCHEMA%3A lỗi::")
    assert "%0A100%25 lỗi" in line and "\n" not in line


def test_github_summary_lists_every_finding_beyond_ten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    findings = [Finding("REF-MISSING", "error", f"f{i}.yaml", i + 1, 1, f"m{i} <b>|x", "") for i in range(25)]
    out = io.StringIO()
    github.report(Report.of_findings(findings, 30), out)
    body = summary.read_text("utf-8")
    assert body.count("| lỗi |") == 25
    assert "<b>" not in body and "&lt;b&gt;\\|x" in body
    assert out.getvalue().count("::error ") == 25


def test_json_reporter_keys() -> None:
    out = io.StringIO()
    json_report.report(Report.of_findings([FINDING], 1), out)
    (item,) = json.loads(out.getvalue())
    assert set(item) == {"rule", "severity", "file", "line", "column", "message", "hint", "related"}
    assert item["related"] == [{"file": "registry/x.yaml", "line": 1, "column": 2, "message": "liên quan"}]


def test_annotation_links_the_rule_page_when_the_site_is_known() -> None:
    report = Report.of_findings([FINDING], 1, site_url="https://ocop.example.vn/")
    out = io.StringIO()
    github.report(report, out)
    assert "%0AQuy tắc: https://ocop.example.vn/quy-tac/SCHEMA/" in out.getvalue()
    assert "Quy tắc:" not in github.annotation(FINDING)
    assert "| [`SCHEMA`](https://ocop.example.vn/quy-tac/SCHEMA/) |" in markdown.render(report)
    assert "](" not in markdown.render(Report.of_findings([FINDING], 1))  # no site known: no links


def test_markdown_reporter_escapes_every_cell() -> None:
    hostile = Finding("TEXT-MARKUP", "warning", "registry/x.yaml", 2, 3, "@admin ![x](http://e/x.png) `a` <img>", "")
    body = markdown.render(Report.of_findings([hostile], 1))
    assert body.startswith("## Kiểm tra sổ đăng ký OCOP\n\nĐẠT: 1 tệp đã kiểm tra, 0 lỗi, 1 cảnh báo.\n\n| Mức |")
    assert "<img>" not in body and "`a`" not in body and "| `TEXT-MARKUP` |" in body


def test_one_report_in_every_format() -> None:
    """A report that replaces each default (lines, table, data) is rendered from those by every reporter."""
    report = Report("Tiêu đề", "Tóm tắt.", [FINDING], lines=["dòng 1"], data={"k": 1},
                    table=Table(("Mã", "Tên"), [("a|b", "x\ny")], code=frozenset({0})))
    outputs = {}
    for name, reporter in REPORTERS.items():
        out = io.StringIO()
        reporter(report, out)
        outputs[name] = out.getvalue()
    assert outputs["text"] == "dòng 1\nTóm tắt.\n"
    assert json.loads(outputs["json"]) == {"k": 1}
    assert outputs["markdown"] == "## Tiêu đề\n\nTóm tắt.\n\n| Mã | Tên |\n|---|---|\n| `a\\|b` | x y |\n"
    assert outputs["github"].startswith("::error file=") and outputs["github"].endswith("Tóm tắt.\n")
    assert sorted(REPORTERS) == ["github", "json", "markdown", "text"]


def test_markdown_tables_are_bounded() -> None:
    table = Table(("Mã",), [(str(i),) for i in range(1005)])
    body = markdown.render_table(table)
    assert body.count("\n| ") == 1000 and "… và 5 dòng nữa" in body


CELL = Finding("IMPORT-VALUE", "error", "input/phu luc.xlsx", 12, 3, "Hạng sao «2 sao»", "Ghi 3, 4 hoặc 5 sao",
               cell="'Bảng <1>'!C12")


def test_a_spreadsheet_cell_is_the_location_in_every_format() -> None:
    out = io.StringIO()
    text.report(Report.of_findings([CELL], 1), out)
    assert out.getvalue().startswith("input/phu luc.xlsx:'Bảng <1>'!C12: error[IMPORT-VALUE] Hạng sao «2 sao»\n")
    line = github.annotation(CELL)
    assert line.startswith("::error file=input/phu luc.xlsx,line=12,col=3,title=IMPORT-VALUE%3A lỗi::Ô 'Bảng <1>'!C12: ")
    rendered = markdown.render(Report.of_findings([CELL], 1))
    assert "input/phu luc.xlsx:'Bảng &lt;1&gt;'!C12" in rendered and "<1>" not in rendered
    out = io.StringIO()
    json_report.report(Report.of_findings([CELL], 1), out)
    (item,) = json.loads(out.getvalue())
    assert (item["sheet"], item["row"], item["column"], item["cell"]) == ("Bảng <1>", 12, 3, "'Bảng <1>'!C12")
    assert Finding.from_dict(item) == CELL  # the cache and --format json read it back
