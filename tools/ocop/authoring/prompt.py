"""Asking for a record field by field, in Vietnamese, from the schema; bad answers are asked again.

Every answer is checked at once against the record's schema (the project's validator and its own
Vietnamese message); fields that only become required through another answer (tax_code of a
cooperative) are checked when their object is complete. Works on a terminal or on piped stdin.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ocop.authoring import records
from ocop.model import units
from ocop.model.layout import CENTRAL
from ocop.model.registry import Registry
from ocop.model.schemas import MANAGED, REFERENCES, UNIT_REF, Prop, SchemaSet, choice_label, enum_labels, enum_values

YES, NO = ("c", "co", "có", "y", "yes"), ("k", "khong", "không", "n", "no")
LIST_LIMIT = 40  # longer choice lists are typed (with suggestions), not printed
SKIP_AUTO = {("address", "province"), ("address", "district")}  # filled from the folder; 2004-only level
# Optional fields asked anyway, by kind (dotted paths without item numbers): a plan is only useful with its
# sections' text, targets that say what they measure (so progress can be computed), budget, the archive line
# (Lưu: VT) and who signs.
ASKED_OPTIONAL = {"plan": frozenset({
    "sections.body", "sections.include", "sections.target_group", "sections.sections", "sections.sections.body",
    "targets", "targets.group", "targets.metric", "targets.min_star", "targets.new_only", "targets.value",
    "targets.min", "targets.max", "targets.unit",
    "budget", "budget.total_million_vnd", "budget.text", "budget.sources", "budget.sources.amount_million_vnd",
    "archive", "signature.position", "signature.signer", "signature.signer.position", "issuer.unit"})}
DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")  # 07/5/2018: how dates are written in documents


class Aborted(Exception):
    """The input ended (Ctrl-D, or a script ran out of answers)."""


@dataclass
class Console:
    inp: TextIO
    out: TextIO

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def ask(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        if not line:
            self.out.write("\n")
            raise Aborted
        answer = line.rstrip("\r\n").strip()
        if not self.inp.isatty():  # piped answers are not echoed by a terminal: show them, the log reads as a dialogue
            self.out.write(answer + "\n")
        return answer


@dataclass
class Session:
    root: Path
    registry: Registry
    schemas: SchemaSet
    kind: str
    province: str
    io: Console
    ask_optional: bool = True
    previous: dict = field(default_factory=dict)  # answers of an earlier round: offered as defaults
    data: dict = field(default_factory=dict)
    assigned: list[str] = field(default_factory=list)  # certificate ids handed out in this session

    # ---- walking the schema ---------------------------------------------------------------------

    def run(self) -> dict:
        self.data = {}
        self.ask_object(self.schemas.kind(self.kind), self.kind, (), self.data)
        return self.data

    def ask_object(self, schema: dict, doc: str, path: tuple[str, ...], target: dict) -> None:
        props = [p for p in self.schemas.props(schema, doc, path) if not (not path and p.key in MANAGED)]
        props.sort(key=lambda p: p.key == "note")  # a free note reads best last
        for prop in props:
            if prop.path[-2:] in SKIP_AUTO or not self.wanted(prop) or self.irrelevant(prop):
                continue
            self.ask_into(prop, target)
        self.measured_target_defaults(path, target)
        self.fill_missing(schema, doc, path, target)

    def wanted(self, prop: Prop) -> bool:
        dotted = ".".join(p for p in prop.path if not p.isdigit())
        return self.ask_optional or prop.required or dotted in ASKED_OPTIONAL.get(self.kind, ())

    def measured_target_defaults(self, path: tuple[str, ...], target: dict) -> None:
        """A plan target that names what it measures counts in the issuer's area over the plan's period, unless
        the record says otherwise (edit scope and period in the YAML for a district or a shorter period)."""
        if self.kind != "plan" or len(path) != 2 or path[0] != "targets" or not target.get("metric"):
            return
        unit = (self.data.get("issuer") or {}).get("unit")
        if "scope" not in target and isinstance(unit, dict):
            target["scope"] = {"province": self.province, "units": [unit]}
        period = self.data.get("period") or {}
        if "period" not in target and period.get("from") and period.get("to"):
            target["period"] = {"from": period["from"], "to": period["to"]}
        self.io.say("  Chỉ tiêu đo được: tính trên địa bàn của cơ quan ban hành, trong thời kỳ của Kế hoạch "
                    "(sửa scope, period trong tệp YAML nếu khác).")

    def irrelevant(self, prop: Prop) -> bool:
        """Optional fields that only apply to the other type of decision."""
        dotted = ".".join(p for p in prop.path if not p.isdigit())
        kind = self.data.get("type")
        if self.kind != "decision" or prop.required:
            return False
        return (kind == "recognition" and dotted == "entries.grounds") or (
            kind == "revocation" and dotted in ("entries.action", "entries.star", "criteria_set"))

    def fill_missing(self, schema: dict, doc: str, path: tuple[str, ...], target: dict) -> None:
        """Ask again for fields the finished object still lacks (conditional requirements)."""
        props = {p.key: p for p in self.schemas.props(schema, doc, path)}
        for _ in range(len(props) + 1):
            problems = records.schema_problems(self.schemas, self.kind, self.candidate(), path, required_only=True)
            keys = [k for k, _ in problems if k in props and k not in target and k not in MANAGED]
            if not keys:
                return
            for key, message in problems:  # the core names a conditional field by key only: add its title
                title = props[key].title if key in props else key
                self.io.say("  ✗ " + message.replace(f"«{key}» ({key})", f"«{title}» ({key})"))
            self.ask_into(props[keys[0]], target, force=True)

    def ask_into(self, prop: Prop, target: dict, force: bool = False) -> None:
        target.pop(prop.key, None)
        value = self.ask_prop(prop, target, force)
        if value is not None:
            target[prop.key] = value

    def ask_prop(self, prop: Prop, target: dict, force: bool = False) -> Any:
        required = prop.required or force
        if prop.ref.endswith("$defs/address"):
            return self.ask_address(prop, target)
        if prop.ref == UNIT_REF:
            return self.ask_unit(prop, required)
        if prop.key in REFERENCES and prop.ref.endswith("$defs/id") and prop.type == "string":
            return self.ask_reference(prop, target, required)
        if enum_values(prop.schema):
            return self.ask_choice(prop, target, required)
        if prop.type == "object":
            return self.ask_sub_object(prop, target, required)
        if prop.type == "array":
            return self.ask_array(prop, target, required)
        return self.ask_scalar(prop, target, required)

    # ---- one kind of widget each ----------------------------------------------------------------

    def header(self, prop: Prop, required: bool, default: Any = None) -> str:
        mark = "" if required else " (không bắt buộc, Enter để bỏ qua)"
        shown = f" [{default}]" if default not in (None, "") else ""
        if prop.description:
            self.io.say(f"  {prop.description}")
        return f"{prop.title}{mark}{shown}: "

    def ask_scalar(self, prop: Prop, target: dict, required: bool) -> Any:
        default = self.default(prop)
        while True:
            answer = self.io.ask(self.header(prop, required, default))
            if not answer:
                if default not in (None, ""):
                    answer = str(default)
                elif not required:
                    return None
            value, problem = parse_scalar(prop, answer)
            if problem:
                self.io.say(f"  ✗ {problem}")
                continue
            if self.accept(prop, target, value):
                return value

    def accept(self, prop: Prop, target: dict, value: Any) -> bool:
        """Try the value in the record; print the validator's messages and refuse when it complains."""
        target[prop.key] = value
        problems = records.schema_problems(self.schemas, self.kind, self.candidate(), prop.path)
        del target[prop.key]
        for _key, message in problems:
            self.io.say(f"  ✗ {message}")
        return not problems

    def ask_choice(self, prop: Prop, target: dict, required: bool) -> Any:
        labels = enum_labels(prop.schema)
        options = [v for v in enum_values(prop.schema) if self.fits(prop, target, v)] or enum_values(prop.schema)
        default = self.default(prop)
        default = default if default in options else (options[0] if len(options) == 1 else None)
        self.io.say(f"{prop.title}:" + (f" {prop.description}" if prop.description else ""))
        for i, option in enumerate(options, 1):
            self.io.say(f"  {i}. {choice_label(option, labels[option])}")
        while True:
            answer = self.io.ask(self.header(Prop(prop.key, prop.path, {"title": "Chọn số"}, True), required,
                                             default))
            if not answer and default is not None:
                return default
            if not answer and not required:
                return None
            picked = pick(answer, options, labels)
            if picked is not None and self.accept(prop, target, picked):
                return picked
            if picked is None:
                self.io.say(f"  ✗ «{answer}» không có trong danh sách; gõ số thứ tự từ 1 đến {len(options)}.")

    def fits(self, prop: Prop, target: dict, value: Any) -> bool:
        target[prop.key] = value
        ok = not records.schema_problems(self.schemas, self.kind, self.candidate(), prop.path)
        del target[prop.key]
        return ok

    def ask_sub_object(self, prop: Prop, target: dict, required: bool) -> dict | None:
        if not required and not self.confirm(f"Nhập «{prop.title}»?"):
            return None
        if isinstance(prop.schema.get("additionalProperties"), dict) and not prop.schema.get("properties"):
            return self.ask_map(prop, required)
        self.io.say(f"— {prop.title} —")
        sub: dict = {}
        target[prop.key] = sub  # visible to the validator while its fields are asked
        try:
            self.ask_object(prop.schema, prop.doc, prop.path, sub)
        finally:
            del target[prop.key]
        return sub or None

    def ask_map(self, prop: Prop, required: bool) -> dict | None:
        self.io.say(f"{prop.title}: {prop.description} Mỗi dòng «mã=giá trị»; dòng trống để kết thúc.")
        out: dict = {}
        while True:
            answer = self.io.ask("  > ")
            if not answer:
                if out or not required:
                    return out or None
                continue
            key, _, raw = answer.partition("=")
            value, problem = parse_scalar(Prop("", prop.path, prop.schema["additionalProperties"], True), raw.strip())
            if problem or not key.strip():
                self.io.say(f"  ✗ {problem or 'Cần dạng mã=giá trị.'}")
                continue
            out[key.strip()] = value

    def ask_array(self, prop: Prop, target: dict, required: bool) -> list | None:
        item_schema, item_doc = self.schemas.items(prop)
        minimum = int(prop.schema.get("minItems", 1 if required else 0))
        items: list = []
        target[prop.key] = items
        try:
            while True:
                if len(items) >= minimum and not self.confirm(f"Thêm một mục «{item_schema.get('title') or prop.title}»?"):
                    break
                self.io.say(f"— {prop.title} #{len(items) + 1} —")
                item_prop = Prop(str(len(items)), (*prop.path, str(len(items))), item_schema, True,
                                 "", item_doc)
                value = self.ask_item(item_prop, items)
                if value is not None:
                    items.append(value)
        finally:
            del target[prop.key]
        return items or None

    def ask_item(self, prop: Prop, items: list) -> Any:
        schema = prop.schema
        if "oneOf" in schema:
            variants = [self.schemas.resolve(v, prop.doc)[0] for v in schema["oneOf"]]
            titles = [v.get("title") or f"Dạng {i}" for i, v in enumerate(variants, 1)]
            for i, title in enumerate(titles, 1):
                self.io.say(f"  {i}. {title}")
            picked = None
            while picked is None:  # options are the titles: "1" is the first of them, never variant number 1
                picked = pick(self.io.ask("Chọn số: "), titles, {t: t for t in titles})
                if picked is None:
                    self.io.say(f"  ✗ Gõ số thứ tự từ 1 đến {len(titles)}.")
            schema = variants[titles.index(picked)]
            prop = Prop(prop.key, prop.path, schema, True, "", prop.doc)
        if schema.get("type") == "object":
            sub: dict = {}
            items.append(sub)
            try:
                self.ask_object(schema, prop.doc, prop.path, sub)
            finally:
                items.pop()
            return sub
        holder: dict = {}
        value = self.ask_scalar(Prop(prop.key, prop.path, schema, True, "", prop.doc), holder, True)
        return value

    def ask_reference(self, prop: Prop, target: dict, required: bool) -> str | None:
        if self.kind == "decision" and prop.key == "certificate" and self.data.get("type") == "recognition":
            return self.ask_new_certificate(prop, target)  # a new certificate id, issued with the decision
        kind = REFERENCES[prop.key]
        options = self.reference_options(kind, target)
        default = self.default(prop)
        if not default and kind == "certificate" and len(options) >= 1:
            default = options[-1][0]  # the product's latest certificate: the one revoked or superseded
        if options and len(options) <= LIST_LIMIT:
            self.io.say(f"{prop.title}: {prop.description}")
            for i, (rid, label) in enumerate(options, 1):
                self.io.say(f"  {i}. {label} ({rid})")
        while True:
            answer = self.io.ask(self.header(prop, required, default) if not options or len(options) > LIST_LIMIT
                                 else f"Chọn số hoặc gõ mã{' (Enter để bỏ qua)' if not required else ''}"
                                      f"{f' [{default}]' if default else ''}: ")
            if not answer:
                answer = default or ""
                if not answer and not required:
                    return None
            ids = [rid for rid, _ in options]
            picked = pick(answer, ids, dict(options)) if options else None
            rid = picked or answer
            if self.registry.get(kind, rid) is None:
                self.io.say(f"  ✗ Không có hồ sơ {kind} «{rid}» trong sổ đăng ký (quy tắc REF-MISSING).")
                continue
            if self.accept(prop, target, rid):
                return rid

    def ask_new_certificate(self, prop: Prop, target: dict) -> str:
        year = str(self.data.get("date") or "")[:4] or None
        taken = records.taken_ids(self.registry, self.root) | set(self.assigned)
        default = records.next_id(self.registry, self.root, "certificate", self.province, year)
        while default in taken:
            head, number = default.rsplit("-", 1)
            default = f"{head}-{int(number) + 1:04d}"
        value = self.ask_scalar(Prop(prop.key, prop.path, {**prop.schema, "default": default}, True, "", prop.doc),
                                target, True)
        self.assigned.append(value)
        return value

    def reference_options(self, kind: str, target: dict) -> list[tuple[str, str]]:
        """Records of that kind a person would pick here: the province's (and central decisions)."""
        folders = {self.province, CENTRAL} if kind == "decision" else {self.province}
        product = target.get("product") or self.data.get("product")
        out = []
        for rec in sorted(self.registry.all(kind), key=lambda r: r.id):
            if rec.location.province_folder not in folders:
                continue
            if kind in ("evaluation", "certificate") and product and rec.get("product") != product:
                continue
            label = rec.get("name") or rec.get("number") or rec.id
            out.append((rec.id, str(label)))
        return out

    def ask_unit(self, prop: Prop, required: bool) -> dict | None:
        """A ward of the province by name or code; a province unit defaults to the folder's province."""
        if prop.key != "ward":
            default = self.default(prop)
            if default and self.confirm(f"{prop.title}: {default['name']} ({default['code']})?", yes=True):
                return default
            return self.ask_unit_code(prop, required)
        while True:
            answer = self.io.ask(self.header(prop, required) + "(gõ tên hoặc mã xã, ? để xem danh sách) ")
            if not answer and not required:
                return None
            if answer == "?":
                for code, name in records.ward_choices(self.registry, self.province):
                    self.io.say(f"  {code}  {name}")
                continue
            found = records.find_ward(self.registry, self.province, answer)
            if found:
                self.io.say(f"  → {found['name']} ({found['code']})")
                return found
            self.io.say(f"  ✗ {self.ward_problem(answer)}")

    def ward_problem(self, answer: str) -> str:
        names = [name for _, name in records.ward_choices(self.registry, self.province)]
        folded = {units.slug(n): n for n in names}  # accents and "Xã"/"Phường" ignored
        close = difflib.get_close_matches(units.slug(answer), list(folded), n=3, cutoff=0.75)
        hint = (" Có phải: " + ", ".join(folded[c] for c in close) + "?") if close else " Gõ ? để xem danh sách."
        return f"Không có xã/phường «{answer}» trong tỉnh này (bộ mã 2025).{hint}"

    def ask_unit_code(self, prop: Prop, required: bool) -> dict | None:
        while True:
            answer = self.io.ask(self.header(prop, required) + "(mã tỉnh 2 chữ số hoặc mã xã 5 chữ số, bộ mã 2025) ")
            if not answer and not required:
                return None
            level = "province" if len(answer) <= 2 else "ward"
            found = records.unit_ref(level, answer.zfill(2 if level == "province" else 5))
            if found:
                return found
            self.io.say(f"  ✗ Mã đơn vị «{answer}» không tồn tại trong bộ mã 2025 (quy tắc UNIT-CODE).")

    def ask_address(self, prop: Prop, target: dict) -> dict:
        self.io.say(f"— {prop.title} —")
        sub: dict = {}
        target[prop.key] = sub
        try:
            self.ask_object(prop.schema, prop.doc, prop.path, sub)
        finally:
            del target[prop.key]
        code = records.province_code(self.registry, self.province)
        if code:
            sub["province"] = records.unit_ref("province", code)
        return sub

    def confirm(self, question: str, yes: bool = False) -> bool:
        suffix = " (C/k) " if yes else " (c/K) "
        while True:
            answer = self.io.ask(question + suffix).lower()
            if not answer:
                return yes
            if answer in YES:
                return True
            if answer in NO:
                return False
            self.io.say("  ✗ Gõ c (có) hoặc k (không).")

    # ---- defaults and the record as it stands ---------------------------------------------------

    def candidate(self) -> dict:
        """The answers so far with placeholders for what the tool fills, for checking one field."""
        return {**self.data, "id": self.data.get("id") or "moi", "province": self.province}

    def default(self, prop: Prop) -> Any:
        earlier = dig(self.previous, prop.path)
        if earlier is not None:
            return earlier
        if "default" in prop.schema:
            return prop.schema["default"]
        return rule_default(self.registry, self.kind, self.province, self.data, prop.path)


