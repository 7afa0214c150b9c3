"""GitHub issue forms generated from the schemas (rule SYNC-FORMS compares the committed ones with these).

Each form field is a schema property (by dotted path); its label, description, dropdown options and
required flag come from the schema, so `ocop validate` (rule SYNC-FORMS) can tell when a committed
form is out of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ocop.model.registry import Registry
from ocop.model.schemas import SchemaSet, enum_labels, enum_values

COMMAND = "ocop forms --write"
FOLDER = ".github/ISSUE_TEMPLATE"
LABEL = "dang-ky"  # every registration issue carries it; the workflow only reacts to it
TEXTAREA_MIN = 1000  # longer strings get a multi-line box


@dataclass(frozen=True)
class Form:
    kind: str
    file: str
    name: str
    label: str  # the kind's own label, which tells `ocop intake` what to build
    intro: str
    fields: tuple[str, ...]  # dotted schema paths; "province" is the folder dropdown


FORMS = (
    Form("product", "dang-ky-san-pham.yml", "Đăng ký sản phẩm OCOP", "dang-ky-san-pham",
         "Điền biểu mẫu để đăng ký một **sản phẩm** vào Sổ đăng ký OCOP. Máy sẽ kiểm tra và mở một yêu cầu hợp "
         "nhất (pull request) để cán bộ phụ trách tỉnh duyệt; nếu có lỗi, máy trả lời ngay dưới issue này — bạn "
         "chỉ cần sửa issue (Edit) là máy kiểm tra lại. Chủ thể phải có trong sổ trước (dùng biểu mẫu "
         "«Đăng ký chủ thể OCOP» nếu chưa có).",
         ("province", "name", "producer", "classification.criteria_set", "classification.group",
          "classification.nhom", "classification.phan_nhom", "description", "story", "raw_material_origin",
          "address.street", "address.ward")),
    Form("producer", "dang-ky-chu-the.yml", "Đăng ký chủ thể OCOP", "dang-ky-chu-the",
         "Điền biểu mẫu để đăng ký một **chủ thể** (doanh nghiệp, hợp tác xã, tổ hợp tác, hộ kinh doanh). Máy sẽ "
         "kiểm tra và mở một yêu cầu hợp nhất (pull request); nếu có lỗi, máy trả lời dưới issue này để bạn sửa.",
         ("province", "name", "type", "tax_code", "registration_number", "representative.name",
          "representative.position", "contacts.phone", "contacts.email", "contacts.website", "address.street",
          "address.ward", "founded")),
)
WARD_HINT = "Tên xã/phường hiện hành (sau 01/7/2025), ví dụ «Phường Tây Hồ» hoặc mã 5 chữ số, ví dụ 00103."
PROVINCE_LABEL = "Tỉnh/thành phố"


@dataclass(frozen=True)
class Field:
    path: str
    label: str
    description: str
    required: bool
    options: tuple[tuple[str, str], ...] = ()  # (value, shown text) for a dropdown
    long: bool = False


def field_of(schemas: SchemaSet, kind: str, dotted: str) -> Field:
    """The form field of a schema property: its title, description, enum options, and whether it is required."""
    schema, doc, required = schemas.kind(kind), kind, True
    titles = []
    for part in dotted.split("."):
        required = required and part in (schema.get("required") or [])
        schema, doc, _ = schemas.resolve((schema.get("properties") or {})[part], doc)
        titles.append(str(schema.get("title") or part))
    description = WARD_HINT if dotted.endswith("ward") else str(schema.get("description") or "")
    labels = enum_labels(schema)
    options = tuple((str(v), f"{labels[v]} ({v})" if labels[v] != str(v) else str(v)) for v in enum_values(schema))
    long = schema.get("type") == "string" and int(schema.get("maxLength") or 0) >= TEXTAREA_MIN
    label = titles[-1] if len(titles) == 1 or dotted.split(".")[0] == "classification" else f"{titles[-1]} — {titles[0]}"
    return Field(dotted, label, description, required, options, long)


def fields(schemas: SchemaSet, form: Form, registry: Registry) -> list[Field]:
    out = []
    for dotted in form.fields:
        if dotted == "province":
            options = tuple((str(p["slug"]), f"{p['name']} ({p['slug']})") for p in registry.provinces
                            if isinstance(p, dict) and p.get("slug") and p.get("name"))
            out.append(Field("province", PROVINCE_LABEL, "Tỉnh, thành phố hiện hành (2025) quản lý hồ sơ.", True,
                             options))
        else:
            out.append(field_of(schemas, form.kind, dotted))
    return out


def render(schemas: SchemaSet, form: Form, registry: Registry) -> str:
    body: list[dict[str, Any]] = [{"type": "markdown", "attributes": {"value": form.intro}}]
    for f in fields(schemas, form, registry):
        attributes: dict[str, Any] = {"label": f.label, "description": f.description}
        if f.options:
            item: dict[str, Any] = {"type": "dropdown", "id": f.path.replace(".", "__"),
                                    "attributes": {**attributes, "options": [text for _, text in f.options]}}
        else:
            item = {"type": "textarea" if f.long else "input", "id": f.path.replace(".", "__"), "attributes": attributes}
        item["validations"] = {"required": f.required}
        body.append(item)
    document = {"name": form.name, "description": form.intro.split(".")[0] + ".", "title": f"[{form.name}] ",
                "labels": [LABEL, form.label], "body": body}
    header = (f"# Sinh tự động từ schemas/{form.kind}.schema.json — không sửa tay. Chạy: {COMMAND}\n"
              f"# Generated from the schema; regenerate with the command above (rule SYNC-FORMS).\n")
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)


def expected(root: Path, registry: Registry) -> dict[str, str]:
    schemas = SchemaSet(root)
    return {f"{FOLDER}/{form.file}": render(schemas, form, registry) for form in FORMS}
