"""Reporters: terminal lines, GitHub workflow commands (escaped per spec) and the job summary, JSON keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ocop.findings import Finding, Related
from ocop.report import github, json_report, text

FINDING = Finding("SCHEMA", "error", "registry/a,b:c.yaml", 3, 7, "Thiếu «name»\n100% lỗi", "Thêm dòng «name: …»",
                  [Related("registry/x.yaml", 1, 2, "liên quan")])


def test_text_reporter_line_format_and_summary() -> None:
    out = io.StringIO()
    text.report([FINDING], 12, out)
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
    github.report(findings, 30, out)
    body = summary.read_text("utf-8")
    assert body.count("| lỗi |") == 25
    assert "<b>" not in body and "&lt;b&gt;\\|x" in body
    assert out.getvalue().count("::error ") == 25


def test_json_reporter_keys() -> None:
    out = io.StringIO()
    json_report.report([FINDING], 1, out)
    (item,) = json.loads(out.getvalue())
    assert set(item) == {"rule", "severity", "file", "line", "column", "message", "hint", "related"}
    assert item["related"] == [{"file": "registry/x.yaml", "line": 1, "column": 2, "message": "liên quan"}]
