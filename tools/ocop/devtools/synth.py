"""`ocop synth`: a realistic registry of national size, for benchmarks and scale tests.

Valid by construction (real unit codes, issuers allowed to grant each star on each date, scores
inside the star band, certificates listed in their decisions); `--errors N` then breaks N files in
the ways officers do. Records are written from string templates: yaml.dump would dominate the time.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from vietnam_provinces.legacy import base as legacy
from vietnam_provinces.legacy.codes import ProvinceCode as LegacyProvinceCode

from ocop.model import units

GROUPS = ["thuc_pham", "do_uong", "duoc_lieu", "thu_cong_my_nghe", "sinh_vat_canh", "du_lich"]
GROUP_WEIGHTS = [55, 15, 10, 10, 5, 5]
NOUNS = {
    "thuc_pham": ["Gạo", "Mật ong", "Bánh", "Nước mắm", "Chả", "Mắc ca", "Hồ tiêu", "Miến", "Tương", "Trà"],
    "do_uong": ["Rượu", "Cà phê", "Trà", "Nước ép", "Mật ong"],
    "duoc_lieu": ["Cao", "Trà thảo dược", "Tinh dầu", "Sâm", "Cao dược liệu"],
    "thu_cong_my_nghe": ["Gốm", "Mây tre đan", "Chiếu cói", "Lụa", "Đồ gỗ"],
    "sinh_vat_canh": ["Hoa lan", "Bonsai", "Cây cảnh", "Cá cảnh"],
    "du_lich": ["Điểm du lịch", "Homestay", "Du lịch trải nghiệm"],
}
ADJECTIVES = ["đặc sản", "truyền thống", "hữu cơ", "thượng hạng", "làng nghề", "sạch", "xanh", "quê"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Hiếu", "Thị Lan", "Văn Nam", "Ngọc Mai"]
PRODUCER_TYPES = ["htx", "doanh_nghiep", "ho_kinh_doanh", "to_hop_tac"]
PRODUCER_WEIGHTS = [32, 22, 32, 14]
PRODUCER_PREFIX = {"htx": "Hợp tác xã", "doanh_nghiep": "Công ty TNHH", "ho_kinh_doanh": "Hộ kinh doanh",
                   "to_hop_tac": "Tổ hợp tác"}
REFORM_END = "2025-07-05"


def q(value: object) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted scalars."""
    return json.dumps(value, ensure_ascii=False)


def lower_first(name: str) -> str:
    """"Tỉnh Hải Dương" → "tỉnh Hải Dương", as in "UBND tỉnh Hải Dương"."""
    return name[:1].lower() + name[1:]


def unit(u: units.Unit) -> str:
    return f"{{level: {u.level}, code: {q(u.code)}, version: {q(u.version)}, name: {q(u.name)}}}"


@dataclass
class Province:
    slug: str
    code: str
    name: str
    wards: list[units.Unit]
    legacy_province: units.Unit
    legacy_districts: list[units.Unit]


def provinces() -> list[Province]:
    out = []
    for p in units.current_provinces():
        old_code = units.legacy_provinces_of(p.code)[0]
        old = units.lookup("province", old_code, "2004")
        districts = [units.lookup("district", str(int(d.code)).zfill(3), "2004")
                     for d in legacy.District.iter_by_province(LegacyProvinceCode(int(old_code)))]
        out.append(Province(units.slug(p.name), p.code, p.name, units.wards_of(p.code), old,
                            [d for d in districts if d]))
    return out


class Writer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.files = 0

    def write(self, rel: str, text: str) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        self.files += 1


