"""OCOP scoring as dated data: criteria sets, product-set score sheets, member averages and star bands.

Criteria sets live in data/criteria/<id>.yaml; score sheets in data/criteria/sheets/*.yaml are
discovered by file, so a province can add a sheet without touching code.

Rounding rule: each member's total is the exact sum of their points; the evaluation total is the
average of the members' totals rounded half away from zero to two decimals (Decimal arithmetic,
never binary floats). Per-part and per-criterion averages are rounded the same way for display.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ocop.domain import DATA_DIR
from ocop.load import parse_yaml
from ocop.model.registry import as_list

DATA = DATA_DIR / "criteria"
CENT = Decimal("0.01")
PARTS = ("A", "B", "C")


def dec(value: Any) -> Decimal:
    """A number from YAML as Decimal, via its shortest text form (0.1 stays 0.1)."""
    return Decimal(str(value))


def round2(value: Decimal) -> Decimal:
    """Round half away from zero to two decimals (ROUND_HALF_UP is away from zero for Decimal)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Option:
    no: int
    points: Decimal
    text: str


@dataclass(frozen=True)
class Criterion:
    id: str
    part: str
    group: str
    name: str
    options: dict[int, Option]
    mandatory_for_star: int | None = None
    pass_points: Decimal | None = None  # failing a mandatory criterion: average points below this

    @property
    def max(self) -> Decimal:
        return max(o.points for o in self.options.values())

    def pass_threshold(self) -> Decimal:
        """Default: the lowest option fails, anything above it passes."""
        if self.pass_points is not None:
            return self.pass_points
        points = sorted({o.points for o in self.options.values()})
        return points[1] if len(points) > 1 else points[0]


@dataclass(frozen=True)
class Sheet:
    criteria_set: str
    product_set: str
    name: str
    criteria: dict[str, Criterion]
    path: str


@dataclass(frozen=True)
class ProductSet:
    id: str
    name: str
    group: str
    sheet: Sheet | None = None


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    name: str
    instrument: str
    effective_from: str | None
    effective_to: str | None
    parts: dict[str, Decimal]
    part_names: dict[str, str]
    bands: tuple[tuple[Decimal, int], ...]  # (minimum total, star), highest first
    mandatory_criteria: bool
    mandatory_default_star: int | None
    product_sets: dict[str, ProductSet] = field(default_factory=dict)

    def in_force(self, date: str) -> bool:
        return (self.effective_from is None or date >= self.effective_from) and (
            self.effective_to is None or date <= self.effective_to)

    def band(self, total: Decimal) -> int:
        return next((star for minimum, star in self.bands if total >= minimum), 1)

    def period_vi(self) -> str:
        start = self.effective_from or "…"
        end = self.effective_to or "nay"
        return f"{start} – {end}"


def _read(path: Path) -> Any:
    """Data files use the registry's strict YAML (no YAML 1.1 surprises: `no:` stays a key)."""
    return parse_yaml(path.read_text("utf-8"))


def _sheet(path: Path) -> Sheet:
    data = _read(path)
    criteria = {}
    for c in data["criteria"]:
        options = {int(o["no"]): Option(int(o["no"]), dec(o["points"]), str(o.get("text", ""))) for o in c["options"]}
        pass_points = dec(c["pass_points"]) if c.get("pass_points") is not None else None
        criteria[c["id"]] = Criterion(c["id"], c["part"], str(c.get("group", "")), c["name"], options,
                                      c.get("mandatory_for_star"), pass_points)
    return Sheet(str(data["criteria_set"]), str(data["product_set"]), str(data.get("name", "")), criteria,
                 path.name)


def _criteria_set(data: dict, sheets: list[Sheet]) -> CriteriaSet:
    parts = {k: dec(v["max"]) for k, v in data["parts"].items()}
    names = {k: str(v.get("name", "")) for k, v in data["parts"].items()}
    bands = tuple(sorted(((dec(b["min"]), int(b["star"])) for b in data["stars"]), reverse=True))
    by_set = {s.product_set: s for s in sheets if s.criteria_set == data["id"]}
    product_sets = {p["id"]: ProductSet(p["id"], p["name"], str(p.get("group", "")), by_set.pop(p["id"], None))
                    for p in data.get("product_sets") or []}
    for sheet in by_set.values():  # a sheet file alone declares a product set
        product_sets[sheet.product_set] = ProductSet(sheet.product_set, sheet.name, "", sheet)
    return CriteriaSet(str(data["id"]), str(data.get("name", "")), str(data.get("instrument", "")),
                       data.get("effective_from"), data.get("effective_to"), parts, names, bands,
                       bool(data.get("mandatory_criteria")), data.get("mandatory_default_star"), product_sets)


