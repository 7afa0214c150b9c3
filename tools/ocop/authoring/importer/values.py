"""Reading one cell's value the way provinces write it: "3 sao", "3★", "03"; numbers stored as text; dates
as Excel serials or dd/mm/yyyy; tax codes whose leading zero Excel dropped. A value that cannot be read
raises `Problem` (a Vietnamese message); nothing is guessed."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from ocop.authoring.importer.sheet import Formula
from ocop.domain import national
from ocop.load.loader import REFUSED_CHARS, printable
from ocop.model.units import fold

SHOWN = 60  # characters of a value quoted in a message


class Problem(Exception):
    def __init__(self, message: str, hint: str = "", rule: str = "IMPORT-VALUE") -> None:
        super().__init__(message)
        self.message, self.hint, self.rule = message, hint, rule


def thousands(number: int) -> str:
    """100.000: Vietnamese groups thousands with dots."""
    return f"{number:,}".replace(",", ".")


def shown(value: Any) -> str:
    """A cell value quoted in a message: one line, control characters visible, at most SHOWN characters."""
    text = value if isinstance(value, str) else str(value)
    text = printable(text.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def text(value: Any, max_len: int | None = None) -> str | None:
    """Plain one-line text (NFC, spaces collapsed), or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, Formula):
        raise Problem(f"Ô chứa công thức «{shown(value)}»; công thức không được tính khi nhập.",
                      "Sao chép cột rồi «Dán đặc biệt → Giá trị» (Paste Values) để thay công thức bằng giá trị.")
    if isinstance(value, bool):
        raise Problem(f"Ô chứa giá trị đúng/sai «{value}», không phải văn bản.")
    if isinstance(value, float):
        out = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, (dt.datetime, dt.date)):
        out = value.strftime("%d/%m/%Y")
    else:
        out = str(value)
    out = unicodedata.normalize("NFC", out)
    if REFUSED_CHARS.search(out):
        raise Problem(f"Ô chứa ký tự điều khiển không nhìn thấy: «{shown(out)}».",
                      "Gõ lại nội dung ô (ký tự lạ thường do sao chép từ phần mềm khác).")
    out = " ".join(out.split())
    if not out:
        return None
    if max_len is not None and len(out) > max_len:
        raise Problem(f"Ô dài {thousands(len(out))} ký tự, quá {thousands(max_len)} ký tự cho phép: «{shown(out)}».",
                      "Rút gọn nội dung ô.")
    return out


_WORD_STARS = {"ba": 3, "bon": 4, "nam": 5}


def star(value: Any) -> int | None:
    """3, 4 or 5 from "3 sao", "3★", "★★★", "03", 3, "Ba sao"; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            return _star_range(int(value), str(value))
        raise Problem(f"Hạng sao «{shown(value)}» không phải số nguyên.")
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw)
    if re.fullmatch(r"★+", raw.replace(" ", "")):
        return _star_range(raw.count("★"), raw)
    m = re.match(r"^0*(\d+)\s*(?:sao\b|\*|★|$)", folded)
    if m:
        return _star_range(int(m.group(1)), raw)
    m = re.match(r"^(ba|bon|nam)\s+sao\b", folded)
    if m:
        return _WORD_STARS[m.group(1)]
    raise Problem(f"Không đọc được hạng sao «{shown(raw)}».", "Ghi hạng sao dạng «3 sao», «4★» hoặc số 3, 4, 5.")


def _star_range(number: int, raw: str) -> int:
    if 3 <= number <= 5:
        return number
    raise Problem(f"Hạng sao «{shown(raw)}»: chỉ sản phẩm 3, 4 hoặc 5 sao được công nhận và cấp chứng nhận.",
                  "Kiểm tra lại hạng sao; sản phẩm dưới 3 sao không đưa vào danh sách công nhận.")


def score(value: Any) -> float | int | None:
    """A score 0–100 from 75, 75.5, "75,5", "75 điểm"."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        raw = text(value)
        if raw is None:
            return None
        m = re.fullmatch(r"(\d{1,3})(?:[.,](\d+))?\s*(?:điểm|diem|đ)?", raw.lower())
        if not m:
            raise Problem(f"Không đọc được điểm «{shown(raw)}».", "Ghi điểm là một số từ 0 đến 100, ví dụ 75 hoặc 75,5.")
        number = float(f"{m.group(1)}.{m.group(2) or 0}")
    if not 0 <= number <= 100:
        raise Problem(f"Điểm {shown(value)} ngoài khoảng 0–100.")
    return int(number) if number.is_integer() else round(number, 2)


