"""Administrative units, current (2025) and legacy (2004 code list), and their successors.

A thin layer over the `vietnam-provinces` package, which ships both code lists and the official
2025 conversion tables. A unit reference in a record is `{level, code, version, name}`; the code
alone is ambiguous across the reform (82 was Tiền Giang, is now Đồng Tháp), the pair is not.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass


class _LazyModule:
    """A module imported on first use: the 2004 code list and the conversion tables take ~0.2 s to
    import, and checking a record that uses only 2025 codes never needs them."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> object:
        return getattr(importlib.import_module(self._name), attr)


# The 2025 list too: importing it costs ~0.15 s, and a warm run (every verdict cached) never looks a code up.
current = _LazyModule("vietnam_provinces")
legacy = _LazyModule("vietnam_provinces.legacy.base")
legacy_codes = _LazyModule("vietnam_provinces.legacy.codes")
province_conversion = _LazyModule("vietnam_provinces._province_conversion_2025")
ward_conversion = _LazyModule("vietnam_provinces._ward_conversion_2025")


@dataclass(frozen=True)
class Unit:
    level: str  # province | district | ward
    code: str
    version: str  # "2004" | "2025"
    name: str
    province_code: str  # the code of the province it belongs to, same version


def _code(number: int, level: str) -> str:
    return str(number).zfill({"province": 2, "district": 3, "ward": 5}[level])


@functools.cache
def lookup(level: str, code: str, version: str) -> Unit | None:
    """The unit with this code in this code list, or None if the code does not exist there."""
    try:
        number = int(code)
    except ValueError:
        return None
    try:
        if version == "2025":
            if level == "province":
                p = current.Province.from_code(current.ProvinceCode(number))
                return Unit(level, _code(number, level), version, p.name, _code(number, "province"))
            if level == "ward":
                w = current.Ward.from_code(current.WardCode(number))
                return Unit(level, _code(number, level), version, w.name, _code(int(w.province_code), "province"))
            return None  # no district level after the reform
        if level == "province":
            lp = legacy.Province.from_code(legacy_codes.ProvinceCode(number))
            return Unit(level, _code(number, level), version, lp.name, _code(number, "province"))
        if level == "district":
            d = legacy.District.from_code(legacy_codes.DistrictCode(number))
            return Unit(level, _code(number, level), version, d.name, _code(int(d.province_code), "province"))
        if level == "ward":
            lw = legacy.Ward.from_code(legacy_codes.WardCode(number))
            return Unit(level, _code(number, level), version, lw.name, _code(int(lw.province_code), "province"))
    except (ValueError, KeyError):
        return None
    return None


def resolve(ref: dict) -> Unit | None:
    parts = (ref.get("level", ""), ref.get("code", ""), ref.get("version", ""))
    if not all(isinstance(p, str) for p in parts):  # a list or null there (a SCHEMA error) is not hashable/int-able
        return None
    return lookup(*parts)


@functools.cache
def successor_province(province_code: str, version: str) -> str | None:
    """The 2025 province code a province of either code list rolls up into.

    A legacy province split between several new ones (rare) rolls up where most of its wards went.
    """
    if version == "2025":
        return province_code if lookup("province", province_code, "2025") else None
    entry = province_conversion.OLD_TO_NEW.get(int(province_code))
    if entry is None:
        return None
    if len(entry.new_provinces) == 1:
        return _code(entry.new_provinces[0].code, "province")
    counts: Counter[int] = Counter()
    for old_ward, new_entry in ward_conversion.OLD_TO_NEW.items():
        del old_ward
        for new in new_entry.new_wards:
            if new_entry.old_ward.province_code == int(province_code):
                counts[new.province_code] += 1
    return _code(counts.most_common(1)[0][0], "province") if counts else None


def rolls_up_to(ref: dict) -> str | None:
    """The 2025 province code any unit reference (province, district or ward) belongs to now."""
    unit = resolve(ref)
    if unit is None:
        return None
    if unit.version == "2004" and unit.level == "ward":
        entry = ward_conversion.OLD_TO_NEW.get(int(unit.code))
        if entry and entry.new_wards:
            return _code(entry.new_wards[0].province_code, "province")
    return successor_province(unit.province_code, unit.version)


def legacy_provinces_of(code_2025: str) -> list[str]:
    """2004 province codes that rolled up into this 2025 province (itself included when reused)."""
    entry = province_conversion.NEW_TO_OLD.get(int(code_2025))
    return [_code(ref.code, "province") for ref in entry.old_provinces] if entry else []


def current_provinces() -> list[Unit]:
    return [lookup("province", _code(int(p.code), "province"), "2025") for p in current.Province.iter_all()]  # type: ignore[misc]


def wards_of(code_2025: str) -> list[Unit]:
    return [
        Unit("ward", _code(int(w.code), "ward"), "2025", w.name, code_2025)
        for w in current.Ward.iter_by_province(current.ProvinceCode(int(code_2025)))
    ]