@functools.cache
def criteria_sets(data_dir: Path = DATA) -> dict[str, CriteriaSet]:
    """Every criteria set with its product sets and sheets, read once per process."""
    sheets = [_sheet(p) for p in sorted((data_dir / "sheets").glob("*.yaml"))]
    sets = [_criteria_set(_read(p), sheets) for p in sorted(data_dir.glob("*.yaml"))]
    return {s.id: s for s in sets}


def set_in_force(date: str) -> CriteriaSet | None:
    return next((s for s in criteria_sets().values() if s.in_force(date)), None)


@dataclass(frozen=True)
class Problem:
    """Something in an evaluation the sheet cannot score; checks turn it into a finding."""

    code: str  # rule id
    keypath: tuple
    message: str
    hint: str = ""


@dataclass
class CriterionScore:
    id: str
    part: str
    name: str
    points: Decimal
    max: Decimal


@dataclass
class Score:
    criteria_set: str
    product_set: str
    total: Decimal
    band: int
    star: int
    parts: dict[str, Decimal]
    criteria: list[CriterionScore]
    failed_mandatory: list[str]
    problems: list[Problem]

    def to_json(self) -> dict:
        return {
            "total": float(self.total),
            "star": self.star,
            "criteria_set": self.criteria_set,
            "parts": {k: float(v) for k, v in self.parts.items()},
            "criteria": [{"part": c.part, "criterion": c.name, "points": float(c.points), "max": float(c.max)}
                         for c in self.criteria],
            "failed_mandatory": list(self.failed_mandatory),
        }


def score(evaluation: dict) -> Score | None:
    """Recompute an evaluation. None when its criteria set or product set is unknown (see problems())."""
    cset = criteria_sets().get(str(evaluation.get("criteria_set")))
    if cset is None:
        return None
    pset = cset.product_sets.get(str(evaluation.get("product_set")))
    members = [m for m in as_list(evaluation.get("members")) if isinstance(m, dict)]
    problems: list[Problem] = []
    if pset is None:
        problems.append(Problem("SCORE-PRODUCT-SET", ("product_set",),
                                f"Bộ sản phẩm «{evaluation.get('product_set')}» không có trong bộ tiêu chí {cset.id}.",
                                f"Dùng một mã có trong dữ liệu bộ tiêu chí: {', '.join(sorted(cset.product_sets))}."))
    totals: list[Decimal] = []
    part_sums = {p: Decimal(0) for p in cset.parts}
    per_criterion: dict[str, list[Decimal]] = {}
    for i, member in enumerate(members):
        if isinstance(member.get("choices"), dict):
            points = _member_choices(cset, pset, member["choices"], i, problems, per_criterion)
        else:
            parts = member.get("parts")
            points = _member_parts(cset, parts if isinstance(parts, dict) else {}, i, problems)
        for part, value in points.items():
            part_sums[part] += value
        totals.append(sum(points.values(), Decimal(0)))
    n = len(totals) or 1
    total = round2(sum(totals, Decimal(0)) / n)
    parts = {p: round2(v / n) for p, v in part_sums.items()}
    criteria = _criterion_scores(pset, per_criterion)
    failed = _failed_mandatory(cset, pset, evaluation, criteria, problems)
    band = cset.band(total)
    star = _lowered(band, failed)
    return Score(cset.id, str(evaluation.get("product_set")), total, band, star, parts, criteria,
                 [f for f, _ in failed], problems)


def _member_choices(cset: CriteriaSet, pset: ProductSet | None, choices: dict, i: int,
                    problems: list[Problem], per_criterion: dict[str, list[Decimal]]) -> dict[str, Decimal]:
    points = {p: Decimal(0) for p in cset.parts}
    if pset is None:
        return points
    if pset.sheet is None:
        problems.append(Problem("SCORE-PRODUCT-SET", ("members", i, "choices"),
                                f"Bộ sản phẩm «{pset.id}» chưa có phiếu chấm theo tiêu chí.",
                                "Ghi điểm theo phần (parts: {A, B, C}) hoặc thêm phiếu chấm vào dữ liệu bộ tiêu chí."))
        return points
    for cid, option_no in choices.items():
        criterion = pset.sheet.criteria.get(cid)
        if criterion is None:
            problems.append(Problem("SCORE-OPTION", ("members", i, "choices", cid),
                                    f"Phiếu chấm «{pset.id}» không có tiêu chí {cid}.",
                                    f"Dùng mã tiêu chí trong phiếu chấm ({_id_range(pset.sheet)})."))
            continue
        option = criterion.options.get(option_no) if isinstance(option_no, int) else None
        if option is None:
            problems.append(Problem("SCORE-OPTION", ("members", i, "choices", cid),
                                    f"Tiêu chí {cid} «{criterion.name}» không có phương án {option_no}.",
                                    f"Chọn một phương án từ 1 đến {max(criterion.options)}."))
            continue
        points[criterion.part] += option.points
        per_criterion.setdefault(cid, []).append(option.points)
    missing = [cid for cid in pset.sheet.criteria if cid not in choices]
    if missing:
        problems.append(Problem("SCORE-OPTION", ("members", i, "choices"),
                                f"Thành viên thứ {i + 1} chưa chọn phương án cho tiêu chí {', '.join(missing)}.",
                                "Mỗi thành viên chọn đúng một phương án cho mọi tiêu chí của phiếu chấm."))
    return points