EXCEL_DATES = (1, 2958465)  # serial numbers of 1900-01-01 … 9999-12-31


def date(value: Any) -> str | None:
    """YYYY-MM-DD from a date cell, an Excel serial number, or text dd/mm/yyyy (also "-" or "."), yyyy-mm-dd,
    "ngày 15 tháng 3 năm 2024". Day first, as Vietnamese documents write it: 03/15/2024 is refused, not swapped."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value)
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw)
    if re.fullmatch(r"\d{5}(\.0+)?", folded):
        return _serial(float(folded))
    m = (re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", folded)
         or re.fullmatch(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})", folded))
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", folded)
        if not m:
            raise Problem(f"Không đọc được ngày «{shown(raw)}».", "Ghi ngày dạng dd/mm/yyyy, ví dụ 15/03/2024.")
        year, month, day = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise Problem(f"Ngày «{shown(raw)}» không tồn tại (đọc theo ngày/tháng/năm).",
                      "Ghi ngày dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ 15/03/2024.") from None


def stated_expiry(value: Any) -> str | None:
    """A certificate's end date as a file states it: only compared with the one worked out from the decision, so
    a value that is not a date is dropped with a warning."""
    try:
        return date(value)
    except Problem as problem:
        raise Problem(problem.message, "Cột ngày hết hạn chỉ để đối chiếu; hiệu lực được tính từ ngày quyết định.",
                      "IMPORT-VALUE-DROPPED") from None


def _serial(number: float) -> str:
    if not (EXCEL_DATES[0] <= number <= EXCEL_DATES[1]) or not float(number).is_integer():
        raise Problem(f"Số «{shown(number)}» không phải một ngày Excel.", "Ghi ngày dạng dd/mm/yyyy, ví dụ 15/03/2024.")
    from openpyxl.utils.datetime import from_excel

    return from_excel(number).date().isoformat()


def tax_code(value: Any) -> str | None:
    """"0101234567" or "0101234567-001". A number cell lost its leading zero in Excel: 101234567 → "0101234567"."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer() or value < 0:
            raise Problem(f"Mã số thuế «{shown(value)}» không phải dãy chữ số.")
        digits = str(int(value))
        if len(digits) in (9, 12):  # Excel stores 0101234567 as the number 101234567
            digits = "0" + digits
        raw = digits
    else:
        raw = text(value) or ""
        if not raw:
            return None
    compact = re.sub(r"[\s.]", "", raw)
    if re.fullmatch(r"\d{13}", compact):
        compact = f"{compact[:10]}-{compact[10:]}"  # the branch code written without its dash
    if not re.fullmatch(r"\d{10}(-\d{3})?", compact):
        raise Problem(f"Mã số thuế «{shown(raw)}» không đúng dạng 10 chữ số (hoặc 10 chữ số, gạch nối, 3 chữ số).",
                      "Định dạng cột là Văn bản (Text) để Excel không bỏ số 0 đầu, rồi ghi lại mã.")
    return compact


PHONE = re.compile(r"\+?[0-9][0-9 .-]{7,18}[0-9]")


def phone(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value)) if float(value).is_integer() else ""
        raw = "0" + digits if len(digits) in (9, 10) and not digits.startswith("0") else digits
    else:
        raw = text(value) or ""
    if not raw:
        return None
    if not PHONE.fullmatch(raw):
        raise Problem(f"Số điện thoại «{shown(raw)}» không đúng dạng (một số, 9–20 chữ số).",
                      "Ghi một số điện thoại trong ô, ví dụ 0912 345 678.", "IMPORT-VALUE-DROPPED")
    return raw


EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def email(value: Any) -> str | None:
    raw = text(value, 200)
    if raw is None:
        return None
    if not EMAIL.fullmatch(raw):
        raise Problem(f"Thư điện tử «{shown(raw)}» không đúng dạng.", "Ghi một địa chỉ, ví dụ htx@example.vn.",
                      "IMPORT-VALUE-DROPPED")
    return raw


