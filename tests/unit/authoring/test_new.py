"""`ocop new`: non-interactive (--set/--from) and interactive (answers fed on stdin) records that validate."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from ocop.authoring import records
from ocop.check.pipeline import load_registry
from ocop_testing import REPO, run_cli, validate_json

TODAY = "2026-11-23"
TRANSCRIPTS = REPO / "build" / "screenshots" / "dang-ky"  # read by the guide (docs-src/huong-dan-dang-ky)
PRODUCT = ["--set", "name=Trà sen Tây Hồ", "--set", "producer=ct-ha-noi-0001",
           "--set", "classification.criteria_set=148/2023", "--set", "classification.group=do_uong",
           "--set", "description=Trà xanh ướp hương sen Bách Diệp, hộp 100 g.",
           "--set", "address.street=Ngõ 52 Đặng Thai Mai", "--set", "address.ward=tay ho"]


def new(capsys, tree: Path, *args: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code, out, err = run_cli(capsys, "--root", str(tree), "new", *args, "--today", TODAY)
    assert "Traceback" not in out + err
    return code, out + err


def assert_tree_valid(capsys, tree: Path) -> None:
    code, findings = validate_json(capsys, tree, "--today", TODAY)
    assert code == 0, [f for f in findings if f["severity"] == "error"]


def test_product_from_flags_is_written_with_next_id_and_validates(capsys, tree: Path) -> None:
    code, out = new(capsys, tree, "product", "--province", "ha-noi", *PRODUCT)
    assert code == 0, out
    path = tree / "registry/ha-noi/products/sp-ha-noi-0011.yaml"  # the sample has 0001–0010
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/product.schema.json\n")
    data = yaml.safe_load(text)
    assert data["address"]["ward"] == {"level": "ward", "code": "00103", "version": "2025", "name": "Phường Tây Hồ"}
    assert data["address"]["province"]["code"] == "01"
    assert list(data)[:3] == ["id", "province", "name"]  # schema order
    assert_tree_valid(capsys, tree)


def test_from_json_file(capsys, tree: Path, tmp_path: Path) -> None:
    source = tmp_path / "p.json"
    source.write_text(json.dumps({"name": "Mật ong bạc hà", "producer": "ct-ha-noi-0001", "description": "Mật ong.",
                                  "classification": {"criteria_set": "148/2023", "group": "thuc_pham"},
                                  "address": {"ward": "00103"}}, ensure_ascii=False), "utf-8")
    code, out = new(capsys, tree, "product", "--province", "ha-noi", "--from", str(source))
    assert code == 0, out
    assert_tree_valid(capsys, tree)


def test_invalid_flags_report_the_validator_message_and_write_nothing(capsys, tree: Path) -> None:
    before = sorted((tree / "registry/ha-noi/products").iterdir())
    code, out = new(capsys, tree, "product", "--province", "ha-noi", *PRODUCT,
                    "--set", "classification.group=duoc_lieu", "--set", "classification.criteria_set=1048/2019",
                    "--set", "producer=ct-ha-noi-9999")
    assert code == 1
    assert "lỗi[SCHEMA] «classification.group» có giá trị «duoc_lieu» không được phép." in out
    assert "lỗi[REF-MISSING] Không tìm thấy chủ thể «ct-ha-noi-9999»" in out
    assert sorted((tree / "registry/ha-noi/products").iterdir()) == before


def test_unknown_province_is_a_usage_error(capsys, tree: Path) -> None:
    code, out = new(capsys, tree, "product", "--province", "atlantis", *PRODUCT)
    assert code == 2 and "atlantis" in out


PRODUCER_ANSWERS = "\n".join([
    "Hợp tác xã Chè Tân Cương",  # name
    "9",                          # type: not a choice → asked again
    "2",                          # type: htx
    "",                           # tax_code skipped (but a cooperative needs one: asked at the end)
    "0123",                       # registration_number: wrong shape → validator message, asked again
    "",                           # registration_number skipped
    "Nguyễn Văn An", "Giám đốc",  # representative
    "c", "0912 345 678", "", "",  # contacts: phone only
    "Xóm 3",                      # street
    "tan cuongg",                 # ward: typo → suggestion
    "tan cuong",                  # ward by name without accents
    "2015-02-30",                 # founded: not a date → asked again
    "2015-04-01",
    "",                           # note
    "0101234567",                 # tax_code, asked because type htx requires it
]) + "\n"


def test_interactive_producer_reasks_bad_answers(capsys, tree: Path, monkeypatch) -> None:
    code, out = new(capsys, tree, "producer", "--province", "thai-nguyen", stdin=PRODUCER_ANSWERS,
                    monkeypatch=monkeypatch)
    assert code == 0, out
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    (TRANSCRIPTS / "ocop-new-chu-the.txt").write_text(out, "utf-8")
    assert "«9» không có trong danh sách" in out
    assert "«Số đăng ký hộ kinh doanh / tổ hợp tác» (registration_number) có giá trị «0123» không đúng dạng." in out
    assert "Có phải: Xã Tân Cương" in out
    assert "không phải một ngày (NNNN-TT-NN) hợp lệ" in out
    assert "Thiếu trường bắt buộc" in out and "tax_code" in out
    data = yaml.safe_load((tree / "registry/thai-nguyen/producers/ct-thai-nguyen-0001.yaml").read_text("utf-8"))
    assert data["type"] == "htx" and data["tax_code"] == "0101234567" and data["founded"] == "2015-04-01"
    assert data["address"]["ward"]["name"] == "Xã Tân Cương"
    assert_tree_valid(capsys, tree)


DECISION_ANSWERS = "\n".join([
    "",                     # type: recognition (default)
    "215/QĐ-UBND", "2026-03-10", "Công nhận kết quả đánh giá sản phẩm OCOP năm 2026",
    "", "", "",             # issuer: level, name and unit defaults (UBND of the province)
    "Nguyễn Văn Bình", "Phó Chủ tịch", "KT. CHỦ TỊCH",
    "",                     # criteria_set: 148/2023 from the date
    "", "",                 # round, document_url
    "sp-ha-noi-0001",       # entry: product
    "",                     # certificate: next free id
    "6", "4",               # star: out of range → asked again
    "",                     # action: new
    "",                     # entry note
    "k",                    # no second entry
    "",                     # note
]) + "\n"


def test_interactive_decision_issues_its_certificates(capsys, tree: Path, monkeypatch) -> None:
    code, out = new(capsys, tree, "decision", "--province", "ha-noi", stdin=DECISION_ANSWERS, monkeypatch=monkeypatch)
    assert code == 0, out
    assert "nằm ngoài giới hạn (lớn nhất là 5)" in out
    decision = yaml.safe_load((tree / "registry/ha-noi/decisions/2026/qd-ha-noi-2026-001.yaml").read_text("utf-8"))
    assert decision["issuer"]["name"] == "UBND thành phố Hà Nội" and decision["criteria_set"] == "148/2023"
    cert = yaml.safe_load((tree / "registry/ha-noi/certificates/2026/cn-ha-noi-2026-0001.yaml").read_text("utf-8"))
    assert cert["valid_from"] == "2026-03-10" and cert["valid_to"] == "2029-03-10"  # + 36 months
    assert cert["star"] == 4 and cert["decision"] == "qd-ha-noi-2026-001"
    assert_tree_valid(capsys, tree)


def test_input_ending_early_writes_nothing(capsys, tree: Path, monkeypatch) -> None:
    code, out = new(capsys, tree, "product", "--province", "ha-noi", stdin="Trà\n", monkeypatch=monkeypatch)
    assert code == 2 and "chưa ghi tệp nào" in out


def test_next_id_skips_ids_reserved_by_decisions(tree: Path) -> None:
    registry = load_registry(tree, use_cache=False)[0]
    assert records.next_id(registry, tree, "product", "ha-noi") == "sp-ha-noi-0011"
    assert records.next_id(registry, tree, "decision", "ha-noi", "2024") == "qd-ha-noi-2024-004"
    assert records.next_id(registry, tree, "certificate", "ha-noi", "2030") == "cn-ha-noi-2030-0001"


def test_next_id_counts_only_numbers_right_after_its_prefix(tree: Path) -> None:
    """highest_numbers splits an id at its last "-": an id with more after the prefix, or a number in
    another province whose slug starts alike, never raises the next id."""
    registry = load_registry(tree, use_cache=False)[0]
    taken = {"sp-ha-noi-0007", "sp-ha-noi-0099-0500", "sp-ha-noi-ban-0900", "sp-ha-0800", "sp-ha-noi-x9", "sp-ha-noi-"}
    assert records.highest_numbers(taken) == {"sp-ha-noi-": 7, "sp-ha-noi-0099-": 500, "sp-ha-noi-ban-": 900, "sp-ha-": 800}
    assert records.next_id(registry, tree, "product", "ha-noi", taken=taken) == "sp-ha-noi-0008"
    assert records.next_id(registry, tree, "product", "ha", taken=taken) == "sp-ha-0801"
    assert records.next_id(registry, tree, "producer", "ha-noi", taken=taken) == "ct-ha-noi-0001"


def test_certificate_defaults_follow_the_decision_and_36_months(tree: Path) -> None:
    registry = load_registry(tree, use_cache=False)[0]
    got = records.certificate_defaults(registry, {"decision": "qd-ha-noi-2024-001", "product": "sp-ha-noi-0010"})
    assert got == {"star": 3, "id": "cn-ha-noi-2024-0001", "valid_from": "2024-01-18", "valid_to": "2027-01-18"}
    leap = records.certificate_defaults(registry, {"valid_from": "2024-02-29"})
    assert leap["valid_to"] == "2027-02-28"


@pytest.mark.parametrize("kind", ["product", "producer", "certificate", "decision", "evaluation", "plan"])
def test_every_kind_starts_asking_in_vietnamese(capsys, tree: Path, monkeypatch, kind: str) -> None:
    code, out = new(capsys, tree, kind, "--province", "ha-noi", stdin="", monkeypatch=monkeypatch)
    assert code == 2 and "Tạo hồ sơ" in out and "chưa ghi tệp nào" in out


def test_evaluation_and_plan_from_flags_and_json(capsys, tree: Path, tmp_path: Path) -> None:
    code, out = new(capsys, tree, "evaluation", "--province", "ha-noi", "--set", "product=sp-ha-noi-0004",
                    "--set", "date=2026-05-10", "--set", "council.level=district",
                    "--set", "council.name=Hội đồng OCOP huyện Ba Vì", "--set", "product_set=148-thuc-pham",
                    "--set", 'members=[{"name": "Thành viên 1", "parts": {"A": 26.5, "B": 17.5, "C": 22}}]')
    assert code == 0, out
    evaluation = yaml.safe_load((tree / "registry/ha-noi/evaluations/2026/dg-ha-noi-2026-0001.yaml").read_text("utf-8"))
    assert evaluation["criteria_set"] == "148/2023"  # the set in force on the evaluation date
    plan = {"status": "draft", "draft_month": {"month": 3, "year": 2026},
            "header": {"issuing": ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"]},
            "issuer": {"level": "province", "name": "UBND thành phố Hà Nội", "unit": "01"},
            "symbol": "KH-UBND", "place": "Hà Nội", "period": {"from": "2026-01-01", "to": "2026-12-31", "label": "năm 2026"},
            "title": "Thực hiện Chương trình OCOP năm 2026", "sections": [{"title": "MỤC ĐÍCH, YÊU CẦU"}],
            "recipients": [{"name": "Bộ Nông nghiệp và Môi trường", "note": "để b/c"}],
            "signature": {"authority": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]}}
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    code, out = new(capsys, tree, "plan", "--province", "ha-noi", "--from", str(source))
    assert code == 0, out
    assert (tree / "plans/kh-ha-noi-2026-du-thao.yaml").read_text("utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    assert_tree_valid(capsys, tree)


PLAN_ANSWERS = "\n".join([
    '2',                                                              # status: 2 = draft
    'ỦY BAN NHÂN DÂN',
    'c',
    'THÀNH PHỐ HÀ NỘI',
    'k',
    '2',                                                              # issuer.level: province
    'UBND thành phố Hà Nội',
    '',                                                               # issuer.unit: Enter takes the city's own
    'KH-UBND',
    'Hà Nội',
    '01/01/2026',                                                     # period.from, as documents write dates
    '31/12/2026',
    'năm 2026',
    'Thực hiện Chương trình OCOP thành phố Hà Nội năm 2026',
    'c',
    'moi-3-sao',                                                      # Thêm chỉ tiêu?
    'Mục tiêu cụ thể',
    'Có thêm ít nhất 40 sản phẩm được công nhận đạt từ 3 sao trở lên.',
    '1',
    '3',                                                              # metric: 1 = products_recognised
    'c',
    '',
    '40',
    '',
    '',
    'k',
    'MỤC TIÊU',
    'c',                                                              # section 1
    '1',
    'Phấn đấu đạt các chỉ tiêu sau:',
    'k',
    'c',
    'targets',
    'k',
    '',
    'k',
    'c',
    'NHIỆM VỤ',
    'c',
    '2',
    '1',
    'Tổ chức đánh giá, phân hạng sản phẩm OCOP cấp Thành phố.',
    'k',
    'k',
    'k',
    '',
    'k',
    'k',
    'c',
    '1500',
    'Kinh phí thực hiện từ ngân sách Thành phố và nguồn huy động hợp pháp khác.',# Nhập «Kinh phí»?
    'k',
    'Bộ Nông nghiệp và Môi trường',
    'c',
    'Các sở, ngành Thành phố',                                        # recipients
    'k',
    '',
    'TM. ỦY BAN NHÂN DÂN',
    'c',                                                              # archive: Enter takes VT
    'KT. CHỦ TỊCH',
    'k',
    'PHÓ CHỦ TỊCH',
    'c',
    'Nguyễn Văn A',                                                   # signature.position
    '',
    '12',                                                             # signer.name
    '2025',
]) + "\n"


def test_interactive_plan_asks_sections_targets_budget_recipients_and_signer(capsys, tree: Path, monkeypatch) -> None:
    code, out = new(capsys, tree, "plan", "--province", "ha-noi", stdin=PLAN_ANSWERS, monkeypatch=monkeypatch)
    assert code == 0, out
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    (TRANSCRIPTS / "ocop-new-ke-hoach.txt").write_text(out, "utf-8")
    assert "Đã ghi plans/kh-ha-noi-2026-du-thao.yaml" in out  # drafted 12/2025, a 2026 plan: its id says 2026
    assert "Số sản phẩm được công nhận trong kỳ (products_recognised)" in out  # what a target measures, in words
    plan = yaml.safe_load((tree / "plans/kh-ha-noi-2026-du-thao.yaml").read_text("utf-8"))
    assert plan["period"] == {"from": "2026-01-01", "to": "2026-12-31", "label": "năm 2026"}  # typed 01/01/2026
    target = plan["targets"][0]
    assert target["metric"] == "products_recognised" and target["min"] == 40 and target["unit"] == "sản phẩm"
    assert target["scope"]["units"][0]["code"] == "01" and target["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert [s["title"] for s in plan["sections"]] == ["MỤC TIÊU", "NHIỆM VỤ"] and plan["sections"][0]["include"] == ["targets"]
    assert plan["budget"]["total_million_vnd"] == 1500 and plan["archive"] == "VT"
    assert plan["signature"] == {"authority": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "position": "PHÓ CHỦ TỊCH",
                                 "signer": {"name": "Nguyễn Văn A"}}
    from ocop.publish.documents.progress import Data, plan_progress

    rows = plan_progress(plan, Data.of([], [], []), "2026-06-30")
    assert [(r.target, r.actual, r.expected) for r in rows] == [("moi-3-sao", 0, 20)]  # progress can be computed
    assert_tree_valid(capsys, tree)


def test_dates_may_be_typed_as_documents_write_them(capsys, tree: Path) -> None:
    code, out = new(capsys, tree, "evaluation", "--province", "ha-noi", "--set", "product=sp-ha-noi-0004",
                    "--set", "date=10/5/2026", "--set", "council.level=district",
                    "--set", "council.name=Hội đồng OCOP huyện Ba Vì", "--set", "product_set=148-thuc-pham",
                    "--set", 'members=[{"name": "Thành viên 1", "parts": {"A": 26.5, "B": 17.5, "C": 22}}]')
    assert code == 0, out
    evaluation = yaml.safe_load((tree / "registry/ha-noi/evaluations/2026/dg-ha-noi-2026-0001.yaml").read_text("utf-8"))
    assert evaluation["date"] == "2026-05-10"
    code, out = new(capsys, tree, "evaluation", "--province", "ha-noi", "--set", "product=sp-ha-noi-0004",
                    "--set", "date=31/2/2026", "--set", "council.level=district",
                    "--set", "council.name=Hội đồng OCOP huyện Ba Vì", "--set", "product_set=148-thuc-pham",
                    "--set", 'members=[{"name": "Thành viên 1", "parts": {"A": 26.5, "B": 17.5, "C": 22}}]')
    assert code == 1 and "chưa ghi" in out  # no such day: refused, nothing written
