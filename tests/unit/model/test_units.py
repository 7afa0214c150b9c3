"""Administrative units across the 2025 reform: codes are only meaningful with their code version."""

from __future__ import annotations

import pytest

from ocop.model import units


def ref(level: str, code: str, version: str) -> dict:
    return {"level": level, "code": code, "version": version}


def test_same_code_means_different_provinces_across_versions() -> None:
    assert units.lookup("province", "82", "2004").name == "Tỉnh Tiền Giang"
    assert units.lookup("province", "82", "2025").name == "Tỉnh Đồng Tháp"
    assert units.lookup("district", "370", "2025") is None  # no district level after the reform


@pytest.mark.parametrize(
    ("old", "new"),
    [(ref("province", "30", "2004"), "31"), (ref("province", "67", "2004"), "68"), (ref("province", "87", "2004"), "82"),
     (ref("province", "82", "2004"), "82"), (ref("province", "01", "2004"), "01"), (ref("district", "370", "2004"), "37"),
     (ref("ward", "10831", "2004"), "31")],
)
def test_legacy_units_roll_up_to_their_2025_province(old: dict, new: str) -> None:
    assert units.rolls_up_to(old) == new


def test_within_crosses_code_lists() -> None:
    hai_duong = ref("province", "30", "2004")
    thanh_ha = ref("district", "294", "2004")
    formed_from_hai_duong = [w for w in units.wards_of("31") if units.within(ref("ward", w.code, "2025"), hai_duong)]
    assert 0 < len(formed_from_hai_duong) < len(units.wards_of("31"))  # only part of today's Hải Phòng
    assert units.within(ref("ward", "10831", "2004"), thanh_ha)
    assert units.within(ref("ward", "10831", "2004"), ref("province", "31", "2025"))
    assert not units.within(ref("ward", "00004", "2025"), hai_duong)  # Ba Đình, Hà Nội
    assert not units.within(ref("ward", "99999", "2025"), hai_duong)


def test_names_compare_without_accents_and_prefixes() -> None:
    assert units.same_name("Hải Dương", "Tỉnh Hải Dương")
    assert units.same_name("TP Tam Điệp", "Thành phố Tam Điệp")
    assert not units.same_name("Hải Phòng", "Tỉnh Hải Dương")
    assert units.fold("Đặc sản Cà phê") == "dac san ca phe"


def test_unit_type_words_are_split_with_their_accents_or_none() -> None:
    assert units.split_type("Thị trấn Tứ Kỳ") == ("thi tran", "Tứ Kỳ")
    assert units.split_type("thi tran Tu Ky") == ("thi tran", "Tu Ky")
    assert units.split_type("Phương Liệt") == ("", "Phương Liệt")  # a name, not the type "phường"
    assert units.split_type("Phường Phương Liệt") == ("phuong", "Phương Liệt")
    assert units.name_key("Phường 01") == units.bare_key("1") == "1"
    assert units.bare_key("Ea H'leo") == units.bare_key("Ea H’leo") == units.bare_key("ea hleo")


def test_units_are_found_by_name_in_either_code_list() -> None:
    assert [u.code for u in units.find("ward", "2025", "31", "Hà Bắc")] == ["10816"]
    assert [u.code for u in units.find("ward", "2025", "01", "phuong lien")] == []
    assert [u.name for u in units.find("ward", "2025", "01", "Phương Liệt")] == ["Phường Phương Liệt"]
    assert [u.code for u in units.find("district", "2004", "30", "thanh ha")] == ["294"]
    assert [u.code for u in units.find("ward", "2004", "294", "Thanh An")] == ["10831"]
    assert [u.code for u in units.find("ward", "2004", "30", "Thanh An")] == ["10831"]  # the whole 2004 province
    assert [u.code for u in units.find("province", "2004", "", "Hải Dương")] == ["30"]
    assert units.legacy_district_of("10831").code == "294"
    assert [u.name for u in units.successors("10831")] == ["Xã Lai Khê", "Xã Hà Nam"]
