"""Layout rules: the file's name and folder agree with the record; ids are unique; folders stay small."""

from __future__ import annotations

from collections.abc import Iterator

from ocop.check.rules import Context, Provinces
from ocop.findings import Finding, Related, make, rule
from ocop.model.layout import CENTRAL, FOLDER_OF_KIND, YEARLY_KINDS, name_problem, shown
from ocop.model.registry import Record, Registry

MAX_FILES_PER_FOLDER = 1000
ID_PREFIX = {"producer": "ct", "product": "sp", "decision": "qd", "certificate": "cn", "evaluation": "dg", "plan": "kh"}

rule("ID-DUPLICATE", "error", "Mã hồ sơ bị trùng",
     "Mỗi mã hồ sơ chỉ được dùng một lần trong toàn bộ sổ đăng ký, kể cả ở tỉnh khác.",
     example="registry/ha-noi/products/sp-ha-noi-0001.yaml và registry/hai-phong/products/sp-ha-noi-0001.yaml",
     fix="Đổi mã (và tên tệp) của hồ sơ mới sang số tiếp theo còn trống.", family="layout", fixed="registry/hai-phong/products/sp-hai-phong-0001.yaml (mã mới, còn trống)")
rule("ID-FILENAME", "error", "Tên tệp khác mã hồ sơ",
     "Tên tệp (bỏ .yaml) phải trùng với trường id.",
     example="tệp sp-ha-noi-0002.yaml có id: sp-ha-noi-0001", fix="Đổi tên tệp hoặc sửa id cho khớp.", family="layout", fixed="tệp sp-ha-noi-0001.yaml có id: sp-ha-noi-0001")
rule("ID-PREFIX", "warning", "Mã hồ sơ không theo quy ước",
     "Mã hồ sơ nên có dạng <loại>-<tỉnh>-…: ct (chủ thể), sp (sản phẩm), qd (quyết định), cn (chứng nhận), dg (đánh giá), kh (kế hoạch).",
     example="id: product-1 trong registry/ha-noi/products/", fix="Dùng mã dạng sp-ha-noi-0001.", family="layout", fixed="id: sp-ha-noi-0001 trong registry/ha-noi/products/")
rule("LAYOUT-PROVINCE", "error", "Tỉnh của hồ sơ khác thư mục",
     "Trường province phải trùng tên thư mục tỉnh chứa tệp; mỗi tỉnh chỉ sửa hồ sơ trong thư mục của mình.",
     example="registry/ha-noi/products/x.yaml có province: hai-phong",
     fix="Chuyển tệp về thư mục đúng tỉnh hoặc sửa trường province.", family="layout", fixed="registry/ha-noi/products/x.yaml có province: ha-noi")
rule("LAYOUT-UNKNOWN-PROVINCE", "error", "Thư mục tỉnh không có trong danh sách",
     "Thư mục dưới registry/ phải là một trong 34 tỉnh, thành phố hiện hành (registry/provinces.yaml) hoặc trung-uong.",
     example="registry/hai-duong/… (Hải Dương nay thuộc TP Hải Phòng: dùng registry/hai-phong/)",
     fix="Đặt hồ sơ vào thư mục của tỉnh hiện hành kế thừa đơn vị cũ.", family="layout", fixed="registry/hai-phong/… (tỉnh hiện hành sau 01/7/2025)")
rule("LAYOUT-YEAR", "error", "Thư mục năm không khớp ngày",
     "Quyết định, chứng nhận và phiếu đánh giá nằm trong thư mục năm của ngày ban hành/hiệu lực/đánh giá.",
     example="decisions/2023/qd-ha-noi-2024-001.yaml có date: 2024-03-01",
     fix="Chuyển tệp vào thư mục năm đúng.", family="layout", fixed="decisions/2024/qd-ha-noi-2024-001.yaml có date: 2024-03-01")
rule("LAYOUT-CENTRAL", "error", "Sai thư mục trung ương",
     "Thư mục trung-uong chỉ chứa quyết định của cơ quan trung ương; quyết định cấp trung ương phải nằm ở đó.",
     example="registry/ha-noi/decisions/2024/qd-…yaml có issuer.level: central",
     fix="Chuyển quyết định cấp trung ương vào registry/trung-uong/decisions/<năm>/.", family="layout", fixed="registry/trung-uong/decisions/2024/qd-trung-uong-2024-001.yaml có issuer.level: central")
rule("LAYOUT-FOLDER-SIZE", "error", "Thư mục quá nhiều tệp",
     f"Một thư mục không chứa quá {MAX_FILES_PER_FOLDER} tệp (giới hạn liệt kê của GitHub và trình soạn thảo web).",
     example="registry/ha-noi/products/ có 1.200 tệp", fix="Tách theo năm hoặc theo mã.", family="layout", fixed="registry/ha-noi/products/ dưới 1.000 tệp (chia bớt sang tỉnh đúng hoặc báo nhóm kỹ thuật)")
rule("LAYOUT-NAME", "error", "Tên tệp hoặc thư mục không đúng dạng",
     "Mọi thư mục và tệp trong registry/ và plans/ có tên viết thường không dấu bằng chữ ASCII, số và gạch nối "
     "(tệp thêm một đuôi viết thường: .yaml, .jpg…), như mã hồ sơ. Tên có dấu tiếng Việt (kể cả dạng NFD), "
     "chữ hoa, dấu cách, ký tự điều khiển, chữ Kirin trông giống chữ Latinh hay byte không phải UTF-8 làm tên tệp "
     "khác với mã hồ sơ, khác giữa các máy và không khớp được với danh sách tệp thay đổi của git: tệp đó không "
     "được đọc như một hồ sơ.",
     example="registry/hai-phong/products/sp-hải-phòng-0001.yaml", fixed="registry/hai-phong/products/sp-hai-phong-0001.yaml",
     fix="Đổi tên tệp (hoặc thư mục) thành chữ thường không dấu, nối bằng gạch nối, trùng với mã hồ sơ.",
     family="layout", added_in="0.2.0")


