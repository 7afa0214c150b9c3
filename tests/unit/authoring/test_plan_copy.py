"""`ocop plan new --from … --year …`: next year's plan from last year's, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocop.authoring.plan_copy import shift_date, shift_text
from ocop.cli.main import main
from ocop.domain.plan_years import mentions
from ocop.publish.documents.plan import load_plan


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_dak_nong_2024_becomes_a_2025_draft(tree: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "--root", str(tree), "plan", "new", "--from", "kh-lam-dong-2024-dak-nong-du-thao",
                         "--year", "2025", "--today", "2024-12-02")
    assert code == 0, out + err
    source = load_plan(tree / "plans" / "kh-lam-dong-2024-dak-nong-du-thao.yaml")
    plan = load_plan(tree / "plans" / "kh-lam-dong-2025-du-thao.yaml")  # a draft takes its plan's year
    assert "Đã ghi plans/kh-lam-dong-2025-du-thao.yaml" in out
    assert plan["period"] == {"from": "2025-01-01", "to": "2025-12-31", "label": "năm 2025"}
    assert plan["status"] == "draft" and plan["draft_month"] == {"month": 12, "year": 2024}
    assert "number" not in plan and "date" not in plan and plan["signature"] == {"authority": ["KT. GIÁM ĐỐC"]}
    assert plan["title"] == source["title"].replace("2024", "2025")
    assert [t["period"] for t in plan["targets"] if "period" in t][1] == {"from": "2025-01-01", "to": "2025-10-30"}
    deadlines = [r.get("deadline", "") for a in plan["appendices"] for r in a["rows"]]
    assert "Trước 30/10/2025" in deadlines and not any("2024" in d for d in deadlines)
    assert plan["legal_bases"] == source["legal_bases"]  # citations are references: never moved
    text = str(plan)
    assert "148/QĐ-TTg ngày 24 tháng 02 năm 2023" in text
    assert "Còn " in out and "năm 2023 (trích dẫn)" in out  # every old year left is printed, with its place
    assert "kh-lam-dong-2025-du-thao.yaml:" in out
    code, _, err = run(capsys, "--root", str(tree), "validate")
    assert code == 0
    code, _, err = run(capsys, "--root", str(tree), "plan", "new", "--from", "kh-lam-dong-2024-dak-nong-du-thao",
                       "--year", "2025")
    assert code == 2 and "đã có" in err  # never overwrites


def test_old_years_left_are_listed_and_flagged(tree: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "--root", str(tree), "plan", "new", "--from", "kh-ha-noi-2021-146", "--year", "2022",
                       "--today", "2021-12-01")
    assert code == 0
    plan = load_plan(tree / "plans" / "kh-ha-noi-2022-du-thao.yaml")
    assert "source_years" not in plan  # the source's allowance is the officer's to decide again
    assert "năm 2019 (cần xem lại)" in out and "năm 2018 (trích dẫn)" in out
    assert out.count("cảnh báo[PLAN-STALE-YEAR]") == 4
    assert "giai đoạn 2021-2025" in str(plan)  # the programme phase holding the year stays


def test_unknown_source_and_bad_year_are_usage_errors(tree: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(capsys, "--root", str(tree), "plan", "new", "--from", "kh-khong-co-2020-1", "--year", "2025")[0] == 2
    assert run(capsys, "--root", str(tree), "plan", "new", "--from", "kh-ha-noi-2021-146", "--year", "25")[0] == 2


def test_shifting_moves_own_years_only() -> None:
    old = range(2023, 2026)
    assert shift_text("giai đoạn 2023-2025; Quyết định 919/QĐ-TTg năm 2022; trước 15/6/2024", old, 3) == \
        "giai đoạn 2026-2028; Quyết định 919/QĐ-TTg năm 2022; trước 15/6/2027"
    assert shift_text("giai đoạn 2021-2025", range(2021, 2022), 1) == "giai đoạn 2021-2025"  # reaches outside
    assert shift_date("2024-02-29", 1) == "2025-02-28"
    assert [m.year for m in mentions(shift_text("năm 2024", range(2024, 2025), 2))] == [2026]


def test_a_phase_plan_moves_whole_and_a_merged_issuer_is_pointed_out(tree: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "--root", str(tree), "plan", "new", "--from", "kh-hai-phong-2023-hai-duong-1366",
                       "--year", "2026", "--today", "2026-11-30")
    assert code == 0
    plan = load_plan(tree / "plans" / "kh-hai-phong-2026-du-thao.yaml")
    assert plan["period"]["label"] == "giai đoạn 2026-2028"
    annual = next(t for t in plan["targets"] if t["id"] == "annual-3-star")
    assert annual["period"] == {"from": "2026-01-01", "to": "2028-12-31"} and annual["group"] == "Hằng năm"
    assert {t.get("group") for t in plan["targets"]} >= {"Đến năm 2028"}  # a group named by its year moves too
    assert "Tỉnh Hải Dương đã sáp nhập vào Thành phố Hải Phòng" in out
    code, out, _ = run(capsys, "--root", str(tree), "plan", "new", "--from", "kh-lam-dong-2024-dak-nong-du-thao",
                       "--year", "2025")
    assert code == 0 and "sáp nhập" not in out  # a 2025 plan is still the old province's
