"""Free-text addresses to official unit codes, through `model.units` (the `vietnam-provinces` code lists).

Accepted: "thôn A, xã X, huyện Y, tỉnh Z" (units before 01/7/2025, code list 2004) and "xã X, tỉnh Z",
"phường X, thành phố Z" (units from 01/7/2025, code list 2025); abbreviations (TT., P., H., TX, TP, Q.),
no accents, the province left out (then it is the one imported into). Nothing is guessed: a unit that is
not in the list, or that several units match, leaves the text as the street and is a finding listing the
candidates; a name that exists only with another type (xã → thị trấn) or only in the other list is a
finding naming the successor, never a silent substitution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ocop.domain import authority
from ocop.model import units
from ocop.model.units import Unit

# Abbreviated types, folded, as officers type them ("TT. Phú Minh", "P.Tây Hồ", "Q1", "TP Hải Dương")
ABBREVIATIONS = {"tt": "thi tran", "tx": "thi xa", "tp": "thanh pho", "p": "phuong", "q": "quan", "h": "huyen",
                 "x": "xa", "t": "tinh"}
ABBREVIATION = re.compile(r"^(tt|tx|tp|p|q|h|x|t)(?:\.\s*|\s+(?=\S)|(?=\d))", re.I)
MAX_STREET = 300


@dataclass
class Part:
    text: str  # as written
    type: str  # folded unit type ("xa", "huyen", "thanh pho"…) or ""
    name: str  # the name without its type


def parse_part(text: str) -> Part:
    text = " ".join(text.split())
    m = ABBREVIATION.match(units.fold(text))
    if m and m.group(1).lower() in ABBREVIATIONS and len(text) > m.end():
        kind = ABBREVIATIONS[m.group(1).lower()]
        if kind in ("tinh", "xa", "huyen") and "." not in m.group(0):
            return Part(text, *units.split_type(text))  # "T ", "X ", "H " without a dot: not abbreviations
        return Part(text, kind, text[m.end():].strip())
    kind, name = units.split_type(text)
    return Part(text, kind, name)


@dataclass
class Issue:
    rule: str  # IMPORT-UNIT, IMPORT-UNIT-RENAMED or IMPORT-PROVINCE
    message: str
    hint: str = ""


@dataclass
class Resolved:
    address: dict  # the schema's address: street?, ward?, district? (2004), province
    issues: list[Issue] = field(default_factory=list)
    ward: Unit | None = None
    complete: bool = False  # a ward was found: the address is fully coded

    @property
    def version(self) -> str:
        return str(self.address["province"]["version"])


def ref(unit: Unit) -> dict[str, str]:
    return {"level": unit.level, "code": unit.code, "version": unit.version, "name": unit.name}


def listed(found: list[Unit] | tuple[Unit, ...], limit: int = 6) -> str:
    names = [f"{u.name} (mã {u.code}{_where(u)}, bộ mã {u.version})" for u in found[:limit]]
    more = f" và {len(found) - limit} đơn vị khác" if len(found) > limit else ""
    return "; ".join(names) + more


def _where(unit: Unit) -> str:
    if unit.version == "2004" and unit.level == "ward":
        district = units.legacy_district_of(unit.code)
        return f", {district.name}" if district else ""
    return ""


class Resolver:
    """Addresses of one province (its 2025 code), with the 2004 provinces that merged into it."""

    def __init__(self, province_2025: str) -> None:
        self.code = province_2025
        self.province = units.lookup("province", province_2025, "2025")
        self.legacy = units.legacy_provinces_of(province_2025)
        self._cache: dict[str, Resolved] = {}

    def resolve(self, text: str) -> Resolved:
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self._resolve(text)
        return cached

    def _resolve(self, text: str) -> Resolved:
        parts = [parse_part(p) for p in re.split(r"[,;]", text) if p.strip()]
        i = len(parts) - 1
        versions = {"2025", "2004"}
        legacy_scope = list(self.legacy)
        named_province: Unit | None = None  # a 2004 province the text names (its list then applies)
        if i >= 0:
            outcome = self._province(parts[i])
            if isinstance(outcome, Issue):
                return self._unresolved(text, None, [outcome])
            if outcome is not None:
                versions, legacy_scope, named_province = outcome
                i -= 1
        district: Unit | None = None
        if i >= 0 and "2004" in versions:
            part = parts[i]
            maybe_district = part.type in units.DISTRICT_TYPES or (not part.type and i >= 1)
            if maybe_district:
                found = self._typed(part, [u for p in legacy_scope for u in units.find("district", "2004", p, part.name)])
                if isinstance(found, Issue):
                    if part.type:
                        return self._unresolved(text, named_province, [found])
                elif found is not None:
                    district, versions = found, {"2004"}
                    i -= 1
                elif part.type in units.DISTRICT_TYPES - {"thanh pho"}:
                    return self._unresolved(text, named_province, [Issue(
                        "IMPORT-UNIT", f"Không có {part.text} trong danh mục đơn vị trước 01/7/2025 của "
                        f"{self._scope_name(legacy_scope)}.", "Kiểm tra tên huyện (quận, thị xã).")])
        if i < 0:
            return self._unresolved(text, named_province, [Issue(
                "IMPORT-UNIT", "Địa chỉ không ghi xã (phường, thị trấn).",
                "Ghi địa chỉ dạng «thôn …, xã …, tỉnh …»; hồ sơ giữ nguyên văn địa chỉ.")], district)
        part = parts[i]
        if part.type and part.type not in units.WARD_TYPES:
            return self._unresolved(text, named_province, [Issue(
                "IMPORT-UNIT", f"Không xác định được xã (phường, thị trấn) trong «{part.text}».",
                "Ghi địa chỉ dạng «thôn …, xã …, tỉnh …»; hồ sơ giữ nguyên văn địa chỉ.")], district)
        ward, issue = self._ward(part, versions, legacy_scope, district, named_province)
        if ward is None:
            if issue is None:
                where = self._place(district, named_province)
                issue = Issue("IMPORT-UNIT", f"Không có {part.text} trong danh mục của {where}." if part.type else
                              f"Không tìm thấy xã (phường, thị trấn) nào của {where} trong địa chỉ.",
                              "Kiểm tra tên xã (phường, thị trấn); hồ sơ giữ nguyên văn địa chỉ ở trường street.")
            return self._unresolved(text, named_province, [issue], district)
        street = ", ".join(p.text for p in parts[:i])
        return self._resolved(ward, street)

    # -- the parts, right to left

    def _province(self, part: Part) -> tuple[set[str], list[str], Unit | None] | Issue | None:
        """(code lists, 2004 provinces in scope, the 2004 province named) when the part names a province."""
        if part.type not in ("", "tinh", "thanh pho"):
            return None
        now = [u for u in units.find("province", "2025", "", part.name)]
        before = [u for u in units.find("province", "2004", "", part.name)]
        here_now = [u for u in now if u.code == self.code]
        here_before = [u for u in before if u.code in self.legacy]
        if here_now or here_before:
            versions = ({"2025"} if here_now else set()) | ({"2004"} if here_before else set())
            named = here_before[0] if here_before and not here_now else None
            return versions, [u.code for u in here_before] or list(self.legacy), named
        if now or before:
            if part.type == "thanh pho" and any(units.find("district", "2004", p, part.name) for p in self.legacy):
                return None  # a provincial city (district level) that shares its name with a province elsewhere
            other = (now or before)[0]
            current = units.lookup("province", units.rolls_up_to({"level": "province", "code": other.code,
                                                                   "version": other.version}) or "", "2025")
            return Issue("IMPORT-PROVINCE",
                         f"Địa chỉ ở {other.name}" + (f" (nay thuộc {current.name})" if current and current.name != other.name else "")
                         + f", không thuộc {self.province.name if self.province else self.code}.",
                         "Nhập dòng này vào đúng tỉnh (--province), hoặc sửa địa chỉ.")
        if part.type == "tinh":
            return Issue("IMPORT-UNIT", f"Không có «{part.text}» trong danh mục tỉnh, thành phố.",
                         "Kiểm tra tên tỉnh; hồ sơ giữ nguyên văn địa chỉ ở trường street.")
        return None

    def _typed(self, part: Part, found: list[Unit]) -> Unit | Issue | None:
        """One unit of the part's type among `found`; an Issue when several, or only other types, match."""
        if not found:
            return None
        same = [u for u in found if not part.type or units.unit_type(u) == part.type]
        if not same:
            return Issue("IMPORT-UNIT-RENAMED",
                         f"«{part.text}» không có trong danh mục với loại đơn vị này; cùng tên có: {listed(found)} "
                         "(đã đổi loại đơn vị, ví dụ xã lên thị trấn).",
                         "Nếu đúng là đơn vị này, ghi tên theo danh mục; hồ sơ giữ nguyên văn địa chỉ.")
        if len(same) > 1:
            accent = [u for u in same if units.accent_key(units.split_type(u.name)[1]) == units.accent_key(part.name)]
            if len(accent) == 1:
                return accent[0]
            return Issue("IMPORT-UNIT", f"«{part.text}» khớp nhiều đơn vị: {listed(same)}.",
                         "Ghi thêm huyện hoặc viết đúng dấu để phân biệt; hồ sơ giữ nguyên văn địa chỉ.")
        return same[0]

    def _ward(self, part: Part, versions: set[str], legacy_scope: list[str], district: Unit | None,
              named_province: Unit | None) -> tuple[Unit | None, Issue | None]:
        if district is not None:
            found = self._typed(part, list(units.find("ward", "2004", district.code, part.name)))
            return (found, None) if isinstance(found, Unit) else (None, found)
        if "2025" in versions:
            found = self._typed(part, list(units.find("ward", "2025", self.code, part.name)))
            if found is not None:
                return (found, None) if isinstance(found, Unit) else (None, found)
        old = [u for p in self.legacy for u in units.find("ward", "2004", p, part.name)]
        found = self._typed(part, old)
        if not isinstance(found, Unit):
            return None, found
        if "2004" in versions and found.province_code in legacy_scope:
            return found, None
        # a unit of the old list written with the new province: it no longer exists under that name
        after = units.successors(found.code)
        return None, Issue("IMPORT-UNIT-RENAMED",
                           f"{found.name}{_where(found)} là đơn vị trước 01/7/2025; từ ngày đó thuộc: "
                           f"{listed(after) if after else '(không rõ)'}.",
                           "Ghi địa chỉ theo đơn vị hiện hành (xem đơn vị kế tiếp), hoặc ghi đủ huyện, tỉnh cũ; "
                           "hồ sơ giữ nguyên văn địa chỉ.")

    # -- results

    def _resolved(self, ward: Unit, street: str) -> Resolved:
        address: dict = {}
        if street:
            address["street"] = street[:MAX_STREET]
        address["ward"] = ref(ward)
        if ward.version == "2004":
            district = units.legacy_district_of(ward.code)
            if district is not None:
                address["district"] = ref(district)
        province = units.lookup("province", ward.province_code, ward.version)
        address["province"] = ref(province) if province else ref(self.province)  # type: ignore[arg-type]
        return Resolved(address, [], ward, True)

    def _unresolved(self, text: str, named_province: Unit | None, issues: list[Issue],
                    district: Unit | None = None) -> Resolved:
        address: dict = {"street": " ".join(text.split())[:MAX_STREET]}
        if district is not None:
            address["district"] = ref(district)
            province = units.lookup("province", district.province_code, "2004")
        else:
            province = named_province or self.province
        address["province"] = ref(province)  # type: ignore[arg-type]
        return Resolved(address, issues)

    def _scope_name(self, scope: list[str]) -> str:
        names = [u.name for c in scope if (u := units.lookup("province", c, "2004")) is not None]
        return ", ".join(names) or self.code

    def _place(self, district: Unit | None, named: Unit | None) -> str:
        if district is not None:
            return district.name
        if named is not None:
            return named.name
        return (self.province.name if self.province else self.code) + " (cả đơn vị trước 01/7/2025)"

    def renamed(self, resolved: Resolved, date: str | None) -> Issue | None:
        """IMPORT-UNIT-RENAMED for a unit of the 2004 list on a decision dated from 01/7/2025 on."""
        if resolved.ward is None or not date or resolved.ward.version == getattr(authority.code_version_on(date), "name", None):
            return None  # the unit's code list was in use on the decision date
        after = units.successors(resolved.ward.code)
        return Issue("IMPORT-UNIT-RENAMED",
                     f"{resolved.ward.name}{_where(resolved.ward)} không còn từ 01/7/2025, trước ngày quyết định "
                     f"{date}; đơn vị kế tiếp: {listed(after) if after else '(không rõ)'}. Hồ sơ giữ đơn vị như "
                     "bảng ghi (bộ mã 2004).",
                     "Nếu chủ thể đã dùng địa chỉ mới, ghi đơn vị kế tiếp vào bảng tính rồi nhập lại.")