_PREFIXES = re.compile(r"^(tỉnh|thành phố|tp\.?|thị xã|quận|huyện|xã|phường|thị trấn|đặc khu)\s+", re.I)


@functools.lru_cache(maxsize=65536)  # names, groups and star texts repeat over thousands of spreadsheet rows
def fold(text: str) -> str:
    """Lower-case, accent-free, đ→d: for comparing names and for search."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower().strip()


@functools.cache
def same_name(given: str, official: str) -> bool:
    """Names match ignoring case, accents and the unit-type prefix ("Tỉnh", "Thành phố", …)."""
    strip = lambda s: fold(_PREFIXES.sub("", s.strip()))  # noqa: E731
    return strip(given) == strip(official)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(_PREFIXES.sub("", name))).strip("-")


def _key(ref: dict) -> tuple[str, str, str]:
    return (str(ref.get("level", "")), str(ref.get("code", "")), str(ref.get("version", "")))


def within(ref: dict, area: dict) -> bool:
    """Is the unit `ref` inside `area`, whichever code list each uses?

    A 2025 ward is inside a legacy (2004) province or district when one of the old wards it was formed
    from was; a legacy unit is inside a 2025 province when it rolled up into it.
    """
    return _within(_key(ref), _key(area))


@functools.cache
def _within(ref: tuple[str, str, str], area: tuple[str, str, str]) -> bool:
    unit, region = lookup(*ref), lookup(*area)
    if unit is None or region is None:
        return False
    if ref == area:
        return True
    if unit.version == region.version:
        return _same_list_within(unit, region)
    if region.version == "2025":
        return region.level == "province" and rolls_up_to(_ref(unit)) == region.code
    if unit.level == "ward":  # a 2025 ward inside a 2004 unit: through the wards it was formed from
        return any(_same_list_within(old, region) for old in _legacy_wards(unit.code))
    return False


def _ref(unit: Unit) -> dict:
    return {"level": unit.level, "code": unit.code, "version": unit.version}


def _same_list_within(unit: Unit, region: Unit) -> bool:
    if region.level == "province":
        return unit.province_code == region.code
    if region.level == "district" and unit.level == "ward" and unit.version == "2004":
        return _legacy_district_of_ward(unit.code) == region.code
    return unit.code == region.code and unit.level == region.level


@functools.cache
def _legacy_district_of_ward(code: str) -> str | None:
    try:
        return _code(int(legacy.Ward.from_code(legacy_codes.WardCode(int(code))).district_code), "district")
    except (ValueError, KeyError):
        return None


@functools.cache
def _legacy_wards(code_2025: str) -> tuple[Unit, ...]:
    entry = ward_conversion.NEW_TO_OLD.get(int(code_2025))
    if entry is None:
        return ()
    found = (lookup("ward", _code(old.code, "ward"), "2004") for old in entry.old_wards)
    return tuple(u for u in found if u is not None)


# ---- finding units by name (free-text addresses: `ocop import`) -------------------------------------

# The unit types a name may start with, folded (as `fold` writes them), longest first. Official names start
# with their type ("Xã Thanh An", "Thị trấn Tứ Kỳ", "Thành phố Hải Dương"); typed names may too.
UNIT_TYPES = ("thanh pho", "thi tran", "thi xa", "dac khu", "tinh", "huyen", "quan", "phuong", "xa")
WARD_TYPES = frozenset({"xa", "phuong", "thi tran", "dac khu"})
DISTRICT_TYPES = frozenset({"huyen", "quan", "thi xa", "thanh pho"})
PROVINCE_TYPES = frozenset({"tinh", "thanh pho"})


TYPE_WORDS = {"thanh pho": "thành phố", "thi tran": "thị trấn", "thi xa": "thị xã", "dac khu": "đặc khu",
              "tinh": "tỉnh", "huyen": "huyện", "quan": "quận", "phuong": "phường", "xa": "xã"}


def split_type(name: str) -> tuple[str, str]:
    """(type, the rest) of a unit name: "Thị trấn Tứ Kỳ" → ("thi tran", "Tứ Kỳ"); no type → ("", name).

    A type word is recognised with its accents or with none ("thi tran"), so the name "Phương Liệt" does not
    start with the type "phường"."""
    words = name.split()
    for kind in UNIT_TYPES:
        size = kind.count(" ") + 1
        head = unicodedata.normalize("NFC", " ".join(words[:size])).lower()
        if len(words) > size and head in (TYPE_WORDS[kind], kind):
            return kind, " ".join(words[size:])
    return "", " ".join(words)


def name_key(name: str) -> str:
    """How two spellings of one unit name compare: no type word, case, accents, apostrophes or hyphens; numbers
    without leading zeros ("Phường 01" = "phuong 1", "Ea H'leo" = "ea hleo", "Văn Miếu-Quốc Tử Giám" = the
    official "Văn Miếu - Quốc Tử Giám")."""
    return bare_key(split_type(name)[1])


def bare_key(name: str) -> str:
    """name_key of a name already without its type word ("Phương Liệt" of "Phường Phương Liệt": stripping again
    would take "Phương" for a type)."""
    rest = fold(name).replace("’", "'").replace("'", "").replace("-", " ")
    return " ".join(str(int(w)) if w.isdigit() else w for w in rest.split())


def accent_key(name: str) -> str:
    """bare_key keeping the accents: when "Hòa" and "Hóa" both fold to "hoa", the typed accents decide."""
    rest = unicodedata.normalize("NFC", name).lower().replace("’", "'").replace("'", "").replace("-", " ")
    return " ".join(str(int(w)) if w.isdigit() else w for w in rest.split())


def unit_type(unit: Unit) -> str:
    """The folded type of an official unit ("xa", "phuong", "thi tran", "huyen", "thanh pho", "tinh", …)."""
    return split_type(unit.name)[0]


@functools.cache
def _legacy_tables() -> tuple[dict[str, list[Unit]], dict[str, list[Unit]], dict[str, str]]:
    """2004 code list: districts by province, wards by district, and each ward's district (built once, ~0.2 s)."""
    districts: dict[str, list[Unit]] = {}
    for d in legacy.District.iter_all():
        province = _code(int(d.province_code), "province")
        districts.setdefault(province, []).append(
            Unit("district", _code(int(d.code), "district"), "2004", d.name, province))
    province_of_district = {u.code: u.province_code for units in districts.values() for u in units}
    wards: dict[str, list[Unit]] = {}
    district_of_ward: dict[str, str] = {}
    for w in legacy.Ward.iter_all():
        district = _code(int(w.district_code), "district")
        unit = Unit("ward", _code(int(w.code), "ward"), "2004", w.name, province_of_district.get(district, ""))
        wards.setdefault(district, []).append(unit)
        district_of_ward[unit.code] = district
    return districts, wards, district_of_ward


