"""Progress against targets, on small record fixtures shaped like the registry's."""

from __future__ import annotations

import json

import pytest

from ocop.publish.documents import progress, report
from ocop.publish.documents.progress import Data, plan_progress

HD = {"level": "province", "code": "30", "version": "2004", "name": "Tỉnh Hải Dương"}
HP = {"level": "province", "code": "31", "version": "2004", "name": "Thành phố Hải Phòng"}
TAM_DIEP = {"level": "district", "code": "370", "version": "2004", "name": "Thành phố Tam Điệp"}
NB = {"level": "province", "code": "37", "version": "2004", "name": "Tỉnh Ninh Bình"}


def product(pid: str, province: dict, district: dict | None = None, online: bool = False) -> dict:
    address = {"province": province, **({"district": district} if district else {})}
    channels = [{"type": "ecommerce", "name": "Sàn"}] if online else [{"type": "store", "name": "Cửa hàng"}]
    return {"id": pid, "province": "x", "address": address, "sales_channels": channels}


def decision(did: str, date: str, entries: list[dict], kind: str = "recognition") -> dict:
    return {"id": did, "province": "x", "type": kind, "number": "1/QĐ-UBND", "date": date,
            "issuer": {"level": "province", "name": "UBND"}, "signer": {"name": "A"}, "entries": entries}


def cert(cid: str, pid: str, did: str, star: int, supersedes: str | None = None, **extra) -> dict:
    return {"id": cid, "province": "x", "product": pid, "decision": did, "star": star, "score": 60,
            **({"supersedes": supersedes} if supersedes else {}), **extra}


@pytest.fixture
def data() -> Data:
    products = [product("sp-1", HD, online=True), product("sp-2", HD), product("sp-3", HP),
                product("sp-4", NB, TAM_DIEP), product("sp-5", NB), product("sp-6", HD, online=True)]
    decisions = [
        decision("qd-a", "2023-06-01", [{"product": "sp-1", "certificate": "cn-1", "star": 3, "action": "new"},
                                        {"product": "sp-3", "certificate": "cn-3", "star": 3, "action": "new"}]),
        decision("qd-b", "2024-05-10", [{"product": "sp-1", "certificate": "cn-1b", "star": 4, "action": "upgrade"},
                                        {"product": "sp-2", "certificate": "cn-2", "star": 5, "action": "new"},
                                        {"product": "sp-4", "certificate": "cn-4", "star": 3, "action": "new"},
                                        {"product": "sp-5", "certificate": "cn-5", "star": 3, "action": "new"}]),
        decision("qd-c", "2020-01-10", [{"product": "sp-6", "certificate": "cn-6", "star": 3, "action": "new"}]),
        decision("qd-r", "2024-07-01", [{"product": "sp-2", "certificate": "cn-2"}], kind="revocation"),
    ]
    certificates = [cert("cn-1", "sp-1", "qd-a", 3), cert("cn-3", "sp-3", "qd-a", 3),
                    cert("cn-1b", "sp-1", "qd-b", 4, supersedes="cn-1"), cert("cn-2", "sp-2", "qd-b", 5),
                    cert("cn-4", "sp-4", "qd-b", 3), cert("cn-5", "sp-5", "qd-b", 3), cert("cn-6", "sp-6", "qd-c", 3)]
    evaluations = [{"id": "dg-1", "product": "sp-2", "date": "2024-04-01", "total": 91},
                   {"id": "dg-2", "product": "sp-1", "date": "2024-04-02", "total": 72}]
    return Data.of(certificates, decisions, products, evaluations)


def target(metric: str, scope_units: list[dict], start: str, end: str, **extra) -> dict:
    return {"id": metric, "text": metric, "metric": metric, "scope": {"province": "x", "units": scope_units},
            "period": {"from": start, "to": end}, **extra}


def one(t: dict, data: Data, as_of: str) -> progress.Progress:
    return plan_progress({"targets": [t]}, data, as_of)[0]


def test_new_recognitions_in_scope_and_period(data: Data) -> None:
    t = target("products_recognised", [HD], "2023-01-01", "2025-12-31", min_star=3, new_only=True, min=2)
    p = one(t, data, "2025-12-31")
    assert p.actual == 2  # sp-1 (2023) and sp-2 (2024); sp-3 is Hải Phòng, sp-6 predates the period
    assert p.state == "achieved"


def test_upgrades_count_when_not_new_only(data: Data) -> None:
    t = target("products_recognised", [HD], "2024-01-01", "2024-12-31", min_star=4, min=2)
    assert one(t, data, "2024-12-31").actual == 2  # sp-1 upgraded to 4★, sp-2 at 5★
    t5 = target("products_recognised", [HD], "2023-01-01", "2025-12-31", min_star=5, min=3)
    assert one(t5, data, "2024-12-31").actual == 1


