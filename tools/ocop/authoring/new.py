"""`ocop new KIND`: ask (or take from --from/--set) the fields of a record, write it in place, validate it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ocop.authoring import records
from ocop.authoring.prompt import Aborted, Console, Session, dig, parse_date
from ocop.check.pipeline import load_registry
from ocop.findings import Finding, has_errors
from ocop.model import units
from ocop.model.layout import CENTRAL, KIND_VI, KINDS
from ocop.model.registry import Registry
from ocop.model.schemas import REFERENCES, UNIT_REF, SchemaSet


class InputError(Exception):
    """A value given on the command line or in --from cannot be used (message in Vietnamese)."""


def run(root: Path, kind: str, province: str | None, given: dict, interactive: bool,
        inp: TextIO | None = None, out: TextIO | None = None, today: dt.date | None = None) -> int:
    registry = load_registry(root)[0]
    schemas = SchemaSet(root)
    io = Console(inp or sys.stdin, out or sys.stdout)
    try:
        province = province or given.get("province") or (ask_province(io, registry, kind) if interactive else None)
        if province is None:
            raise InputError("Cần --province TỈNH (tên thư mục tỉnh, ví dụ ha-noi).")
        check_province(registry, province, kind)
        if not interactive:
            return finish(root, registry, schemas, kind, province, given, io, today)
        return interactive_loop(root, registry, schemas, kind, province, given, io, today)
    except InputError as err:
        io.say(f"ocop new: {err}")
        return 2
    except Aborted:
        io.say("ocop new: dừng (hết dữ liệu nhập); chưa ghi tệp nào.")
        return 2


def interactive_loop(root: Path, registry: Registry, schemas: SchemaSet, kind: str, province: str, given: dict,
                     io: Console, today: dt.date | None) -> int:
    previous = given
    while True:
        io.say(f"Tạo hồ sơ {KIND_VI[kind]} mới ở thư mục {province}. Trả lời từng câu hỏi; Enter nhận giá trị trong [ ].")
        session = Session(root, registry, schemas, kind, province, io, ask_optional=kind != "plan", previous=previous)
        data = session.run()
        code = finish(root, registry, schemas, kind, province, data, io, today)
        if code != 1 or not session.confirm("Sửa lại các câu trả lời (Enter giữ câu trả lời cũ)?", yes=True):
            return code
        previous = data


def finish(root: Path, registry: Registry, schemas: SchemaSet, kind: str, province: str, data: dict, io: Console,
           today: dt.date | None) -> int:
    record = records.complete(registry, root, kind, data, province)
    items = [(kind, record), *(records.companions(registry, record) if kind == "decision" else [])]
    try:
        rels, findings = records.write_and_validate(root, registry, items, schemas, today)
    except FileExistsError as err:
        io.say(f"ocop new: tệp {err} đã có; chọn mã khác (--set id=…).")
        return 2
    for f in findings:
        io.say(format_finding(f))
    if has_errors(findings):
        io.say(f"Hồ sơ chưa đạt kiểm tra: chưa ghi {', '.join(rels)}.")
        return 1
    for rel in rels:
        io.say(f"Đã ghi {rel} — đạt kiểm tra «ocop validate».")
    return 0


def format_finding(f: Finding) -> str:
    level = "lỗi" if f.severity == "error" else "cảnh báo"
    hint = f"\n    gợi ý: {f.hint}" if f.hint else ""
    return f"  {level}[{f.rule}] {f.message}{hint}"


def ask_province(io: Console, registry: Registry, kind: str) -> str:
    slugs = sorted(registry.province_slugs()) + ([CENTRAL] if kind == "decision" else [])
    names = {p.get("slug"): p.get("name") for p in registry.provinces}
    while True:
        answer = io.ask("Tỉnh/thành phố (tên thư mục như ha-noi, hoặc tên tỉnh): ")
        for slug in slugs:
            if answer == slug or units.same_name(answer, str(names.get(slug) or "")):
                return slug
        io.say(f"  ✗ Không có tỉnh «{answer}». Các thư mục: {', '.join(slugs)}.")


def check_province(registry: Registry, province: str, kind: str) -> None:
    allowed = registry.province_slugs() | ({CENTRAL} if kind == "decision" else set())
    if province not in allowed:
        raise InputError(f"Không có thư mục tỉnh «{province}» trong registry/provinces.yaml (quy tắc "
                         "LAYOUT-UNKNOWN-PROVINCE).")


# ---- non-interactive values ------------------------------------------------------------------------

def given_values(root: Path, kind: str, from_file: Path | None, sets: list[str], province: str | None) -> dict:
    """--from FILE.json then each --set key.path=value, typed by the schema (units from a code or name)."""
    data: dict = {}
    if from_file is not None:
        try:
            loaded = json.loads(from_file.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise InputError(f"Không đọc được {from_file}: {err}") from err
        if not isinstance(loaded, dict):
            raise InputError(f"{from_file} phải chứa một đối tượng JSON {{…}}.")
        data.update(loaded)
    schemas = SchemaSet(root)
    for item in sets:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise InputError(f"--set cần dạng khóa=giá_trị, nhận được «{item}».")
        put(data, key.split("."), typed(schemas, kind, key.split("."), raw))
    registry = None
    for path, value in list(walk_units(schemas, kind, data)):
        if isinstance(value, str):
            registry = registry or load_registry(root)[0]
            put(data, list(path), unit_from_text(registry, province or data.get("province") or "", path, value))
    return data


def typed(schemas: SchemaSet, kind: str, path: list[str], raw: str) -> Any:
    schema, doc = schemas.kind(kind), kind
    for part in path:
        schema, doc, _ = schemas.resolve(schema, doc)
        schema = (schema.get("items") if part.isdigit() else (schema.get("properties") or {}).get(part)) or {}
    schema, doc, ref = schemas.resolve(schema, doc)
    if ref.endswith("$defs/date"):
        value, problem = parse_date(raw)
        return raw if problem else value  # the validator explains an impossible date
    kind_of = schema.get("type")
    if raw[:1] in "[{" or kind_of in ("integer", "number", "boolean"):
        try:
            return json.loads(raw.replace(",", ".") if kind_of == "number" else raw)
        except json.JSONDecodeError:
            return raw  # the validator explains what is wrong with it
    return raw


def walk_units(schemas: SchemaSet, kind: str, data: Any, schema: dict | None = None, doc: str = "",
               path: tuple[str, ...] = ()):
    """(path, value) of every unit-typed value, so a plain code or name can be expanded."""
    schema, doc, ref = schemas.resolve(schema if schema is not None else schemas.kind(kind), doc or kind)
    if ref == UNIT_REF:
        yield path, data
        return
    if isinstance(data, dict):
        for key, value in data.items():
            sub = (schema.get("properties") or {}).get(key)
            if sub is not None:
                yield from walk_units(schemas, kind, value, sub, doc, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from walk_units(schemas, kind, value, schema.get("items") or {}, doc, (*path, str(i)))


def unit_from_text(registry: Registry, province: str, path: tuple[str, ...], value: str) -> Any:
    if path[-1] == "ward":
        return records.find_ward(registry, province, value) or value
    code = value.strip()
    level = "province" if len(code) <= 2 else "ward"
    return records.unit_ref(level, code.zfill(2 if level == "province" else 5)) or value


def put(data: Any, path: list[str], value: Any) -> None:
    for i, part in enumerate(path[:-1]):
        nxt: Any = [] if path[i + 1].isdigit() else {}
        if isinstance(data, list):
            index = int(part)
            while len(data) <= index:
                data.append(type(nxt)())
            data = data[index]
        else:
            data = data.setdefault(part, nxt)
    last = path[-1]
    if isinstance(data, list):
        index = int(last)
        while len(data) <= index:
            data.append(None)
        data[index] = value
    else:
        data[last] = value


__all__ = ["KINDS", "REFERENCES", "dig", "given_values", "run"]
