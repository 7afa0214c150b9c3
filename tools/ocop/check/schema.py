"""Schema check: jsonschema-rs decides (fast), the reference `jsonschema` explains (only on failure).

Errors are translated into Vietnamese from the schema's own `title`/`description`, and point at the
offending key or value through the document's positions.
"""

from __future__ import annotations

import difflib
import functools
import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the reference implementation is imported only to explain a failure (~90 ms saved per run)
    import jsonschema
    import referencing

from ocop.findings import Finding, make, rule
from ocop.load import Document, dotted
from ocop.model.schemas import SCHEMA_DIR, load_schemas, schema_uri

SCHEMA = rule("SCHEMA", "error", "Không đúng lược đồ",
              "Hồ sơ không khớp lược đồ JSON của loại hồ sơ: thiếu trường, sai kiểu, sai định dạng.",
              example="star: năm   (phải là số 3, 4 hoặc 5)",
              fix="Sửa trường được chỉ ra theo gợi ý; xem mô tả trường trong trang Lược đồ.", family="schema", fixed="star: 5")

MAX_EXPLAINED = 200  # schema errors explained per file (findings shown: findings.PER_RULE_AND_FILE)
TYPE_VI = {"string": "chữ (chuỗi)", "integer": "số nguyên", "number": "số", "boolean": "true/false",
           "object": "một nhóm trường", "array": "một danh sách", "null": "để trống"}


@functools.cache
def _ref_registry(directory: Path) -> referencing.Registry:
    import referencing

    resources = [(schema_uri(name, schema), referencing.Resource.from_contents(schema))
                 for name, schema in load_schemas(directory).items()]
    return referencing.Registry().with_resources(resources)


@functools.cache
def fast_validator(directory: Path, kind: str) -> Any:
    import jsonschema_rs  # ~20-50 ms: imported when a file is checked (a warm run checks none)

    schemas = load_schemas(directory)
    rs_registry = jsonschema_rs.Registry([(schema_uri(n, s), s) for n, s in schemas.items()])
    return jsonschema_rs.validator_for(schemas[kind], registry=rs_registry, validate_formats=True)