def synth(out: Path, products: int = 20000, producers: int | None = None, certificates: int | None = None,
          seed: int = 2025, errors: int = 0) -> dict[str, int]:
    rng = random.Random(seed)
    producers = producers or max(1, products * 9 // 20)
    certificates = certificates or products * 5 // 4
    if out.exists():
        shutil.rmtree(out)
    w = Writer(out)
    repo = Path(__file__).resolve().parents[3]
    shutil.copytree(repo / "schemas", out / "schemas")
    (out / "registry").mkdir(parents=True)
    shutil.copy(repo / "registry" / "provinces.yaml", out / "registry" / "provinces.yaml")
    provs = provinces()
    producer_ids = _producers(w, rng, provs, producers)
    product_rows = _products(w, rng, provs, producer_ids, products)
    counts = _certificates(w, rng, provs, product_rows, certificates)
    _test_keys(w, random.Random(seed), [p.slug for p in provs])
    counts.update(producers=producers, products=products)
    if errors:
        counts["errors"] = inject_errors(out, rng, errors)
    counts["files"] = w.files
    return counts


def _test_keys(w: Writer, rng: random.Random, slugs: list[str]) -> None:
    """A TEST signing key for every province and the national one, so a synthetic build signs every stamp."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ocop.model.keys import b64u, kid_of

    for slug in ["trung-uong", *slugs]:
        seed = rng.randbytes(32)
        public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
        w.write(f"registry/keys/{slug}.yaml",
                f"province: {slug}\nsample: true\nkeys:\n  - kid: \"{kid_of(public)}\"\n    algorithm: Ed25519\n"
                f"    public_key: \"{b64u(public)}\"\n    valid_from: \"2015-01-01\"\n    valid_to: \"2035-12-31\"\n"
                f"    test: true\n    test_private_key: \"{b64u(seed)}\"\n    note: KHÓA THỬ NGHIỆM của dữ liệu tổng hợp\n")


def _address(rng: random.Random, p: Province) -> tuple[str, units.Unit]:
    ward = rng.choice(p.wards)
    text = (f"address:\n  street: {q(f'Thôn {rng.randint(1, 12)}')}\n  ward: {unit(ward)}\n"
            f"  province: {unit(units.lookup('province', p.code, '2025'))}\n")
    return text, ward


def _producers(w: Writer, rng: random.Random, provs: list[Province], n: int) -> dict[str, list[str]]:
    by_province: dict[str, list[str]] = defaultdict(list)
    for i in range(n):
        p = provs[i % len(provs)]
        pid = f"ct-{p.slug}-{len(by_province[p.slug]) + 1:04d}"
        kind = rng.choices(PRODUCER_TYPES, PRODUCER_WEIGHTS)[0]
        ident = (f"tax_code: {q(str(rng.randint(10**9, 10**10 - 1)).zfill(10))}\n" if kind in ("htx", "doanh_nghiep")
                 else f"registration_number: {q(f'{p.code}A{rng.randint(10**7, 10**8 - 1)}')}\n")
        person = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        address, _ = _address(rng, p)
        w.write(f"registry/{p.slug}/producers/{pid}.yaml",
                f"id: {pid}\nprovince: {p.slug}\nsample: true\n"
                f"name: {q(f'{PRODUCER_PREFIX[kind]} {rng.choice(ADJECTIVES)} {p.name.split(maxsplit=1)[-1]} {i}')}\n"
                f"type: {kind}\n{ident}representative: {{name: {q(person)}, position: {q('Giám đốc')}}}\n"
                f"contacts: {{phone: {q('09' + str(rng.randint(10**7, 10**8 - 1)))}}}\n{address}")
        by_province[p.slug].append(pid)
    return by_province


def _products(w: Writer, rng: random.Random, provs: list[Province], producer_ids: dict[str, list[str]],
              n: int) -> list[tuple[Province, str, str]]:
    rows = []
    counters: dict[str, int] = defaultdict(int)
    for i in range(n):
        p = provs[i % len(provs)]
        counters[p.slug] += 1
        sid = f"sp-{p.slug}-{counters[p.slug]:04d}"
        group = rng.choices(GROUPS, GROUP_WEIGHTS)[0]
        name = f"{rng.choice(NOUNS[group])} {rng.choice(ADJECTIVES)} {p.name.split(maxsplit=1)[-1]}"
        address, _ = _address(rng, p)
        w.write(f"registry/{p.slug}/products/{sid}.yaml",
                f"id: {sid}\nprovince: {p.slug}\nsample: true\nname: {q(name)}\n"
                f"producer: {rng.choice(producer_ids[p.slug])}\n"
                f"classification: {{criteria_set: \"148/2023\", group: {group}}}\n"
                f"description: {q(f'{name}, sản phẩm tiêu biểu của địa phương, sản xuất theo quy trình khép kín.')}\n"
                f"story: {q('Câu chuyện sản phẩm gắn với nghề truyền thống của làng và nguồn nguyên liệu tại chỗ.')}\n"
                f"raw_material_origin: {q('Nguyên liệu trong tỉnh.')}\n"
                f"sales_channels:\n  - {{type: website, name: {q('Trang web')}, url: {q(f'https://example.vn/{sid}')}}}\n"
                f"{address}")
        rows.append((p, sid, group))
    return rows


def _issuer(rng: random.Random, p: Province, star: int, date: str) -> tuple[str, str]:
    """(issuer block, folder slug): who could grant this star on this date (QĐ 148 and 1489)."""
    if star == 5:
        ministry = "Bộ Nông nghiệp và Môi trường" if date >= "2025-03-01" else "Bộ Nông nghiệp và Phát triển nông thôn"
        return (f"issuer: {{level: central, name: {q(ministry)}}}\n", "trung-uong")
    if date > REFORM_END:
        return (f"issuer:\n  level: province\n  name: {q('UBND ' + lower_first(p.name))}\n"
                f"  unit: {unit(units.lookup('province', p.code, '2025'))}\n", p.slug)
    if star == 3 and p.legacy_districts:
        d = rng.choice(p.legacy_districts)
        return (f"issuer:\n  level: district\n  name: {q('UBND ' + lower_first(d.name))}\n  unit: {unit(d)}\n", p.slug)
    return (f"issuer:\n  level: province\n  name: {q('UBND ' + lower_first(p.legacy_province.name))}\n"
            f"  unit: {unit(p.legacy_province)}\n", p.slug)


def _certificates(w: Writer, rng: random.Random, provs: list[Province],
                  rows: list[tuple[Province, str, str]], n: int) -> dict[str, int]:
    # from April 2023: every evaluation (two weeks before its decision) falls under criteria set 148/2023
    start, span = dt.date(2023, 4, 1), (dt.date(2026, 10, 31) - dt.date(2023, 4, 1)).days
    batches: dict[tuple, list] = defaultdict(list)
    for i in range(n):
        p, sid, group = rows[i % len(rows)] if i < len(rows) else rng.choice(rows)
        star = rng.choices([3, 4, 5], [70, 29, 1])[0]
        date = start + dt.timedelta(days=rng.randrange(span))
        date = date.replace(day=min(date.day, 28))
        if dt.date(2025, 7, 1) <= date <= dt.date(2025, 7, 5):  # new codes, old authority: avoid the gap
            date = dt.date(2025, 7, 6)
        # one decision per (province, star, month): a council round
        batches[(p.slug, star, date.strftime("%Y-%m"))].append((p, sid, group, star, date))
    counts = {"certificates": 0, "decisions": 0, "evaluations": 0}
    seq: dict[str, int] = defaultdict(int)
    for (_slug, star, _month), entries in sorted(batches.items()):
        p, date = entries[0][0], entries[0][4].isoformat()
        issuer, folder = _issuer(rng, p, star, date)
        year = date[:4]
        seq[f"qd-{folder}-{year}"] += 1
        qid = f"qd-{folder}-{year}-{seq[f'qd-{folder}-{year}']:03d}"
        lines = []
        for p_, sid, group, _star, _d in entries:
            seq[f"cn-{p_.slug}-{year}"] += 1
            cid = f"cn-{p_.slug}-{year}-{seq[f'cn-{p_.slug}-{year}']:04d}"
            score = _score(rng, star)
            evaluation = _evaluation(w, rng, p_, sid, group, star, score, date, seq) if rng.random() < 0.2 else None
            w.write(f"registry/{p_.slug}/certificates/{year}/{cid}.yaml",
                    f"id: {cid}\nprovince: {p_.slug}\nsample: true\nproduct: {sid}\ndecision: {qid}\nstar: {star}\n"
                    f"score: {score}\n" + (f"evaluation: {evaluation}\n" if evaluation else ""))
            lines.append(f"  - {{product: {sid}, certificate: {cid}, star: {star}, action: new}}\n")
            counts["certificates"] += 1
            counts["evaluations"] += evaluation is not None
        w.write(f"registry/{folder}/decisions/{year}/{qid}.yaml",
                f"id: {qid}\nprovince: {folder}\nsample: true\ntype: recognition\n"
                f"number: {q(f'{rng.randint(100, 9999)}/QĐ-UBND')}\ndate: {q(date)}\n{issuer}"
                f"signer: {{name: {q(rng.choice(SURNAMES) + ' ' + rng.choice(GIVEN))}, position: {q('Phó Chủ tịch')}}}\n"
                f"criteria_set: \"148/2023\"\nentries:\n" + "".join(lines))
        counts["decisions"] += 1
    return counts


def _score(rng: random.Random, star: int) -> float:
    low, high = {3: (50, 69), 4: (70, 89), 5: (90, 97)}[star]
    return float(rng.randint(low, high))


def _evaluation(w: Writer, rng: random.Random, p: Province, sid: str, group: str, star: int, score: float,
                date: str, seq: dict[str, int]) -> str:
    year = date[:4]
    seq[f"dg-{p.slug}-{year}"] += 1
    did = f"dg-{p.slug}-{year}-{seq[f'dg-{p.slug}-{year}']:04d}"
    eval_date = (dt.date.fromisoformat(date) - dt.timedelta(days=14))
    if eval_date.year != int(year):
        eval_date = dt.date(int(year), 1, 1)
    total = int(score)
    a = min(40, total * 40 // 100)
    b = min(25, (total - a) * 25 // 60)
    c = total - a - b
    if c > 35:
        a, c = a + (c - 35), 35
    level = "central" if star == 5 else ("province" if date > REFORM_END or star == 4 else "district")
    w.write(f"registry/{p.slug}/evaluations/{year}/{did}.yaml",
            f"id: {did}\nprovince: {p.slug}\nsample: true\nproduct: {sid}\ndate: {q(eval_date.isoformat())}\n"
            f"council: {{level: {level}, name: {q('Hội đồng đánh giá, phân hạng sản phẩm OCOP')}}}\n"
            f"criteria_set: \"148/2023\"\nproduct_set: {q('148-' + group.replace('_', '-'))}\n"
            f"members:\n  - {{name: {q('Hội đồng')}, parts: {{A: {a}, B: {b}, C: {c}}}}}\ntotal: {float(total)}\nstar: {star}\n")
    return did


def inject_errors(root: Path, rng: random.Random, count: int) -> int:
    """Break `count` product files the way hurried editing does."""
    files = sorted((root / "registry").glob("*/products/*.yaml"))
    breakers = [
        lambda t: t.replace("name:", "ten:", 1),                       # unknown key + missing required
        lambda t: t.replace("producer: ct-", "producer: ct-x-", 1),      # dangling reference
        lambda t: t.replace("description: ", "description: : ", 1),     # YAML syntax
        lambda t: t.replace("group: ", "group: banh_keo_", 1),           # bad enum
    ]
    for i, path in enumerate(rng.sample(files, min(count, len(files)))):
        path.write_text(breakers[i % len(breakers)](path.read_text("utf-8")), "utf-8")
    return min(count, len(files))


# ---- a provincial annex workbook (`ocop synth --xlsx`), for `ocop import` ---------------------------------

GROUP_NAMES_148 = {"thuc_pham": "Thực phẩm", "do_uong": "Đồ uống", "duoc_lieu": "Dược liệu và sản phẩm từ dược liệu",
                   "thu_cong_my_nghe": "Hàng thủ công mỹ nghệ", "sinh_vat_canh": "Sinh vật cảnh",
                   "du_lich": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"}
ANNEX_COLUMNS = ["STT", "Tên sản phẩm", "Chủ thể", None, None, None, None, "Nhóm sản phẩm", "Kết quả", None,
                 "Quyết định công nhận", None]
ANNEX_SUBCOLUMNS = [None, None, "Tên chủ thể", "Địa chỉ", "Mã số thuế", "Người đại diện", "Điện thoại", None,
                    "Số sao", "Điểm", "Số", "Ngày"]


def synth_xlsx(out: Path, rows: int = 20000, province: str = "ha-noi", seed: int = 2025) -> dict[str, int]:
    """A provincial annex table of `rows` products as officers keep it: title rows, a two-row header with merged
    cells, a row of column numbers, section rows per commune, a total row; stars as "3 sao", "4★", "03" or 3;
    tax codes and phones sometimes number cells (leading zero lost); dates as date cells or dd/mm/yyyy text;
    addresses in the 2025 form, the 2004 form (with district) or abbreviated without accents.

    Every row is importable into `province` (decisions from 06/7/2025, when the province grants 3★ and 4★);
    2004-form addresses on those decisions are IMPORT-UNIT-RENAMED warnings, as in real annexes.
    """
    import openpyxl

    rng = random.Random(seed)
    p = next(x for x in provinces() if x.slug == province)
    legacy_wards = [w for d in p.legacy_districts for w in units.legacy_wards_of_district(d.code)]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Phụ lục"
    ws.append([f"UBND {p.name.upper()}"])
    ws.append(["DANH SÁCH SẢN PHẨM OCOP ĐƯỢC CÔNG NHẬN"])
    ws.append(["(Kèm theo các Quyết định công nhận kết quả đánh giá, phân hạng sản phẩm OCOP)"])
    ws.append([])
    ws.append(ANNEX_COLUMNS)
    ws.append(ANNEX_SUBCOLUMNS)
    for column in "ABH":
        ws.merge_cells(f"{column}5:{column}6")
    for span in ("C5:G5", "I5:J5", "K5:L5"):
        ws.merge_cells(span)
    ws.append([f"({i})" for i in range(1, 13)])
    producers = []
    for i in range(max(1, rows * 9 // 20)):
        kind = rng.choices(PRODUCER_TYPES, PRODUCER_WEIGHTS)[0]
        name = f"{PRODUCER_PREFIX[kind]} {rng.choice(ADJECTIVES)} {p.name.split(maxsplit=1)[-1]} {i + 1}"
        tax = str(rng.randint(10**8, 10**10 - 1)).zfill(10)
        producers.append((name, tax, f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}", _annex_address(rng, p, legacy_wards),
                          "09" + str(rng.randint(10**7, 10**8 - 1))))
    start, span = dt.date(2025, 7, 6), (dt.date(2026, 10, 31) - dt.date(2025, 7, 6)).days
    per_decision = 500
    decisions = [(f"{rng.randint(100, 9999)}/QĐ-UBND", start + dt.timedelta(days=rng.randrange(span)))
                 for _ in range(max(1, rows // per_decision + 1))]
    counts = {"rows": rows, "producers": 0, "sections": 0}
    used: set[int] = set()
    for i in range(rows):
        if i % 500 == 0:
            ws.append([_roman(i // 500 + 1), f"Đợt {i // 500 + 1}"])
            counts["sections"] += 1
        index = i % len(producers) if i < len(producers) else rng.randrange(len(producers))
        used.add(index)
        name, tax, person, address, phone = producers[index]
        group = rng.choices(GROUPS, GROUP_WEIGHTS)[0]
        star = rng.choices([3, 4], [70, 30])[0]
        number, date = decisions[i // per_decision]
        low, high = {3: (50, 69), 4: (70, 89)}[star]
        score: object = rng.randint(low, high)
        if rng.random() < 0.2:
            score = f"{score},5" if score < high else str(score)
        ws.append([
            i + 1,
            f"{rng.choice(NOUNS[group])} {rng.choice(ADJECTIVES)} số {i + 1}",
            name, address,
            int(tax) if rng.random() < 0.3 else tax,
            person,
            int(phone) if rng.random() < 0.2 else phone,
            GROUP_NAMES_148[group],
            rng.choice([f"{star} sao", f"{star}★", f"0{star}", star]),
            score, number,
            dt.datetime.combine(date, dt.time()) if rng.random() < 0.5 else date.strftime("%d/%m/%Y"),
        ])
    ws.append([None, f"Tổng cộng: {rows} sản phẩm"])
    counts["producers"] = len(used)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return counts


def _annex_address(rng: random.Random, p: Province, legacy_wards: list[units.Unit]) -> str:
    village = f"Thôn {rng.randint(1, 12)}"
    roll = rng.random()
    if roll < 0.1 and legacy_wards:  # the 2004 form, with the district
        ward = rng.choice(legacy_wards)
        district = units.legacy_district_of(ward.code)
        return f"{village}, {lower_first(ward.name)}, {lower_first(district.name) if district else ''}, {lower_first(p.name)}"
    ward = rng.choice(p.wards)
    if roll < 0.15:  # abbreviated and without accents
        kind, rest = units.split_type(ward.name)
        short = {"xa": "X.", "phuong": "P.", "dac khu": "Đặc khu"}.get(kind, "")
        return f"{units.fold(village).title()}, {short} {rest}, TP. {p.name.split(maxsplit=2)[-1]}"
    return f"{village}, {lower_first(ward.name)}, {lower_first(p.name)}"


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out
