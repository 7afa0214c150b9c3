"""`ocop report`: every figure of the periodic BÁO CÁO equals a query of the records for the same window.

The expected figures are recomputed here straight from the records' data (dates, entries, supersedes,
revocations, addresses), with their own date arithmetic; only the administrative-unit tables
(`model.units`: where a ward is now) are shared with the code under test.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from pathlib import Path

import docx
import pytest

from ocop.check.pipeline import load_registry
from ocop.model import labels, units
from ocop.model.registry import Registry
from ocop.publish.documents import periodic, periodic_document

REPO = Path(__file__).resolve().parents[4]
TODAY = dt.date(2026, 11, 30)
PERIODS = ["2025", "2024-H1", "2024-H2", "2026-H1", "2026", "2023-06-01..2024-06-30", "2019"]
SCOPES = ["ha-noi", "hai-phong", "ninh-binh", "lam-dong", "dong-thap", "all"]
KINDS = ("new", "re_recognition", "upgrade", "revocation", "expiration", "expiring")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(REPO, use_cache=False)[0]


# --- the figures, from the records --------------------------------------------------------------

def _plus_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Records:
    """The registry as plain dicts, and the facts of one certificate worked out from them."""

    def __init__(self, registry: Registry) -> None:
        def rows(kind: str) -> list[dict]:
            return [r.data for r in registry.all(kind)]
        self.products = {p["id"]: p for p in rows("product")}
        self.decisions = {d["id"]: d for d in rows("decision")}
        self.certificates = {c["id"]: c for c in rows("certificate")}
        self.evaluations = rows("evaluation")
        self.provinces = {p["code"]: p["slug"] for p in registry.provinces}

    def province(self, product_id: str) -> str | None:
        address = self.products[product_id]["address"]
        unit = address.get("ward") or address.get("district") or address["province"]
        return self.provinces.get(units.rolls_up_to(unit))

    def start(self, cert: dict) -> dt.date:
        return dt.date.fromisoformat(cert.get("valid_from") or self.decisions[cert["decision"]]["date"])

    def last_day(self, cert: dict) -> dt.date:
        return dt.date.fromisoformat(cert["valid_to"]) if cert.get("valid_to") else _plus_months(self.start(cert), 36)

    def revoked_by(self, cert: dict, day: dt.date) -> bool:
        return any(d["type"] == "revocation" and dt.date.fromisoformat(d["date"]) <= day
                   and any(e["certificate"] == cert["id"] for e in d["entries"]) for d in self.decisions.values())

    def replaced_by(self, cert: dict, day: dt.date) -> bool:
        return any(c.get("supersedes") == cert["id"] and c["id"] != cert["id"] and self.start(c) <= day
                   for c in self.certificates.values())

    def in_force(self, cert: dict, day: dt.date) -> bool:
        return (not self.revoked_by(cert, day) and not self.replaced_by(cert, day)
                and day <= self.last_day(cert))

    def commune(self, product_id: str) -> str:
        ward = self.products[product_id]["address"].get("ward")
        if ward is None:
            return "Không ghi xã, phường"
        if ward["version"] == "2025":
            return units.lookup("ward", ward["code"], "2025").name
        now = [u.name for u in units.successors(ward["code"])]
        old = units.lookup("ward", ward["code"], "2004").name
        return now[0] if len(now) == 1 else f"{old} cũ (nay thuộc {' hoặc '.join(now)})"


def expected(records: Records, scope: str, start: str, end: str) -> dict[str, float]:
    inside = {pid: prov for pid in records.products if (prov := records.province(pid)) and scope in ("all", prov)}
    events: list[tuple[str, str, object]] = []  # (kind, product, detail)
    for d in records.decisions.values():
        if not start <= d["date"] <= end:
            continue
        for e in d["entries"]:
            if e["product"] in inside:
                kind = "revocation" if d["type"] == "revocation" else e.get("action", "new")
                events.append((kind, e["product"], labels.GROUNDS.get(e.get("grounds"), "") or e.get("star")))
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    held: dict[str, int] = {}
    for c in records.certificates.values():
        if c["product"] not in inside:
            continue
        lapse = records.last_day(c) + dt.timedelta(days=1)
        if first <= lapse <= last and not records.revoked_by(c, lapse) and not records.replaced_by(c, lapse):
            events.append(("expiration", c["product"], None))
        if records.start(c) <= last and records.in_force(c, last):
            held[c["product"]] = max(held.get(c["product"], 0), c["star"])
            if last < records.last_day(c) <= _plus_months(last, 6):
                events.append(("expiring", c["product"], None))
    evaluations = [e for e in records.evaluations if e["product"] in inside and start <= e["date"] <= end]
    out: dict[str, float] = {k: sum(kind == k for kind, _, _ in events) for k in KINDS}
    new = [(p, star) for kind, p, star in events if kind == "new"]
    for star in (3, 4, 5):
        out[f"new.star.{star}"] = sum(s == star for _, s in new)
    for p, _ in new:
        group = labels.GROUPS[records.products[p]["classification"]["group"]]
        out[f"new.group.{group}"] = out.get(f"new.group.{group}", 0) + 1
        out[f"new.commune.{records.commune(p)}"] = out.get(f"new.commune.{records.commune(p)}", 0) + 1
    for kind, _, grounds in events:
        if kind == "revocation":
            out[f"revocation.grounds.{grounds}"] = out.get(f"revocation.grounds.{grounds}", 0) + 1
    out["evaluations"] = len(evaluations)
    out["evaluations.average"] = round(sum(e["total"] for e in evaluations) / len(evaluations), 2) if evaluations else 0
    out["in_force"] = len(held)
    for star in (3, 4, 5):
        out[f"in_force.star.{star}"] = sum(s == star for s in held.values())
    out["producers_in_force"] = len({records.products[p]["producer"] for p in held})
    if scope == "all":
        by_province = Counter()
        for kind, p, _ in events:
            by_province[(inside[p], kind)] += 1
        for e in evaluations:
            by_province[(inside[e["product"]], "evaluations")] += 1
        for p in held:
            by_province[(inside[p], "in_force")] += 1
        for province in {prov for prov, _ in by_province}:
            for key in (*KINDS, "evaluations", "in_force"):
                out[f"province.{province}.{key}"] = by_province[(province, key)]
    return out


@pytest.mark.parametrize("period", PERIODS)
def test_every_figure_equals_a_query_of_the_records(registry: Registry, period: str) -> None:
    records = Records(registry)
    window = periodic.parse_period(period)
    end = min(window.end, TODAY.isoformat())
    for slug in SCOPES:
        scope = periodic.scope_of(registry, slug)[0]
        figures = periodic.compute(registry, scope, window, TODAY)
        assert figures.counts() == expected(records, slug, window.start, end), (period, slug)


def test_known_figures_of_the_sample_registry(registry: Registry) -> None:
    """Anchors counted by hand from the sample records, so both computations cannot be wrong together."""
    def counts(slug: str, period: str) -> dict[str, float]:
        return periodic.compute(registry, periodic.scope_of(registry, slug)[0], periodic.parse_period(period),
                                TODAY).counts()

    hai_phong = counts("hai-phong", "2025")  # qd-hai-phong-2025-001: two new (3★, 4★), one upgrade
    assert (hai_phong["new"], hai_phong["new.star.3"], hai_phong["new.star.4"], hai_phong["upgrade"]) == (2, 1, 1, 1)
    assert hai_phong["expiration"] == 1  # cn-hai-phong-2022-0001 ended 15/3/2025, never renewed
    assert hai_phong["evaluations"] == 1 and hai_phong["evaluations.average"] == 71.5
    lam_dong = counts("lam-dong", "2026-H1")  # qd-lam-dong-2026-001 revokes two certificates
    assert lam_dong["revocation"] == 2
    assert lam_dong["revocation.grounds.Không đạt tiêu chí bắt buộc"] == 1
    assert lam_dong["revocation.grounds.Không đánh giá lại đúng hạn"] == 1
    assert counts("ha-noi", "2024")["revocation"] == 1
    country = counts("all", "2025")
    assert country["new"] == sum(country[f"province.{s}.new"] for s in SCOPES[:-1]) == 5


def test_legacy_records_count_for_their_successor(registry: Registry) -> None:
    """A 2020 decision of UBND tỉnh Hải Dương counts for Hải Phòng, in the province and the national report."""
    scope, note = periodic.scope_of(registry, "hai-duong")
    assert scope.slug == "hai-phong" and "Hải Dương" in note and "Hải Phòng" in note
    figures = periodic.compute(registry, scope, periodic.parse_period("2020"), TODAY)
    assert [e.product for e in figures.of("new")] == ["sp-hai-phong-0003", "sp-hai-phong-0005", "sp-hai-phong-0006"]
    country = periodic.compute(registry, periodic.scope_of(registry, "all")[0], periodic.parse_period("2020"), TODAY)
    assert "hai-duong" not in country.provinces() and country.province_row("hai-phong")["new"] == 3
    with pytest.raises(KeyError):
        periodic.scope_of(registry, "khong-co-tinh-nay")


@pytest.mark.parametrize("text", ["2026-H3", "26", "2026-02-30..2026-03-01", "2026-06-30..2026-01-01", "H1-2026", ""])
def test_periods_that_do_not_parse(text: str) -> None:
    with pytest.raises(periodic.PeriodError):
        periodic.parse_period(text)


def test_period_forms() -> None:
    assert periodic.parse_period("2026-h1") == periodic.Period("2026-01-01", "2026-06-30", "6 tháng đầu năm 2026",
                                                                "2026-h1")
    assert periodic.parse_period("2026-H2").start == "2026-07-01"
    assert periodic.parse_period("2025").label == "năm 2025"
    assert periodic.parse_period("2026-01-01..2026-03-31").label == "từ ngày 01/01/2026 đến ngày 31/3/2026"


# --- the document ---------------------------------------------------------------------------------

def _table_rows(table) -> list[list[str]]:
    return [[" ".join(cell.text.split()) for cell in row.cells] for row in table.rows]


def _grouped(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    """Rows of an appendix table under each heading row ('I', 'II', …)."""
    out: dict[str, list[list[str]]] = {}
    current = ""
    for row in rows[1:]:
        if row[0] and not row[0].isdigit():
            current = row[1]
            out[current] = []
        elif current:
            out[current].append(row)
    return out


@pytest.fixture(scope="module")
def hai_phong_docx(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, periodic.Figures]:
    figures = periodic.compute(registry, periodic.scope_of(registry, "hai-phong")[0], periodic.parse_period("2025"),
                               TODAY)
    out = tmp_path_factory.mktemp("report")
    return periodic_document.write(figures, out, ("docx",), TODAY)[0], figures


def test_document_is_issued_by_the_current_body_with_every_figure(registry: Registry, hai_phong_docx) -> None:
    path, _ = hai_phong_docx
    document = docx.Document(str(path))
    header = _table_rows(document.tables[0])
    assert header[0][0] == "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" and "HẢI DƯƠNG" not in header[0][0]
    assert header[1] == ["Số: /BC-UBND", "Hải Phòng, ngày tháng 11 năm 2026"]
    assert [p.text for p in document.paragraphs if p.style.name == "OCOP Title"] == ["BÁO CÁO"]
    want = expected(Records(registry), "hai-phong", "2025-01-01", "2025-12-31")
    summary = _grouped(_table_rows(document.tables[2]))
    shown = {row[1]: row[2] for row in summary["Kết quả năm 2025"]}
    assert shown == {"Công nhận mới": str(want["new"]), "Công nhận lại": str(want["re_recognition"]),
                     "Nâng hạng": str(want["upgrade"]), "Thu hồi": str(want["revocation"]),
                     "Hết hạn": str(want["expiration"]), "Giấy chứng nhận sắp hết hạn": str(want["expiring"])}
    assert {row[1]: row[2] for row in summary["Công nhận mới theo hạng sao"]} == \
        {f"{s} sao": str(want[f"new.star.{s}"]) for s in (3, 4, 5)}
    groups = {row[1]: int(row[2]) for row in summary["Công nhận mới theo nhóm sản phẩm"] if row[2] != "0"}
    assert groups == {k.split(".", 2)[2]: v for k, v in want.items() if k.startswith("new.group.")}
    communes = {row[1]: int(row[2]) for row in summary["Công nhận mới theo xã, phường (đơn vị hành chính hiện nay)"]}
    assert communes == {k.split(".", 2)[2]: v for k, v in want.items() if k.startswith("new.commune.")}
    assert {row[1]: row[2] for row in summary["Lũy kế đến ngày 31/12/2025"]} == {
        "Sản phẩm OCOP còn hiệu lực": str(want["in_force"]),
        **{f"Trong đó {s} sao": str(want[f"in_force.star.{s}"]) for s in (3, 4, 5)},
        "Chủ thể có sản phẩm OCOP còn hiệu lực": str(want["producers_in_force"])}
    assert {row[1]: row[2] for row in summary["Đánh giá, phân hạng"]}["Điểm bình quân"] == "71,5"


def test_appendix_names_each_product_of_the_period(registry: Registry, hai_phong_docx) -> None:
    path, _ = hai_phong_docx
    records = Records(registry)
    listed = _grouped(_table_rows(docx.Document(str(path)).tables[3]))
    by_kind = {title.split(":")[0]: sorted(row[1] for row in rows) for title, rows in listed.items()}
    names = {"new": [], "upgrade": [], "expiration": ["Rượu nếp cái hoa vàng Vũ Xá"]}
    for d in records.decisions.values():
        if "2025-01-01" <= d["date"] <= "2025-12-31" and d["type"] == "recognition":
            for e in d["entries"]:
                if records.province(e["product"]) == "hai-phong":
                    names[e["action"]].append(records.products[e["product"]]["name"])
    assert by_kind["Công nhận mới"] == sorted(names["new"]) and len(names["new"]) == 2
    assert by_kind["Nâng hạng"] == sorted(names["upgrade"])
    assert by_kind["Hết hạn"] == names["expiration"]
    assert by_kind["Công nhận lại"] == by_kind["Thu hồi"] == []


def test_national_roll_up_is_issued_by_the_ministry(registry: Registry, tmp_path: Path) -> None:
    figures = periodic.compute(registry, periodic.scope_of(registry, "all")[0], periodic.parse_period("2025"), TODAY)
    document = periodic_document.document(figures, TODAY)
    assert document["header"]["issuing"] == ["BỘ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"] and document["symbol"] == "BC-BNNMT"
    by_province = next(a for a in document["appendices"] if a["title"].startswith("SỐ LIỆU THEO TỈNH"))
    names = [row["task"] for row in by_province["rows"]]
    assert names == ["Thành phố Hà Nội", "Thành phố Hải Phòng", "Tỉnh Ninh Bình", "Tỉnh Lâm Đồng", "Tỉnh Đồng Tháp",
                     "Tổng cộng"]
    earlier = periodic_document.issuer_of(figures, dt.date(2025, 1, 10))  # before the ministries merged
    assert earlier.name == "Bộ Nông nghiệp và Phát triển nông thôn" and earlier.symbol == "BC-BNNPTNT"


@pytest.mark.parametrize(("slug", "period", "plans"), [
    ("hai-phong", "2025", ["kh-hai-phong-2023-hai-duong-1366"]),  # a Hải Dương plan: Hải Phòng reports on it
    ("lam-dong", "2024-H2", ["kh-lam-dong-2024-dak-nong-du-thao"]),  # Đắk Nông rolled up into Lâm Đồng
    ("ninh-binh", "2024", ["kh-ninh-binh-2024-tam-diep-du-thao"]),  # a district's plan (Tam Điệp)
    ("ha-noi", "2021-H2", ["kh-ha-noi-2021-146"]),
    ("ha-noi", "2025", []),
    ("dong-thap", "2021", []),  # the 2018-2020 plan ended before the window
])
def test_plans_covering_the_period(registry: Registry, slug: str, period: str, plans: list[str]) -> None:
    window = periodic.parse_period(period)
    figures = periodic.compute(registry, periodic.scope_of(registry, slug)[0], window, TODAY)
    assert [plan["id"] for plan, _ in figures.plans] == plans
    for plan, rows in figures.plans:  # the plan's own progress as at the window's end, target by target
        assert {r.target for r in rows} == {t["id"] for t in plan["targets"] if t.get("metric")}


def test_a_report_before_the_period_ends_counts_up_to_its_date(registry: Registry) -> None:
    """Đồng Tháp's 6-month report is due before 15/6: it counts up to the day it is written, and says so."""
    written = dt.date(2026, 6, 10)
    figures = periodic.compute(registry, periodic.scope_of(registry, "lam-dong")[0], periodic.parse_period("2026-H1"),
                               written)
    assert figures.end == "2026-06-10" and figures.counts()["revocation"] == 2
    sentence = periodic_document.results_body(figures)[0]["body"][0]
    assert "(từ ngày 01/01/2026 đến ngày 30/6/2026 (số liệu đến ngày 10/6/2026))" in sentence
    later = periodic.compute(registry, periodic.scope_of(registry, "lam-dong")[0], periodic.parse_period("2026-H1"),
                             dt.date(2026, 4, 1))
    assert later.counts()["revocation"] == 0  # the revocation of 15/4/2026 is after that report's date


def test_an_annual_target_is_compared_for_the_years_of_the_window_only(registry: Registry) -> None:
    figures = periodic.compute(registry, periodic.scope_of(registry, "hai-phong")[0], periodic.parse_period("2025"),
                               TODAY)
    (_plan, rows), = figures.plans
    annual = [r for r in rows if r.target == "annual-3-star"]
    assert [r.year for r in annual] == [2025]  # not 2023 and 2024, which the plan's own progress report lists
    assert all(r.period_from <= "2025-12-31" and r.period_to >= "2025-01-01" for r in rows)