def _id_range(sheet: Sheet) -> str:
    ids = list(sheet.criteria)
    return f"{ids[0]}…{ids[-1]}" if ids else "trống"


def _member_parts(cset: CriteriaSet, parts: dict, i: int, problems: list[Problem]) -> dict[str, Decimal]:
    points = {}
    for part, maximum in cset.parts.items():
        value = parts.get(part)
        if not isinstance(value, int | float) or isinstance(value, bool):
            points[part] = Decimal(0)
            continue
        points[part] = dec(value)
        if points[part] > maximum:
            problems.append(Problem("SCORE-PART-MAX", ("members", i, "parts", part),
                                    f"Điểm phần {part} là {value}, vượt điểm tối đa {maximum} của bộ tiêu chí {cset.id}.",
                                    f"Sửa điểm phần {part} (0–{maximum}); kiểm tra lại bộ tiêu chí của phiếu."))
    return points


def _criterion_scores(pset: ProductSet | None, per_criterion: dict[str, list[Decimal]]) -> list[CriterionScore]:
    if pset is None or pset.sheet is None:
        return []
    out = []
    for cid, criterion in pset.sheet.criteria.items():
        values = per_criterion.get(cid)
        if values:
            out.append(CriterionScore(cid, criterion.part, criterion.name,
                                      round2(sum(values, Decimal(0)) / len(values)), criterion.max))
    return out


def _failed_mandatory(cset: CriteriaSet, pset: ProductSet | None, evaluation: dict,
                      criteria: list[CriterionScore], problems: list[Problem]) -> list[tuple[str, int]]:
    """(criterion id, lowest star it is mandatory for) for every failed mandatory criterion."""
    sheet = pset.sheet if pset else None
    failed: dict[str, int] = {}
    for c in criteria:
        criterion = sheet.criteria[c.id] if sheet else None
        if criterion and criterion.mandatory_for_star and c.points < criterion.pass_threshold():
            failed[c.id] = criterion.mandatory_for_star
    declared = as_list(evaluation.get("failed_mandatory"))
    for j, cid in enumerate(declared):
        star = _declared_star(cset, sheet, cid)
        if star is None:
            problems.append(Problem("SCORE-MANDATORY", ("failed_mandatory", j), _mandatory_message(cset, sheet, cid),
                                    "Chỉ ghi mã tiêu chí bắt buộc của bộ tiêu chí 148/2023 (phiếu chấm ghi mandatory_for_star)."))
            continue
        failed.setdefault(cid, star)
    return sorted(failed.items())


def _declared_star(cset: CriteriaSet, sheet: Sheet | None, cid: str) -> int | None:
    if not cset.mandatory_criteria:
        return None
    if sheet is None:
        return cset.mandatory_default_star
    criterion = sheet.criteria.get(cid)
    return criterion.mandatory_for_star if criterion else None


def _mandatory_message(cset: CriteriaSet, sheet: Sheet | None, cid: str) -> str:
    if not cset.mandatory_criteria:
        return f"Bộ tiêu chí {cset.id} không có tiêu chí bắt buộc, nhưng phiếu ghi failed_mandatory: {cid}."
    if sheet is not None and cid not in sheet.criteria:
        return f"Phiếu chấm «{sheet.product_set}» không có tiêu chí {cid}."
    return f"Tiêu chí {cid} không phải tiêu chí bắt buộc trong phiếu chấm «{sheet.product_set if sheet else ''}»."


def _lowered(band: int, failed: list[tuple[str, int]]) -> int:
    """A failed criterion mandatory from star m caps the star at m − 1."""
    star = band
    for _cid, minimum in failed:
        if star >= minimum:
            star = minimum - 1
    return max(star, 1)