def rule_default(registry: Registry, kind: str, province: str, data: dict, path: tuple[str, ...]) -> Any:
    """Defaults the OCOP rules give (36 months, the decision's entry, the criteria set in force, …)."""
    dotted = ".".join(p for p in path if not p.isdigit())
    if kind == "certificate" and dotted in ("star", "valid_from", "valid_to"):
        return records.certificate_defaults(registry, data).get(dotted)
    if dotted == "criteria_set" or dotted == "classification.criteria_set":
        return records.criteria_set_on(data.get("date")) or "148/2023"
    if kind == "decision":
        issuer = records.issuer_default(registry, province) or {}
        return {"type": "recognition", "issuer.level": issuer.get("level"), "issuer.name": issuer.get("name"),
                "issuer.unit": issuer.get("unit"), "entries.action": "new"}.get(dotted)
    if kind == "plan" and dotted in ("archive", "targets.unit"):
        return {"archive": "VT", "targets.unit": "sản phẩm"}[dotted]  # Lưu: VT (văn thư), as on every plan
    if dotted == "address.province" or dotted.endswith(".unit"):
        code = records.province_code(registry, province)
        return records.unit_ref("province", code) if code else None
    return None


def dig(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def pick(answer: str, options: list, labels: dict) -> Any:
    """An option by its number, its code or its label (accents and case ignored)."""
    answer = answer.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(options) and answer not in map(str, options):
        return options[int(answer) - 1]
    for option in options:
        if answer == str(option) or units.fold(answer) == units.fold(str(labels.get(option, ""))):
            return option
    return None


def parse_scalar(prop: Prop, answer: str) -> tuple[Any, str]:
    """Turn typed text into the schema's type; a message (Vietnamese) when it cannot be."""
    kind = prop.type
    if kind == "integer":
        try:
            return int(answer), ""
        except ValueError:
            return None, f"«{prop.title}» phải là số nguyên, ví dụ 4."
    if kind == "number":
        try:
            number = float(answer.replace(",", "."))
        except ValueError:
            return None, f"«{prop.title}» phải là số, ví dụ 76,25."
        return (int(number) if number.is_integer() else number), ""
    if kind == "boolean":
        if answer.lower() in YES or answer == "true":
            return True, ""
        if answer.lower() in NO or answer == "false":
            return False, ""
        return None, "Gõ c (có) hoặc k (không)."
    if kind in ("array", "object"):
        try:
            return json.loads(answer), ""
        except json.JSONDecodeError:
            return None, f"«{prop.title}» cần viết dạng JSON."
    if prop.ref.endswith("$defs/date"):
        return parse_date(answer)
    return answer, ""


def parse_date(answer: str) -> tuple[Any, str]:
    """A date as YYYY-MM-DD or as documents write it (dd/mm/yyyy, 07/5/2018)."""
    found = DMY.fullmatch(answer.strip())
    if not found:
        return answer, ""  # YYYY-MM-DD, or a mistake the schema names
    day, month, year = (int(g) for g in found.groups())
    try:
        return dt.date(year, month, day).isoformat(), ""
    except ValueError:
        return None, f"Không có ngày {answer} (ngày/tháng/năm)."
