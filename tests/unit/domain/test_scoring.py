"""Scoring: the criteria data, the 1048-01 sheet against the reference CSV, rounding, bands, mandatory
criteria, and `ocop score` end to end."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ocop.domain import scoring
from ocop_testing import FIXTURES, REPO, run_cli, validate_json

RULES = FIXTURES / "rules" / "valid"
CSV = FIXTURES / "reference" / "score-sheet-1048-set01-fresh-produce.csv"
EVAL_1048 = RULES / "registry/hai-phong/evaluations/2021/dg-hai-phong-2021-0001.yaml"


def sheet_1048_01() -> scoring.Sheet:
    sheet = scoring.criteria_sets()["1048/2019"].product_sets["1048-01"].sheet
    assert sheet is not None
    return sheet


def test_criteria_sets_are_dated_and_have_the_part_maxima() -> None:
    sets = scoring.criteria_sets()
    assert sets["1048/2019"].parts == {"A": 35, "B": 25, "C": 40}
    assert sets["148/2023"].parts == {"A": 40, "B": 25, "C": 35}
    assert scoring.set_in_force("2023-02-23").id == "1048/2019"
    assert scoring.set_in_force("2023-02-24").id == "148/2023"
    assert scoring.set_in_force("2019-01-01") is None
    assert set(sets["148/2023"].product_sets) >= {"148-thuc-pham", "148-do-uong", "148-duoc-lieu",
                                                 "148-thu-cong-my-nghe", "148-sinh-vat-canh", "148-du-lich"}


def test_1048_01_sheet_maxima_sum_to_35_25_40() -> None:
    maxima: dict[str, Decimal] = {}
    for criterion in sheet_1048_01().criteria.values():
        maxima[criterion.part] = maxima.get(criterion.part, Decimal(0)) + criterion.max
    assert maxima == {"A": 35, "B": 25, "C": 40}
    assert list(sheet_1048_01().criteria)[:2] == ["A01", "A02"] and len(sheet_1048_01().criteria) == 31


def test_1048_01_sheet_encodes_the_whole_reference_csv() -> None:
    rows = list(csv.DictReader(CSV.open(encoding="utf-8")))
    encoded = [(c.part, c.group, c.name, o.no, o.text, o.points)
               for c in sheet_1048_01().criteria.values() for o in c.options.values()]
    expected = [(r["part"], r["criteria_group"], r["criterion"], int(r["option"]), r["option_text"],
                 Decimal(r["points"])) for r in rows]
    assert encoded == expected


@pytest.mark.parametrize(("total", "star"), [("100", 5), ("90", 5), ("89.99", 4), ("70", 4), ("69.99", 3),
                                             ("50", 3), ("49.99", 2), ("30", 2), ("29.99", 1), ("0", 1)])
def test_star_bands(total: str, star: int) -> None:
    for cset in scoring.criteria_sets().values():
        assert cset.band(Decimal(total)) == star


def parts_eval(*members: tuple[float, float, float], **extra) -> dict:
    return {"criteria_set": "148/2023", "product_set": "148-thuc-pham",
            "members": [{"parts": {"A": a, "B": b, "C": c}} for a, b, c in members], **extra}


def test_total_is_the_members_average_rounded_half_away_from_zero() -> None:
    # 64.125 would round to 64.12 with banker's rounding or binary floats; the rule gives 64.13.
    result = scoring.score(parts_eval((26, 15, 23.125), (26, 15, 23.125)))
    assert result.total == Decimal("64.13")
    result = scoring.score(parts_eval((26, 15, 23), (25, 16, 24), (25, 16, 23)))  # 193 / 3 = 64.333…
    assert result.total == Decimal("64.33") and result.star == 3
    assert result.parts == {"A": Decimal("25.33"), "B": Decimal("15.67"), "C": Decimal("23.33")}


def test_full_sheet_evaluation_scores_per_criterion() -> None:
    from ocop.load import parse_yaml

    result = scoring.score(parse_yaml(EVAL_1048.read_text("utf-8")))
    assert result.problems == [] and result.total == Decimal("70.33") and result.star == 4
    first = result.criteria[0]
    assert (first.part, first.name, first.points, first.max) == ("A", "Nguồn nguyên liệu", 3, 3)
    assert sum(c.max for c in result.criteria) == 100


def test_mandatory_criterion_lowers_the_star() -> None:
    result = scoring.score(parts_eval((37, 23, 32), failed_mandatory=["A03"]))
    assert (result.band, result.star, result.failed_mandatory) == (5, 2, ["A03"])


def test_mandatory_from_a_sheet_criterion(tmp_path: Path) -> None:
    """A province adds a 148 sheet as a data file: no code change, and mandatory_for_star applies."""
    data = tmp_path / "criteria"
    (data / "sheets").mkdir(parents=True)
    for name in ("1048-2019.yaml", "148-2023.yaml"):
        (data / name).write_text((scoring.DATA / name).read_text("utf-8"), "utf-8")
    (data / "sheets" / "148-99-thu.yaml").write_text(
        'criteria_set: "148/2023"\nproduct_set: 148-99\nname: Thử\ncriteria:\n'
        "  - {id: A01, part: A, group: G, name: Bắt buộc cho 4 sao, mandatory_for_star: 4,\n"
        "     options: [{no: 1, points: 0, text: Không}, {no: 2, points: 40, text: Có}]}\n"
        "  - {id: B01, part: B, group: G, name: Tiếp thị, options: [{no: 1, points: 25, text: Đủ}]}\n"
        "  - {id: C01, part: C, group: G, name: Chất lượng, options: [{no: 1, points: 35, text: Đủ}]}\n", "utf-8")
    sets = scoring.criteria_sets(data)
    sheet = sets["148/2023"].product_sets["148-99"].sheet
    assert sheet is not None and sheet.criteria["A01"].mandatory_for_star == 4
    assert "148-thuc-pham" in sets["148/2023"].product_sets


def test_forged_star_five_on_a_72_point_evaluation(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "tree"
    shutil.copytree(RULES, root)
    evaluation = root / "registry/hai-phong/evaluations/2024/dg-hai-phong-2024-0002.yaml"
    evaluation.write_text(evaluation.read_text("utf-8")
                          .replace("{A: 30, B: 20, C: 26}", "{A: 28, B: 18, C: 26}")
                          .replace("{A: 29.5, B: 19, C: 26}", "{A: 28, B: 18, C: 26}")
                          .replace("total: 75.25", "total: 72"), "utf-8")
    for rel in ("registry/hai-phong/certificates/2024/cn-hai-phong-2024-0002.yaml",
                "registry/hai-phong/decisions/2024/qd-hai-phong-2024-002.yaml"):
        path = root / rel
        path.write_text(path.read_text("utf-8").replace("star: 4", "star: 5").replace("score: 75.25", "score: 72"),
                        "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    forged = [f for f in findings if f["rule"] == "CERT-STAR"]
    assert code == 1 and len(forged) == 1
    assert forged[0]["file"].endswith("cn-hai-phong-2024-0002.yaml") and forged[0]["line"] == 6
    assert "72" in forged[0]["message"] and forged[0]["related"][0]["file"].endswith("dg-hai-phong-2024-0002.yaml")


def test_province_may_certify_4_stars_for_a_5_star_score() -> None:
    from ocop.check.rules.scoring import CENTRAL_PENDING

    assert CENTRAL_PENDING == (5, 4)


def test_ocop_score_json(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, "score", str(EVAL_1048), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert list(data) == ["total", "star", "criteria_set", "parts", "criteria", "failed_mandatory"]
    assert data["total"] == 70.33 and data["star"] == 4 and data["criteria_set"] == "1048/2019"
    assert data["parts"] == {"A": 26.67, "B": 16.33, "C": 27.33}
    assert data["criteria"][0] == {"part": "A", "criterion": "Nguồn nguyên liệu", "points": 3.0, "max": 3.0}
    assert len(data["criteria"]) == 31 and data["failed_mandatory"] == []


def test_ocop_score_text_and_mandatory(capsys: pytest.CaptureFixture) -> None:
    path = RULES / "registry/hai-phong/evaluations/2025/dg-hai-phong-2025-0001.yaml"
    code, out, _ = run_cli(capsys, "score", str(path))
    assert code == 0 and "Tổng điểm: 80" in out and "Hạng: 2★" in out and "A03" in out
    code, out, _ = run_cli(capsys, "score", str(path), "--format", "json")
    assert json.loads(out)["failed_mandatory"] == ["A03"] and json.loads(out)["star"] == 2


def test_ocop_score_reports_problems_with_positions(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    bad = tmp_path / "dg.yaml"
    bad.write_text(EVAL_1048.read_text("utf-8").replace("A01: 3, A02: 3, A03: 3, A04: 2, A05: 4, A06: 2,",
                                                        "A01: 9, A02: 3, A03: 3, A04: 2, A05: 4, A06: 2,"), "utf-8")
    code, _, err = run_cli(capsys, "score", str(bad))
    assert code == 1 and ":14:12: error[SCORE-OPTION]" in err
    code, _, err = run_cli(capsys, "score", str(tmp_path / "missing.yaml"))
    assert code == 2


def test_shipped_sample_evaluations_reproduce(capsys: pytest.CaptureFixture) -> None:
    """Every shipped evaluation that declares a total is reproduced by `ocop score`."""
    from ocop.load import parse_yaml

    for path in sorted((REPO / "registry").glob("*/evaluations/*/*.yaml")):
        data = parse_yaml(path.read_text("utf-8"))
        if "total" not in data:
            continue
        code, out, err = run_cli(capsys, "score", str(path), "--format", "json")
        assert code == 0, (path, err)
        assert Decimal(str(json.loads(out)["total"])) == Decimal(str(data["total"])), path