def number_text(value: Any, max_len: int) -> str | None:
    """A code or number kept as text ("5445/QĐ-UBND", or 5445 from a number cell)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text(value, max_len)


# ---- product groups (QĐ 148/2023 and 1048/2019) ---------------------------------------------------------

class NationalType(str):
    """A product type of the national OCOP system ("food", "keepsake"…), read through domain/national."""


GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "148/2023": {
        "thuc_pham": ("thuc pham",),
        "do_uong": ("do uong",),
        "duoc_lieu": ("duoc lieu va san pham tu duoc lieu", "duoc lieu"),
        "thu_cong_my_nghe": ("hang thu cong my nghe", "thu cong my nghe"),
        "sinh_vat_canh": ("sinh vat canh",),
        "du_lich": ("dich vu du lich cong dong du lich sinh thai va diem du lich", "dich vu du lich", "du lich"),
    },
    "1048/2019": {
        "thuc_pham": ("thuc pham",),
        "do_uong": ("do uong",),
        "thao_duoc": ("thao duoc",),
        "vai_may_mac": ("vai va may mac", "vai may mac"),
        "luu_niem_noi_that_trang_tri": ("luu niem noi that trang tri",),
        "du_lich_nong_thon_ban_hang": ("dich vu du lich nong thon ban hang", "du lich nong thon ban hang",
                                       "dich vu du lich nong thon", "du lich nong thon"),
    },
}
GROUP_NAMES = {"148/2023": "Thực phẩm; Đồ uống; Dược liệu và sản phẩm từ dược liệu; Hàng thủ công mỹ nghệ; "
                           "Sinh vật cảnh; Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
               "1048/2019": "Thực phẩm; Đồ uống; Thảo dược; Vải và may mặc; Lưu niệm - nội thất - trang trí; "
                            "Dịch vụ du lịch nông thôn, bán hàng"}


def group(value: Any, criteria_set: str) -> tuple[str, str | None] | None:
    """(group code, the text as nhom when it names more than the group) under a criteria set.

    "Thực phẩm" → (thuc_pham, None); "Thực phẩm tươi sống" → (thuc_pham, "Thực phẩm tươi sống"); a code
    ("do_uong") is taken as it is. A group of the other criteria set is refused, not translated.
    """
    if isinstance(value, NationalType):
        return _national_group(value, criteria_set)
    raw = text(value, 200)
    if raw is None:
        return None
    table = GROUPS[criteria_set]
    if raw in table:
        return raw, None
    key = " ".join(re.sub(r"[^0-9a-z]+", " ", fold(raw)).split())
    for prefix in (r"^(?:nhom|nganh hang|nganh)\s+", r"^(?:\d+|[ivx]+)\s+", r"^(?:nhom|nganh hang|nganh)\s+"):
        key = re.sub(prefix, "", key)  # "Nhóm 1: Thực phẩm", "1. Thực phẩm", "Ngành thực phẩm"
    for code, names in table.items():
        for name in names:
            if key == name:
                return code, None
            if key.startswith(name + " "):
                return code, re.sub(r"^\s*(?:\d+|[IVXivx]+)\s*[.:)-]\s*", "", raw) or raw
    other = "1048/2019" if criteria_set == "148/2023" else "148/2023"
    hint = f"Nhóm theo bộ tiêu chí {criteria_set}: {GROUP_NAMES[criteria_set]}."
    if any(key == n or key.startswith(n + " ") for names in GROUPS[other].values() for n in names):
        raise Problem(f"Nhóm «{shown(raw)}» thuộc bộ tiêu chí {other}, không phải {criteria_set} (bộ tiêu chí theo "
                      "ngày quyết định).", hint)
    raise Problem(f"Không nhận ra nhóm sản phẩm «{shown(raw)}».", hint)


def _national_group(value: NationalType, criteria_set: str) -> tuple[str, None]:
    names = national.types()
    found = national.groups_of(str(value), criteria_set)
    if len(found) == 1:
        return found[0], None
    known = ", ".join(f"{code} ({vi})" for code, vi in names.items())
    if not found:
        raise Problem(f"Loại sản phẩm «{shown(value)}» không có trong danh mục của hệ thống OCOP quốc gia.",
                      f"Các loại: {known}.", "IMPORT-UNCLASSIFIED")
    labels = {code: label for code, label in zip(GROUPS[criteria_set], GROUP_NAMES[criteria_set].split("; "),
                                                 strict=True)}
    choices = " hoặc ".join(f"«{labels[g]}» ({g})" for g in found)
    raise Problem(f"Loại «{shown(value)}» ({names[str(value)]}) của hệ thống quốc gia ứng với nhiều nhóm theo bộ tiêu "
                  f"chí {criteria_set}: {choices}. Sản phẩm không được nhập.",
                  "Nhập sản phẩm này bằng bảng tính có cột «Nhóm», hoặc tạo hồ sơ bằng ocop new product; "
                  "cách đối chiếu loại và nhóm: docs-src/interfaces.md.", "IMPORT-UNCLASSIFIED")


# ---- producer type -----------------------------------------------------------------------------------

PRODUCER_TYPES = (  # folded starts of a legal name or of a "Loại hình" cell → the schema's type
    (("cong ty", "cty", "doanh nghiep", "dntn", "chi nhanh cong ty", "tong cong ty"), "doanh_nghiep"),
    (("hop tac xa", "htx", "lien hiep hop tac xa", "lien hiep htx"), "htx"),
    (("to hop tac", "tht"), "to_hop_tac"),
    (("ho kinh doanh", "hkd", "ho gia dinh", "ho ong", "ho ba", "ho san xuat", "co so", "cssx", "ca nhan"),
     "ho_kinh_doanh"),
)
TYPE_CODES = {"doanh_nghiep", "htx", "to_hop_tac", "ho_kinh_doanh"}


def producer_type(explicit: Any, name: str) -> str:
    """The producer's type from a "Loại hình" cell, else from its legal name ("Công ty…", "HTX…", "Hộ kinh
    doanh…"): Vietnamese legal names state the form of the business."""
    given = text(explicit, 100)
    if given:
        if given in TYPE_CODES:
            return given
        found = _type_of(given)
        if found:
            return found
        raise Problem(f"Không nhận ra loại hình «{shown(given)}».",
                      "Ghi một trong: Doanh nghiệp, Hợp tác xã, Tổ hợp tác, Hộ kinh doanh.")
    found = _type_of(name)
    if found:
        return found
    raise Problem(f"Không xác định được loại hình của chủ thể «{shown(name)}» (tên không bắt đầu bằng «Công ty», "
                  "«Hợp tác xã», «Tổ hợp tác» hay «Hộ kinh doanh»).",
                  "Thêm cột «Loại hình» (Doanh nghiệp, Hợp tác xã, Tổ hợp tác, Hộ kinh doanh).", "IMPORT-MISSING")