def check_names(paths: list[str]) -> list[Finding]:
    """LAYOUT-NAME for each path (under registry/ or plans/) that is not named as the layout requires; the
    finding names the file as it can be printed (`shown`)."""
    out = []
    for rel in paths:
        problem = name_problem(rel)
        if problem is None:
            continue
        hint = (f"Đổi «{problem.part}» thành «{problem.suggestion}»." if problem.suggestion else
                "Gõ lại tên bằng chữ thường không dấu (a–z), số và gạch nối, trùng với mã hồ sơ.")
        out.append(make("LAYOUT-NAME", shown(rel), 1, 1,
                        f"Tên «{problem.part}» {problem.reason}; sổ đăng ký không đọc tệp có tên như vậy.", hint))
    return out


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    del ctx
    yield from _duplicates(registry)
    for folder, count in registry.folder_sizes.items():
        if count > MAX_FILES_PER_FOLDER:
            yield make("LAYOUT-FOLDER-SIZE", folder + "/", 1, 1, f"Thư mục «{folder}» có {count} tệp (tối đa {MAX_FILES_PER_FOLDER}).")


def _duplicates(registry: Registry) -> Iterator[Finding]:
    for first, second in registry.duplicates:
        line, column = second.locate("id")
        first_line, first_column = first.locate("id")
        yield make("ID-DUPLICATE", second.path, line, column,
                   f"Mã «{second.id}» đã được dùng ở «{first.path}».",
                   related=[Related(first.path, first_line, first_column, "hồ sơ đã dùng mã này trước")])


def check_record(record: Record, provinces: Provinces) -> Iterator[Finding]:
    """Name, prefix, province folder, central folder and year folder: what one file's path must agree with."""
    kind, known, loc = record.kind, provinces.folders, record.location
    if isinstance(record.get("id"), str) and record.id != loc.stem:
        line, column = record.locate("id")
        yield make("ID-FILENAME", record.path, line, column,
                   f"Tên tệp «{loc.stem}.yaml» khác mã hồ sơ «{record.id}».",
                   f"Đổi tên tệp thành «{record.id}.yaml» hoặc sửa id thành «{loc.stem}».")
    prefix = ID_PREFIX[kind]
    if not record.id.startswith(prefix + "-"):
        line, column = record.locate("id")
        yield make("ID-PREFIX", record.path, line, column, f"Mã «{record.id}» nên bắt đầu bằng «{prefix}-».")
    if kind == "plan":
        return
    province = record.get("province")
    if loc.province_folder not in known:
        yield make("LAYOUT-UNKNOWN-PROVINCE", record.path, 1, 1,
                   f"Thư mục «registry/{loc.province_folder}» không phải tỉnh, thành phố hiện hành.")
    elif isinstance(province, str) and province != loc.province_folder:
        line, column = record.locate("province")
        yield make("LAYOUT-PROVINCE", record.path, line, column,
                   f"Hồ sơ ghi province: {province} nhưng nằm trong thư mục «{loc.province_folder}».")
    yield from _central(record, kind)
    if kind in YEARLY_KINDS:
        yield from _year(record, kind)


def _central(record: Record, kind: str) -> Iterator[Finding]:
    in_central = record.location.province_folder == CENTRAL
    issuer = record.get("issuer")
    is_central = kind == "decision" and isinstance(issuer, dict) and issuer.get("level") == "central"
    if kind == "decision" and is_central != in_central:
        line, column = record.locate("issuer", "level")
        where = "registry/trung-uong/decisions/<năm>/" if is_central else f"registry/<tỉnh>/{FOLDER_OF_KIND[kind]}/<năm>/"
        yield make("LAYOUT-CENTRAL", record.path, line, column,
                   "Quyết định cấp trung ương phải nằm trong thư mục trung-uong." if is_central
                   else "Thư mục trung-uong chỉ chứa quyết định của cơ quan trung ương.",
                   f"Chuyển tệp vào {where}.")
    elif kind != "decision" and in_central:
        yield make("LAYOUT-CENTRAL", record.path, 1, 1, "Thư mục trung-uong chỉ chứa quyết định.",
                   "Chứng nhận và sản phẩm nằm trong thư mục tỉnh của sản phẩm.")


def year_of(record: Record, registry: Registry | None = None) -> tuple[str | None, tuple]:
    """The date that decides a yearly record's folder, and the key path it comes from."""
    if record.kind == "certificate":
        if isinstance(record.get("valid_from"), str):
            return record.get("valid_from"), ("valid_from",)
        decision = registry.get("decision", record.get("decision")) if registry else None
        return (decision.get("date") if decision else None), ("decision",)
    return record.get("date"), ("date",)


def _year(record: Record, kind: str) -> Iterator[Finding]:
    if kind == "certificate":
        return  # certificates need the decision's date: checked in references
    date = record.get("date")
    if isinstance(date, str) and len(date) >= 4 and date[:4] != record.location.year_folder:
        line, column = record.locate("date")
        yield make("LAYOUT-YEAR", record.path, line, column,
                   f"Ngày {date} thuộc năm {date[:4]} nhưng tệp nằm trong thư mục «{record.location.year_folder}».",
                   f"Chuyển tệp vào thư mục «{date[:4]}».")