def test_district_scope_counts_only_that_legacy_district(data: Data) -> None:
    t = target("products_recognised", [TAM_DIEP], "2024-01-01", "2024-12-31", min_star=3, new_only=True,
               min=7, max=10)
    p = one(t, data, "2024-12-31")
    assert p.actual == 1 and p.state == "behind"


def test_products_total_respects_validity_and_revocation(data: Data) -> None:
    t = target("products_total", [HD], "2024-01-01", "2024-12-31", min_star=3, min=3)
    # at 31/12/2024: sp-1 (cn-1b), sp-6 expired 10/01/2023 (36 months), sp-2 revoked on 01/07/2024
    assert one(t, data, "2024-12-31").actual == 1
    assert one(t, data, "2024-06-01").actual == 2  # before the revocation


def test_on_track_uses_elapsed_share_of_period(data: Data) -> None:
    t = target("products_recognised", [HD], "2023-01-01", "2025-12-31", min_star=3, new_only=True, min=3)
    p = one(t, data, "2024-07-01")  # half-way: 1.5 products is 2 whole products; have 2
    assert p.state == "on_track" and p.expected == 2 and isinstance(p.expected, int)
    p = one({**t, "min": 9}, data, "2024-07-01")
    assert p.state == "behind"
    early = one({**t, "min": 9}, data, "2022-06-01")
    assert early.state == "on_track" and early.actual == 0


def test_annual_recurrence_reports_every_year_begun(data: Data) -> None:
    t = target("products_recognised", [HD], "2023-01-01", "2025-12-31", min_star=3, new_only=True, min=1,
               recurrence="annual")
    rows = plan_progress({"targets": [t]}, data, "2024-12-31")
    assert [(r.year, r.period_from, r.period_to, r.actual) for r in rows] == [
        (2023, "2023-01-01", "2023-12-31", 1), (2024, "2024-01-01", "2024-12-31", 1)]
    assert [r.state for r in rows] == ["ended_met", "achieved"]  # 2023 is over; 2024 ends tonight
    assert len(plan_progress({"targets": [t]}, data, "2030-01-01")) == 3  # never past the period
    assert len(plan_progress({"targets": [t]}, data, "2020-01-01")) == 1  # not begun: its first year


def test_an_ended_target_is_met_or_missed_never_behind(data: Data) -> None:
    t = target("products_recognised", [HD], "2023-01-01", "2024-12-31", min_star=3, new_only=True, min=2)
    assert one(t, data, "2025-01-01").state == "ended_met"
    missed = one({**t, "min": 9}, data, "2025-01-01")
    assert missed.state == "ended_missed" and missed.expected is None
    assert progress.STATES[missed.state] == "Đã kết thúc — không đạt"
    assert one({**t, "min": 9}, data, "2024-12-31").state == "behind"  # its last day is not over yet


def test_expected_is_whole_products_and_shares_keep_a_decimal(data: Data) -> None:
    t = target("products_recognised", [HD], "2024-01-01", "2024-12-31", min_star=3, min=3)
    p = one({**t, "min": 1}, data, "2024-03-01")  # 1 x 60/365 = 0.16 product: 1 whole product
    assert p.expected == 1
    share = one(target("share_of_products_online", [HD], "2024-01-01", "2024-12-31", value=100, unit="%"),
                data, "2024-01-02")
    assert share.state == "achieved" or share.expected == round(share.expected, 1)
    text = report.as_text({"id": "x", "symbol": "KH-UBND", "issuer": {"name": "UBND"}, "targets": [t],
                           "period": {"from": "2024-01-01", "to": "2024-12-31", "label": "năm 2024"}},
                          plan_progress({"targets": [{**t, "min": 9}]}, data, "2024-07-01"), "2024-07-01")
    assert "cần đạt đến nay: 5" in text and "4,5" not in text


def test_shares_and_evaluations(data: Data) -> None:
    online = target("share_of_products_online", [HD], "2024-01-01", "2024-12-31", value=100, unit="%")
    assert one(online, data, "2024-12-31").actual == 100.0  # the one product held (sp-1) is online
    proposed = target("products_proposed_5_star", [HD], "2024-01-01", "2024-12-31", value=1)
    assert one(proposed, data, "2024-12-31").state == "achieved"
    evaluated = target("products_evaluated", [HD], "2024-01-01", "2024-10-30", min=5)
    assert one(evaluated, data, "2024-12-31").actual == 2


def test_unmeasurable_metric_is_no_data(data: Data) -> None:
    t = target("people_trained", [HD], "2024-01-01", "2024-12-31", value=1500)
    p = one(t, data, "2024-12-31")
    assert p.state == "no_data" and p.actual is None