def _type_of(value: str) -> str | None:
    key = " ".join(re.sub(r"[^0-9a-z]+", " ", fold(value)).split())
    for starts, code in PRODUCER_TYPES:
        if any(key == s or key.startswith(s + " ") for s in starts):
            return code
    return None


# ---- names, as compared when matching ------------------------------------------------------------------

_ABBREVIATIONS = ((r"\bhtx\b", "hop tac xa"), (r"\btht\b", "to hop tac"), (r"\bcty\b", "cong ty"),
                  (r"\bhkd\b", "ho kinh doanh"), (r"\bdntn\b", "doanh nghiep tu nhan"), (r"\bcp\b", "co phan"),
                  (r"\btnhh\b", "trach nhiem huu han"), (r"\bmtv\b", "mot thanh vien"), (r"&", " va "))


def name_key(name: str) -> str:
    """A producer's or product's name as compared: no case, accents or punctuation; legal-form abbreviations
    written out ("HTX" = "Hợp tác xã", "Cty TNHH" = "Công ty trách nhiệm hữu hạn")."""
    key = fold(name)
    for pattern, full in _ABBREVIATIONS:
        key = re.sub(pattern, full, key)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", key).split())


def decision_key(number: str) -> str:
    """A decision number as compared: "5445/QĐ-UBND" = "5445 / qđ-ubnd"."""
    return re.sub(r"\s+", "", fold(number))