@functools.cache
def reference_validator(directory: Path, kind: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(
        load_schemas(directory)[kind], registry=_ref_registry(directory),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def check_document(doc: Document, kind: str, directory: Path = SCHEMA_DIR) -> list[Finding]:
    return explain(doc, kind, directory)[0]


def explain(doc: Document, kind: str, directory: Path = SCHEMA_DIR) -> tuple[list[Finding], bool]:
    """The document's schema findings, and whether there were more errors than were explained."""
    if kind not in load_schemas(directory) or fast_validator(directory, kind).is_valid(doc.data):
        return [], False
    validator = reference_validator(directory, kind)
    # The explanation stops after MAX_EXPLAINED errors: a list of half a million wrong items would take
    # minutes and gigabytes to explain one by one, and the report shows only the first few anyway.
    first = list(itertools.islice(validator.iter_errors(doc.data), MAX_EXPLAINED + 1))
    more = len(first) > MAX_EXPLAINED
    errors = sorted(first[:MAX_EXPLAINED], key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    findings = [_translate(doc, _deepest(e), validator) for e in errors]
    if not findings:  # the two implementations disagree: still fail, and say so
        findings = [make("SCHEMA", doc.path, 1, 1, "Hồ sơ không khớp lược đồ (jsonschema-rs).")]
    return _dedupe(findings), more


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For oneOf/anyOf, the sub-error that got furthest into the instance is the useful one."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        best = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.schema_path)))
        if len(best.absolute_path) > len(error.absolute_path) or best.validator != "required":
            return _deepest(best)
    return error


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.line, f.column, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _title(schema: dict, validator: jsonschema.Draft202012Validator) -> str:
    if "title" in schema:
        return schema["title"]
    if "$ref" in schema:
        try:
            resolved = validator._resolver.lookup(schema["$ref"]).contents
            return resolved.get("title", "")
        except Exception:
            return ""
    return ""


def _field_schema(error: jsonschema.ValidationError, validator: jsonschema.Draft202012Validator) -> dict:
    """The schema of the field the error is about (resolving $ref), to read its title and description."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "$ref" in schema and "title" not in schema:
        try:
            return validator._resolver.lookup(schema["$ref"]).contents
        except Exception:
            return schema
    return schema


def _translate(doc: Document, error: jsonschema.ValidationError, validator: jsonschema.Draft202012Validator) -> Finding:
    path = list(error.absolute_path)
    schema = _field_schema(error, validator)
    title = _title(schema, validator)
    name = dotted(path)
    label = f"«{title}» ({name})" if title else f"«{name}»"
    description = schema.get("description", "")
    kw, value = error.validator, error.instance
    at_key = False

    if kw == "required":
        missing = [m for m in error.validator_value if isinstance(error.instance, dict) and m not in error.instance]
        prop = schema.get("properties", {}).get(missing[0], {}) if missing else {}
        prop_title = prop.get("title") or _title(prop, validator) or (missing[0] if missing else "")
        where = f" trong {label}" if path else ""
        message = f"Thiếu trường bắt buộc «{prop_title}» ({missing[0] if missing else '?'}){where}."
        hint = f"Thêm dòng «{missing[0]}: …»" + (f" — {prop.get('description')}" if prop.get("description") else ".")
    elif kw in ("additionalProperties", "unevaluatedProperties"):
        allowed = list(schema.get("properties", {}))
        extra = [k for k in (value or {}) if k not in allowed] if isinstance(value, dict) else []
        bad = extra[0] if extra else "?"
        path = [*path, bad]
        at_key = True
        close = difflib.get_close_matches(bad, allowed, n=1)
        message = f"Trường «{bad}» không có trong lược đồ" + (f" của {label}." if error.absolute_path else ".")
        hint = (f"Có phải ý bạn là «{close[0]}»?" if close else
                "Các trường được phép: " + ", ".join(allowed) + ".")
    elif kw == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        message = (f"{label} phải là {' hoặc '.join(TYPE_VI.get(t, t) for t in expected)}, "
                   f"nhưng đang là {_describe(value)}.")
        hint = _type_hint(expected, value, description)
    elif kw in ("enum", "const"):
        options = error.validator_value if kw == "enum" else [error.validator_value]
        titles = schema.get("x-enum-titles")
        listed = ", ".join(f"{o} ({t})" for o, t in zip(options, titles, strict=False)) if titles else ", ".join(map(str, options))
        message = f"{label} có giá trị «{value}» không được phép."
        hint = f"Chọn một trong: {listed}."
    elif kw == "pattern":
        message = f"{label} có giá trị «{_short(value)}» không đúng dạng."
        hint = description or f"Dạng yêu cầu: {error.validator_value}"
    elif kw == "format":
        message = f"{label} có giá trị «{_short(value)}» không phải {_format_vi(error.validator_value)} hợp lệ."
        hint = description
    elif kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": "nhỏ nhất là", "maximum": "lớn nhất là",
                 "exclusiveMinimum": "phải lớn hơn", "exclusiveMaximum": "phải nhỏ hơn"}[kw]
        message = f"{label} = {value} nằm ngoài giới hạn ({bound} {error.validator_value})."
        hint = description
    elif kw in ("minLength", "maxLength"):
        message = (f"{label} không được để trống." if kw == "minLength" and value == "" else
                   f"{label} dài {len(value)} ký tự, vượt giới hạn {error.validator_value}." if kw == "maxLength" else
                   f"{label} quá ngắn.")
        hint = description
    elif kw in ("minItems", "maxItems", "minProperties"):
        message = (f"{label} cần ít nhất {error.validator_value} mục." if kw != "maxItems" else
                   f"{label} có quá {error.validator_value} mục.")
        hint = description
    elif kw == "uniqueItems":
        message = f"{label} có mục bị lặp."
        hint = "Xóa mục trùng."
    elif kw == "propertyNames":
        message = f"{label} có tên mục không đúng dạng."
        hint = description
    else:
        message = f"{label} không hợp lệ ({kw})."
        hint = description
    line, column = doc.locate(path, at_key=at_key)
    return make("SCHEMA", doc.path, line, column, message, hint)


def _describe(value: Any) -> str:
    if value is None:
        return "để trống"
    if isinstance(value, bool):
        return f"giá trị {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"số {value}"
    if isinstance(value, str):
        return f"chữ «{_short(value)}»"
    if isinstance(value, list):
        return "một danh sách"
    return "một nhóm trường"


def _type_hint(expected: list[str], value: Any, description: str) -> str:
    if "string" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"Đặt giá trị trong ngoặc kép, ví dụ \"{value}\". " + description
    if expected == ["integer"] and isinstance(value, str):
        return "Viết số không có ngoặc kép. " + description
    return description


def _format_vi(fmt: str) -> str:
    return {"date": "một ngày (NNNN-TT-NN)", "email": "địa chỉ thư điện tử", "uri": "địa chỉ web"}.get(fmt, fmt)


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
