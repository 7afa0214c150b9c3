"""Findings are bounded: per rule and file, and in every message."""

from __future__ import annotations

from ocop.findings import MAX_TEXT, Finding, bounded, capped


def many(rule: str, file: str, count: int, severity: str = "error") -> list[Finding]:
    return [Finding(rule, severity, file, i + 1, 1, f"m{i}") for i in range(count)]


def test_twenty_per_rule_and_file_then_one_that_counts_the_rest() -> None:
    findings = many("SCHEMA", "a.yaml", 25) + many("SCHEMA", "b.yaml", 3) + many("TEXT-NFC", "a.yaml", 21, "warning")
    out = capped(findings)
    assert len(out) == 20 + 1 + 3 + 20 + 1
    summary = [f for f in out if f.message.startswith("…")]
    assert [(f.rule, f.file, f.line, f.severity) for f in summary] == [
        ("SCHEMA", "a.yaml", 21, "error"), ("TEXT-NFC", "a.yaml", 21, "warning")]
    assert "và 5 lỗi SCHEMA tương tự" in summary[0].message
    assert "và 1 cảnh báo TEXT-NFC tương tự" in summary[1].message


def test_a_check_that_stopped_early_says_at_least() -> None:
    out = capped(many("SCHEMA", "a.yaml", 22), more={("SCHEMA", "a.yaml"): 1})
    assert "và ít nhất 3 lỗi SCHEMA" in out[-1].message
    assert capped(many("SCHEMA", "a.yaml", 20)) == many("SCHEMA", "a.yaml", 20)


def test_messages_are_bounded() -> None:
    assert len(bounded("x" * 10_000)) == MAX_TEXT


def test_a_record_finding_keeps_its_json_shape_and_a_cell_finding_adds_sheet_row_cell() -> None:
    plain = Finding("SCHEMA", "error", "a.yaml", 3, 4, "m")
    assert set(plain.to_dict()) == {"rule", "severity", "file", "line", "column", "message", "hint", "related"}
    assert plain.location == "a.yaml:3:4"
    cell = Finding("IMPORT-UNIT", "warning", "a.csv", 7, 4, "m", cell="D7")
    assert cell.to_dict()["sheet"] == "" and cell.to_dict()["row"] == 7 and cell.location == "a.csv:D7"
    assert Finding.from_dict(cell.to_dict()) == cell
    sheet = Finding("IMPORT-UNIT", "warning", "a.xlsx", 7, 4, "m", cell="'It''s'!D7")
    assert sheet.to_dict()["sheet"] == "It's"
    many = [Finding("IMPORT-UNIT", "warning", "a.xlsx", i, 4, "m", cell=f"Sheet1!D{i}") for i in range(1, 30)]
    assert capped(many)[-1].cell == "Sheet1!D21"  # "… và 9 cảnh báo tương tự" points at the first one left out


def test_a_finding_in_a_json_file_points_at_its_value() -> None:
    found = Finding("IMPORT-UNCLASSIFIED", "error", "ocop-vn.json", 12, 1, "m", cell="/11/type")
    assert found.pointer and found.location == "ocop-vn.json#/11/type"
    assert {k: found.to_dict()[k] for k in ("item", "pointer", "cell")} == {"item": 12, "pointer": "/11/type",
                                                                         "cell": "/11/type"}
    assert "sheet" not in found.to_dict() and Finding.from_dict(found.to_dict()) == found
    from ocop.report.github import annotation

    assert "Mục /11/type: m" in annotation(found)
