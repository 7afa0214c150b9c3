"""The parts of `ocop import`: cell values as provinces write them, header rows, free-text addresses, and record
texts in `ocop fmt`'s canonical form."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.authoring import fmt, records
from ocop.authoring.importer import header, render, values
from ocop.authoring.importer.address import Resolver
from ocop.authoring.importer.sheet import Formula, column_letter, quote_sheet
from ocop.load import load_document
from ocop.model.schemas import SchemaSet
from ocop_testing import REPO


@pytest.mark.parametrize(("cell", "star"), [("3 sao", 3), ("3★", 3), ("★★★★", 4), ("03", 3), (5, 5), (4.0, 4),
                                            ("Ba sao", 3), ("4 sao (tiềm năng 5 sao)", 4), (" 5 SAO ", 5), (None, None)])
def test_stars(cell, star) -> None:
    assert values.star(cell) == star


@pytest.mark.parametrize("cell", ["2 sao", "6", "abc", 3.5, Formula("=3")])
def test_stars_that_are_refused(cell) -> None:
    with pytest.raises(values.Problem):
        values.star(cell)


@pytest.mark.parametrize(("cell", "date"), [
    (dt.datetime(2025, 9, 10), "2025-09-10"), (45910, "2025-09-10"), ("45910", "2025-09-10"),
    ("10/09/2025", "2025-09-10"), ("1/9/2025", "2025-09-01"), ("10-09-2025", "2025-09-10"), ("10.9.2025", "2025-09-10"),
    ("2025-09-10", "2025-09-10"), ("ngày 10 tháng 9 năm 2025", "2025-09-10")])
def test_dates(cell, date) -> None:
    assert values.date(cell) == date


@pytest.mark.parametrize("cell", ["09/13/2025", "31/02/2025", "10/9/25", "hôm qua", 1.5, 99_999_999])
def test_dates_are_day_first_and_never_swapped(cell) -> None:
    with pytest.raises(values.Problem):
        values.date(cell)


def test_numbers_stored_as_text_and_leading_zeros_excel_dropped() -> None:
    assert values.tax_code(801234567) == "0801234567"  # a number cell: Excel dropped the zero
    assert values.tax_code("0801 234.567") == "0801234567"
    assert values.tax_code("0801234567001") == values.tax_code("0801234567-001") == "0801234567-001"
    assert values.phone(912345678) == "0912345678"
    assert values.phone("0912.345.678") == "0912.345.678"
    assert values.score("75,5") == 75.5 and values.score(80.0) == 80 and values.score("70 điểm") == 70
    assert values.number_text(5445.0, 60) == "5445"
    with pytest.raises(values.Problem):
        values.tax_code("12345")
    with pytest.raises(values.Problem) as problem:
        values.phone("0912 345 678 - 0987 654 321")
    assert problem.value.rule == "IMPORT-VALUE-DROPPED"


def test_text_cells() -> None:
    assert values.text("  Trà \n xanh\u00a0Tân  Cương ") == "Trà xanh Tân Cương"
    assert values.text("Tra\u0300") == "Trà"  # NFC
    for bad in ("Trà\x07", Formula('=HYPERLINK("x")'), "Trà\u2028xanh", True):
        with pytest.raises(values.Problem):
            values.text(bad)
    with pytest.raises(values.Problem) as problem:
        values.text("x" * 301, 300)
    assert "301 ký tự, quá 300 ký tự" in problem.value.message
    assert values.shown("a\x1b[31m" + "b" * 100).startswith("a<U+001B>[31m") and len(values.shown("b" * 100)) == 60


@pytest.mark.parametrize(("cell", "criteria", "expected"), [
    ("Thực phẩm", "148/2023", ("thuc_pham", None)),
    ("thuc pham", "148/2023", ("thuc_pham", None)),
    ("1. Thực phẩm tươi sống", "148/2023", ("thuc_pham", "Thực phẩm tươi sống")),
    ("Nhóm 2: Đồ uống", "148/2023", ("do_uong", None)),
    ("Dược liệu và sản phẩm từ dược liệu", "148/2023", ("duoc_lieu", None)),
    ("Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "148/2023", ("du_lich", None)),
    ("Thảo dược", "1048/2019", ("thao_duoc", None)),
    ("do_uong", "148/2023", ("do_uong", None)),
])
def test_groups_of_each_criteria_set(cell, criteria, expected) -> None:
    assert values.group(cell, criteria) == expected


def test_a_group_of_the_other_criteria_set_is_refused_not_translated() -> None:
    with pytest.raises(values.Problem) as problem:
        values.group("Thảo dược", "148/2023")
    assert "1048/2019" in problem.value.message
    with pytest.raises(values.Problem):
        values.group("Bánh kẹo", "148/2023")


def test_producer_types_from_legal_names() -> None:
    assert values.producer_type(None, "HTX Nông nghiệp Hà Bắc") == "htx"
    assert values.producer_type(None, "Cty TNHH Nước mắm Cát Hải") == "doanh_nghiep"
    assert values.producer_type(None, "Tổ hợp tác chè Tân Cương") == "to_hop_tac"
    assert values.producer_type(None, "Hộ kinh doanh Nguyễn Văn Bình") == "ho_kinh_doanh"
    assert values.producer_type("Hợp tác xã", "Nước mắm Cát Hải") == "htx"
    with pytest.raises(values.Problem) as problem:
        values.producer_type(None, "Nước mắm Cát Hải")
    assert problem.value.rule == "IMPORT-MISSING"


def test_names_compare_with_legal_forms_written_out() -> None:
    assert values.name_key("HTX Nông nghiệp & Dịch vụ Hà Bắc") == values.name_key("Hợp tác xã nông nghiệp và dịch vụ Hà Bắc")
    assert values.name_key("Cty TNHH MTV A") == values.name_key("Công ty trách nhiệm hữu hạn một thành viên A")
    assert values.name_key("Trà xanh") != values.name_key("Trà xanh loại 1")
    assert values.decision_key("5445/QĐ-UBND") == values.decision_key("5445 / qđ-ubnd")


# ---- header rows --------------------------------------------------------------------------------------------

def test_header_labels_match_without_case_accents_or_punctuation() -> None:
    assert header.field_of(header.label_key("TÊN SẢN PHẨM")) == "product_name"
    assert header.field_of(header.label_key("Tên chủ thể")) == "producer_name"
    assert header.field_of(header.label_key("Đơn vị")) == "producer_name"
    assert header.field_of(header.label_key("Xếp hạng")) == "star"
    assert header.field_of(header.label_key("Số sao")) == "star"
    assert header.field_of(header.label_key("Mã số thuế (MST)")) == "tax_code"
    assert header.field_of(header.label_key("Số QĐ")) == "decision_number"
    assert header.field_of(header.label_key("Ngay quyet dinh")) == "decision_date"
    assert header.field_of(header.label_key("Phân nhóm")) == "subgroup"
    assert header.field_of(header.label_key("Ghi chú")) is None


def test_a_two_row_header_with_merged_cells_and_star_columns() -> None:
    rows = [(1, ("UBND TỈNH",)), (2, ("DANH SÁCH",)),
            (4, ("STT", "Tên sản phẩm", "Chủ thể", None, "Kết quả xếp hạng", None, None, "Quyết định công nhận", None)),
            (5, (None, None, "Tên", "Địa chỉ", "3 sao", "4 sao", "5 sao", "Số", "Ngày")),
            (6, tuple(f"({i})" for i in range(1, 10))),
            (7, (1, "Trà", "HTX A", "xã B", "x", None, None, "1/QĐ-UBND", "01/09/2025"))]
    found, unmatched = header.detect(rows)
    assert found is not None and unmatched == []
    assert found.row == 5 and found.start == 5  # the numbering row (1)…(9) is skipped
    assert found.columns == {"stt": 0, "product_name": 1, "producer_name": 2, "address": 3, "star_3": 4, "star_4": 5,
                             "star_5": 6, "decision_number": 7, "decision_date": 8}
    assert found.label("decision_number") == "Quyết định công nhận / Số"


def test_map_names_columns_by_label_or_letter_and_a_title_row_is_not_a_merged_header() -> None:
    rows = [(1, ("DANH SÁCH SẢN PHẨM",)), (2, ("TT", "Sản phẩm OCOP", "Cơ sở", "Ghi chú")), (3, (1, "Trà", "HTX A", ""))]
    assert header.detect(rows) == (None, [])
    found, _ = header.detect(rows, [("san pham ocop", "product_name"), ("C", "producer_name"), ("Ghi chú", "-")])
    assert found is not None and found.row == 2
    assert found.columns == {"stt": 0, "product_name": 1, "producer_name": 2}
    assert header.detect(rows, [("Không có", "product_name")])[1] == ["Không có"]


# ---- addresses ----------------------------------------------------------------------------------------------

HAI_PHONG = Resolver("31")


@pytest.mark.parametrize(("text", "ward", "version", "street"), [
    ("thôn An Lại, xã Hà Bắc, thành phố Hải Phòng", "10816", "2025", "thôn An Lại"),
    ("Tổ 3, P.Lê Chân, TP Hải Phòng", "11383", "2025", "Tổ 3"),
    ("xa Ha Bac, tp Hai Phong", "10816", "2025", None),
    ("Hà Bắc", "10816", "2025", None),
    ("thôn An Lại, xã Thanh An, huyện Thanh Hà, tỉnh Hải Dương", "10831", "2004", "thôn An Lại"),
    ("thon An Lai, xa Thanh An, H. Thanh Ha, T. Hai Duong", "10831", "2004", "thon An Lai"),
    ("TT. Thanh Hà, H. Thanh Hà, tỉnh Hải Dương", "10813", "2004", None),
    ("số 5, phường Hải Tân, thành phố Hải Dương, tỉnh Hải Dương", "10537", "2004", "số 5"),
])
def test_addresses_resolve_to_units_with_their_code_list(text, ward, version, street) -> None:
    found = HAI_PHONG.resolve(text)
    assert found.issues == [] and found.complete
    assert (found.address["ward"]["code"], found.address["ward"]["version"]) == (ward, version)
    assert found.address.get("street") == street
    assert found.address["province"]["version"] == version
    if version == "2004":
        assert found.address["district"]["level"] == "district"


@pytest.mark.parametrize(("text", "rule", "words"), [
    ("xã Tân Hòa Mới, thành phố Hải Phòng", "IMPORT-UNIT", ["Tân Hòa Mới"]),
    ("Thôn 2", "IMPORT-UNIT", ["Không tìm thấy xã"]),
    ("Q. Lê Chân, TP Hải Phòng", "IMPORT-UNIT", ["không ghi xã"]),
    ("xã Yên Sở, huyện Hoài Đức, thành phố Hà Nội", "IMPORT-PROVINCE", ["Thành phố Hà Nội"]),
    ("xã Thanh Hà, huyện Thanh Hà, tỉnh Hải Dương", "IMPORT-UNIT-RENAMED", ["Thị trấn Thanh Hà"]),  # xã → thị trấn
    ("xã Thanh An, thành phố Hải Phòng", "IMPORT-UNIT-RENAMED", ["Xã Lai Khê", "Xã Hà Nam"]),  # old name, new city
])
def test_unresolved_units_keep_the_text_and_name_the_candidates(text, rule, words) -> None:
    found = HAI_PHONG.resolve(text)
    assert [i.rule for i in found.issues] == [rule]
    assert all(w in found.issues[0].message for w in words), found.issues[0].message
    assert not found.complete and "ward" not in found.address and found.address["street"] == text


def test_same_name_units_are_ambiguous_unless_the_accents_decide() -> None:
    hanoi = Resolver("01")
    assert hanoi.resolve("phường Phương Liệt, thành phố Hà Nội").address["ward"]["name"] == "Phường Phương Liệt"
    found = hanoi.resolve("Tân Hòa")  # a Tân Hòa in the 2004 list of several districts
    assert [i.rule for i in found.issues] in (["IMPORT-UNIT"], [])


def test_a_2004_unit_on_a_decision_after_the_reform_is_renamed_never_replaced() -> None:
    found = HAI_PHONG.resolve("thôn An Lại, xã Thanh An, huyện Thanh Hà, tỉnh Hải Dương")
    assert HAI_PHONG.renamed(found, "2025-06-30") is None
    issue = HAI_PHONG.renamed(found, "2025-09-10")
    assert issue is not None and issue.rule == "IMPORT-UNIT-RENAMED" and "Xã Lai Khê" in issue.message
    assert found.address["ward"]["code"] == "10831"  # kept as written


# ---- record texts ----------------------------------------------------------------------------------------------

SCHEMAS = SchemaSet(REPO)
DECISION = {"id": "qd-hai-phong-2025-001", "province": "hai-phong", "type": "recognition", "number": "123/QĐ-UBND",
            "date": "2025-09-10", "issuer": {"level": "province", "name": "UBND thành phố Hải Phòng",
                                             "unit": records.unit_ref("province", "31")},
            "signer": {"name": "Lê Văn Cường", "position": "Phó Chủ tịch"}, "criteria_set": "148/2023",
            "entries": [{"product": "sp-hai-phong-0002", "certificate": "cn-hai-phong-2025-0001", "star": 3,
                         "action": "new"}]}


def canonical(kind: str, data: dict, rel: str) -> str:
    return fmt.format_text(records.to_yaml(kind, data, rel, SCHEMAS), data, kind, SCHEMAS.directory)


def test_the_fast_writer_writes_what_ocop_fmt_writes() -> None:
    rel = "registry/hai-phong/decisions/2025/qd-hai-phong-2025-001.yaml"
    text = render.text("decision", DECISION, rel, SCHEMAS)
    assert "  - {product: sp-hai-phong-0002, certificate: cn-hai-phong-2025-0001, star: 3, action: new}\n" in text
    assert load_document(Path(rel), rel, text.encode()).data == DECISION
    assert fmt.format_text(text, DECISION, "decision", SCHEMAS.directory) == text


# any text a record may hold: the loader refuses controls, format characters (Cf: zero-width, bidi, soft hyphen)
# and the line and paragraph separators (TEXT-CONTROL)
TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=40).map(
    lambda s: unicodedata.normalize("NFC", " ".join(s.split()))).filter(bool)  # the importer's text is NFC


@settings(max_examples=300, deadline=None, derandomize=True)  # the same examples in every run
@given(name=TEXTS, street=TEXTS)
def test_any_text_is_written_as_ocop_fmt_writes_it(name: str, street: str) -> None:
    rel = "registry/hai-phong/products/sp-hai-phong-0009.yaml"
    data = {"id": "sp-hai-phong-0009", "province": "hai-phong", "name": name, "producer": "ct-hai-phong-0001",
            "classification": {"criteria_set": "148/2023", "group": "thuc_pham"}, "description": street,
            "address": {"street": street, "province": records.unit_ref("province", "31")}}
    text = render.text("product", data, rel, SCHEMAS)
    assert load_document(Path(rel), rel, text.encode()).data == data
    assert text == canonical("product", data, rel)


def test_sheet_cells_are_named_as_spreadsheets_name_them() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert quote_sheet("Sheet1") == "Sheet1" and quote_sheet("Phụ lục") == "'Phụ lục'"
    assert quote_sheet("It's") == "'It''s'"
