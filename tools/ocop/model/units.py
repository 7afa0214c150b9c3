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

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode


class _LazyModule:
    """A module imported on first use: the 2004 code list and the conversion tables take ~0.2 s to
    import, and checking a record that uses only 2025 codes never needs them."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> object:
        return getattr(importlib.import_module(self._name), attr)


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
                p = Province.from_code(ProvinceCode(number))
                return Unit(level, _code(number, level), version, p.name, _code(number, "province"))
            if level == "ward":
                w = Ward.from_code(WardCode(number))
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
    return [lookup("province", _code(int(p.code), "province"), "2025") for p in Province.iter_all()]  # type: ignore[misc]


def wards_of(code_2025: str) -> list[Unit]:
    return [
        Unit("ward", _code(int(w.code), "ward"), "2025", w.name, code_2025)
        for w in Ward.iter_by_province(ProvinceCode(int(code_2025)))
    ]


_PREFIXES = re.compile(r"^(tỉnh|thành phố|tp\.?|thị xã|quận|huyện|xã|phường|thị trấn|đặc khu)\s+", re.I)


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