def legacy_districts_of(province_2004: str) -> list[Unit]:
    return _legacy_tables()[0].get(province_2004, [])


def legacy_wards_of_district(district_2004: str) -> list[Unit]:
    return _legacy_tables()[1].get(district_2004, [])


def legacy_wards_of_province(province_2004: str) -> list[Unit]:
    return [w for d in legacy_districts_of(province_2004) for w in legacy_wards_of_district(d.code)]


def legacy_district_of(ward_2004: str) -> Unit | None:
    district = _legacy_tables()[2].get(ward_2004)
    return lookup("district", district, "2004") if district else None


def legacy_province_units() -> list[Unit]:
    return [u for p in legacy.Province.iter_all()
            if (u := lookup("province", _code(int(p.code), "province"), "2004")) is not None]


def _candidates(level: str, version: str, within: str) -> list[Unit]:
    if level == "province":
        return current_provinces() if version == "2025" else legacy_province_units()
    if version == "2025":
        return wards_of(within) if level == "ward" and lookup("province", within, "2025") else []
    if level == "district":
        return legacy_districts_of(within)
    return legacy_wards_of_district(within) if len(within) == 3 else legacy_wards_of_province(within)


@functools.cache
def _name_index(level: str, version: str, within: str) -> dict[str, tuple[Unit, ...]]:
    index: dict[str, list[Unit]] = {}
    for unit in _candidates(level, version, within):
        index.setdefault(name_key(unit.name), []).append(unit)
    return {k: tuple(v) for k, v in index.items()}


def find(level: str, version: str, within: str, name: str) -> tuple[Unit, ...]:
    """Units of a level in a code list named `name` (without its type word: "Thanh An" for "Xã Thanh An"),
    whatever the case, accents or apostrophes.

    `within`: "" for provinces; the province code for districts and wards (2025 or 2004 list); a 2004 district
    code (3 digits) for the wards of that district.
    """
    return _name_index(level, version, within).get(bare_key(name), ())


def successors(ward_2004: str) -> list[Unit]:
    """The 2025 wards a 2004 ward went into on 01/7/2025 (several when it was split)."""
    entry = ward_conversion.OLD_TO_NEW.get(int(ward_2004))
    found = (lookup("ward", _code(new.code, "ward"), "2025") for new in (entry.new_wards if entry else ()))
    return [u for u in found if u is not None]


def predecessors(ward_2025: str) -> list[Unit]:
    """The 2004 wards a 2025 ward was formed from (whole or in part) on 01/7/2025."""
    try:
        entry = ward_conversion.NEW_TO_OLD.get(int(ward_2025))
    except ValueError:
        return []
    found = (lookup("ward", _code(old.code, "ward"), "2004") for old in (entry.old_wards if entry else ()))
    return [u for u in found if u is not None]