def test_text_targets_are_not_measured(data: Data) -> None:
    assert plan_progress({"targets": [{"id": "x", "text": "Tuyên truyền"}]}, data, "2024-01-01") == []


def test_summary_agrees_with_the_rows(plans: dict, data: Data) -> None:
    for plan in plans.values():
        rows = plan_progress(plan, data, "2026-11-30")
        line = progress.summary(rows).text()
        states = [r.state for r in rows]
        measured = sum(s != "no_data" for s in states)
        assert f"Có {len(rows)} dòng chỉ tiêu định lượng: {measured} dòng đo được" in line, line
        for state, label in progress.STATES.items():
            if state != "no_data" and states.count(state):
                assert f"{states.count(state)} {label.lower()}" in line
        if "no_data" in states:
            assert f"{states.count('no_data')} dòng chưa đo được" in line
        else:
            assert "chưa đo được" not in line
        assert "chậm tiến độ" not in line.lower()  # every seed plan has ended by then


def test_sample_records_are_warned_about(plans: dict, data: Data) -> None:
    hd = plans["kh-hai-phong-2023-hai-duong-1366"]
    rows = plan_progress(hd, data, "2024-12-31")
    assert "hồ sơ mẫu" not in report.as_text(hd, rows, "2024-12-31", data)  # fixtures are not samples
    marked = Data.of([{**c, "sample": True} for c in data.certificates], list(data.decisions.values()),
                     list(data.products.values()), data.evaluations)
    text = report.as_text(hd, rows, "2024-12-31", marked)
    assert "Lưu ý: số liệu được tính từ 4 hồ sơ mẫu" in text  # cn-1, cn-1b, cn-2, cn-6: Hải Dương products


def test_tasks_list_lead_deadline_and_status(plans: dict, data: Data) -> None:
    dak_nong = plans["kh-lam-dong-2024-dak-nong-du-thao"]
    tasks = report.plan_tasks(dak_nong)
    groups = sum(1 for a in dak_nong["appendices"] for r in a["rows"] if r.get("group"))
    assert len(tasks) == sum(len(a["rows"]) for a in dak_nong["appendices"]) - groups
    first_row = next(r for r in dak_nong["appendices"][0]["rows"] if not r.get("group"))
    assert (tasks[0].text, tasks[0].lead, tasks[0].deadline) == (first_row["task"], first_row["lead"],
                                                                 first_row["deadline"])
    assert {t.status for t in tasks} == {""}  # no status recorded: left for the officer
    first = dak_nong["appendices"][0]["rows"]
    marked = {**dak_nong, "appendices": [{**dak_nong["appendices"][0],
                                          "rows": [{**r, "status": "done"} for r in first]}]}
    assert {t.status for t in report.plan_tasks(marked)} == {"Đã hoàn thành"}
    md = report.as_markdown(marked, [], "2024-06-01")
    assert "| Tình trạng |" in md and "Đã hoàn thành |" in md
    hd = report.plan_tasks(plans["kh-hai-phong-2023-hai-duong-1366"])  # no task table: its assignments
    assert hd and hd[0].lead == plans["kh-hai-phong-2023-hai-duong-1366"]["assignments"][0]["agency"]


def test_task_status_labels_match_the_schema() -> None:
    from ocop.model.labels import TASK_STATUSES
    from ocop.model.schemas import SCHEMA_DIR, enum_labels, load_schemas

    status = load_schemas(SCHEMA_DIR)["plan"]["$defs"]["task_row"]["properties"]["status"]
    assert enum_labels(status) == TASK_STATUSES


def test_seed_plans_report(plans: dict, data: Data) -> None:
    for plan in plans.values():
        rows = plan_progress(plan, data, "2024-12-31")
        assert all(r.state in progress.STATES for r in rows)
        payload = json.loads(report.as_json(plan, rows, "2024-12-31"))
        assert payload["plan"] == plan["id"]
        assert report.as_markdown(plan, rows, "2024-12-31").startswith("### Tiến độ")
        assert "tính đến ngày 31/12/2024" in report.as_text(plan, rows, "2024-12-31")
    assert report.plan_ref(plans["kh-ha-noi-2021-146"]) == "Kế hoạch số 146/KH-UBND ngày 14/6/2021"
    assert report.plan_ref(plans["kh-ninh-binh-2024-tam-diep-du-thao"]) == "dự thảo Kế hoạch …/KH-UBND tháng 5/2024"
    hd = plans["kh-hai-phong-2023-hai-duong-1366"]
    by_id = {r.target: r for r in plan_progress(hd, data, "2024-12-31")}
    assert by_id["phase-3-star"].actual == 2 and by_id["phase-3-star"].state == "behind"
    assert by_id["annual-5-star"].actual == 1 and by_id["annual-5-star"].state == "achieved"
