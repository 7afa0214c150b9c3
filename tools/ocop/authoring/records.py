"""Building a record: ids, paths, rule-given defaults, YAML text, and the project's own validation."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml

from ocop.check import schema as schema_check
from ocop.check.pipeline import validate
from ocop.config import RunConfig
from ocop.domain import lifecycle
from ocop.findings import Finding, has_errors
from ocop.load import Document
from ocop.model import units
from ocop.model.layout import CENTRAL, FOLDER_OF_KIND, YEARLY_KINDS
from ocop.model.registry import Registry
from ocop.model.schemas import SchemaSet

PREFIX = {"producer": "ct", "product": "sp", "decision": "qd", "certificate": "cn", "evaluation": "dg", "plan": "kh"}
DIGITS = {"producer": 4, "product": 4, "decision": 3, "certificate": 4, "evaluation": 4}
CRITERIA_148_FROM = "2023-02-24"  # Quyết định 148/QĐ-TTg replaced 1048/2019 from this day


# ---- units ---------------------------------------------------------------------------------------

def unit_ref(level: str, code: str, version: str = "2025") -> dict[str, str] | None:
    """A unit reference with its official name, or None when the code does not exist in that code list."""
    found = units.lookup(level, code, version)
    if found is None:
        return None
    return {"level": level, "code": found.code, "version": version, "name": found.name}


def province_code(registry: Registry, slug: str) -> str | None:
    entry = registry.province(slug)
    return str(entry["code"]) if entry and entry.get("code") else None


def ward_choices(registry: Registry, slug: str) -> list[tuple[str, str]]:
    """(code, name) of the current wards of a province folder, by name."""
    code = province_code(registry, slug)
    if not code:
        return []
    return sorted(((w.code, w.name) for w in units.wards_of(code)), key=lambda c: units.fold(c[1]))


def find_ward(registry: Registry, slug: str, answer: str) -> dict[str, str] | None:
    """A ward of the province by code ("00103") or by name, accents and prefix optional ("tay ho")."""
    answer = answer.strip()
    for code, name in ward_choices(registry, slug):
        if answer == code or (answer.isdigit() and answer.zfill(5) == code) or units.same_name(answer, name):
            return unit_ref("ward", code)
    return None


# ---- ids and paths -------------------------------------------------------------------------------

def year_of(registry: Registry, kind: str, data: dict) -> str | None:
    """The year folder of a yearly kind: the decision/evaluation date, the certificate's valid_from."""
    if kind in ("decision", "evaluation"):
        date = data.get("date")
    elif kind == "certificate":
        date = data.get("valid_from")
        if not date:
            decision = registry.get("decision", data.get("decision"))
            date = decision.get("date") if decision else None
    else:
        return None
    return date[:4] if isinstance(date, str) and re.match(r"^\d{4}-", date) else None


def taken_ids(registry: Registry, root: Path) -> set[str]:
    """Every id in use or reserved (certificate ids named by decisions), plus files not yet loaded."""
    ids = {rid for by_id in registry.records.values() for rid in by_id}
    for decision in registry.all("decision"):
        for entry in decision.get("entries") or []:
            if isinstance(entry, dict) and isinstance(entry.get("certificate"), str):
                ids.add(entry["certificate"])
    for folder in ("registry", "plans"):  # os.walk: a third of rglob's time over 62,000 files
        for _top, _dirs, names in os.walk(root / folder):
            ids.update(os.path.splitext(name)[0] for name in names if name.endswith(".yaml"))
    return ids


def next_id(registry: Registry, root: Path, kind: str, province: str, year: str | None = None,
            taken: set[str] | None = None) -> str:
    """The next free id of the kind in the province (and year): one above the highest in use."""
    return id_after(highest_numbers(taken if taken is not None else taken_ids(registry, root)), kind, province, year)


_NUMBERED = re.compile(r"(.*-)(\d+)$")  # "sp-ha-noi-0012" → ("sp-ha-noi-", "0012"): the prefix ends at the last "-"


def highest_numbers(taken: set[str]) -> dict[str, int]:
    """Each id prefix's highest number in use, in one pass: the web editor's config asks for the next id of
    68 collections (a regex pass over 90,000 ids each took ~2.5 s at national scale)."""
    highest: dict[str, int] = {}
    for taken_id in taken:
        if m := _NUMBERED.match(taken_id):
            highest[m[1]] = max(highest.get(m[1], 0), int(m[2]))
    return highest


def id_prefix(kind: str, province: str, year: str | None = None) -> str:
    """"sp-ha-noi-", "cn-ha-noi-2024-": what an id of the kind has before its number (highest_numbers' keys)."""
    return f"{PREFIX[kind]}-{province}-" + (f"{year}-" if kind in YEARLY_KINDS else "")


def numbered(kind: str, prefix: str, number: int) -> str:
    return f"{prefix}{number:0{DIGITS[kind]}d}"


def id_after(highest: dict[str, int], kind: str, province: str, year: str | None = None) -> str:
    """The id one above the highest of its prefix (highest_numbers)."""
    prefix = id_prefix(kind, province, year)
    return numbered(kind, prefix, highest.get(prefix, 0) + 1)


class IdAllocator:
    """`next_id` for many records at once (`ocop import`): the highest number of each prefix is found in one pass
    over the taken ids (highest_numbers), then each call takes the next one (next_id rescans every id on every call)."""

    def __init__(self, taken: set[str]) -> None:
        self.highest = highest_numbers(taken)

    def next(self, kind: str, province: str, year: str | None = None) -> str:
        prefix = id_prefix(kind, province, year)
        self.highest[prefix] = self.highest.get(prefix, 0) + 1
        return numbered(kind, prefix, self.highest[prefix])


def plan_id(province: str, data: dict) -> str:
    """kh-<province>-<year>-<number>; a draft takes the year of its period (the plan's year, not the month it was
    written in: a 2026 plan drafted in December 2025 is kh-…-2026-du-thao)."""
    issued = data.get("status") == "issued" and data.get("number")
    period_year = str((data.get("period") or {}).get("from") or "")[:4]
    year = (str(data.get("date") or "")[:4] if issued else period_year) or period_year \
        or str((data.get("draft_month") or {}).get("year") or dt.date.today().year)
    tail = str(data["number"]) if issued else "du-thao"
    return f"kh-{province}-{year}-{tail}"


def record_path(kind: str, data: dict, year: str | None) -> str:
    if kind == "plan":
        return f"plans/{data['id']}.yaml"
    folder = f"registry/{data['province']}/{FOLDER_OF_KIND[kind]}"
    return f"{folder}/{year}/{data['id']}.yaml" if kind in YEARLY_KINDS else f"{folder}/{data['id']}.yaml"


def schema_comment(kind: str, rel: str) -> str:
    depth = rel.count("/")
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json\n"


# ---- defaults the rules give -----------------------------------------------------------------------

def criteria_set_on(date: Any) -> str | None:
    if not isinstance(date, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", date):
        return None
    return "148/2023" if date >= CRITERIA_148_FROM else "1048/2019"


def certificate_defaults(registry: Registry, data: dict) -> dict[str, Any]:
    """What the decision says about this product (certificate id, star), valid_from and +36 months."""
    out: dict[str, Any] = {}
    decision = registry.get("decision", data.get("decision"))
    if decision is not None:
        for entry in decision.get("entries") or []:
            if isinstance(entry, dict) and entry.get("product") == data.get("product"):
                out.update({k: entry[k] for k in ("star",) if k in entry})
                if isinstance(entry.get("certificate"), str):
                    out["id"] = entry["certificate"]
        if isinstance(decision.get("date"), str):
            out["valid_from"] = decision.get("date")
    start = lifecycle.parse_date(data.get("valid_from") or out.get("valid_from"))
    if start:
        out["valid_to"] = lifecycle.add_months(start, lifecycle.VALIDITY_MONTHS).isoformat()
    return out


def issuer_default(registry: Registry, province: str) -> dict[str, Any] | None:
    """UBND of the current province (2025 code list); central decisions are typed in."""
    code = province_code(registry, province)
    ref = unit_ref("province", code) if code else None
    if province == CENTRAL or ref is None:
        return None
    return {"level": "province", "name": "UBND " + ref["name"][0].lower() + ref["name"][1:], "unit": ref}


def complete(registry: Registry, root: Path, kind: str, data: dict, province: str) -> dict:
    """Fill what the tool owns: province, address.province, rule defaults, and the id last (it needs the year)."""
    data = dict(data)
    data["province"] = province
    address = data.get("address")
    if isinstance(address, dict) and "province" not in address and province_code(registry, province):
        data["address"] = {**address, "province": unit_ref("province", province_code(registry, province))}
    if kind == "certificate":
        for key, value in certificate_defaults(registry, data).items():
            data.setdefault(key, value)
    wants_set = kind == "evaluation" or (kind == "decision" and data.get("type") == "recognition")
    if wants_set and "criteria_set" not in data and criteria_set_on(data.get("date")):
        data["criteria_set"] = criteria_set_on(data.get("date"))
    if not data.get("id"):
        data["id"] = (plan_id(province, data) if kind == "plan"
                      else next_id(registry, root, kind, province, year_of(registry, kind, data)))
    return data


# ---- YAML text -------------------------------------------------------------------------------------

class _Flow(dict):
    """A mapping written on one line (unit references, as in the sample records)."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # "  - item" under its key, as in the sample records


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Quote with "…" whenever a plain scalar would read back as something else (dates, codes like "01").
    plain_tag = dumper.resolve(yaml.ScalarNode, value, (True, False))
    style = '"' if plain_tag != "tag:yaml.org,2002:str" or value[:1] in ("", *"0123456789") else ("|" if "\n" in value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(dict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=False))


def ordered(value: Any, schema: dict, schemas: SchemaSet, doc: str) -> Any:
    """Keys in schema order (what a reader expects); units written on one line."""
    schema, doc, ref = schemas.resolve(schema, doc)
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        keys = [k for k in props if k in value] + [k for k in value if k not in props]
        out = {k: ordered(value[k], props.get(k, {}), schemas, doc) for k in keys}
        return _Flow(out) if ref == "common.schema.json#/$defs/unit" else out
    if isinstance(value, list):
        return [ordered(v, schema.get("items") or {}, schemas, doc) for v in value]
    return value


def to_yaml(kind: str, data: dict, rel: str, schemas: SchemaSet) -> str:
    body = yaml.dump(ordered(data, schemas.kind(kind), schemas, kind), Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=100, indent=2)
    return schema_comment(kind, rel) + body


# ---- validation --------------------------------------------------------------------------------------

def schema_problems(schemas: SchemaSet, kind: str, candidate: dict, path: tuple[str, ...],
                    required_only: bool = False) -> list[tuple[str, str]]:
    """(field key, the validator's Vietnamese message) about one field of a candidate record.

    Errors at or below `path` count. With `required_only`, only the missing-field errors of the object
    at `path` count instead (checked once the whole object was asked: a conditionally required field,
    e.g. tax_code for a cooperative, is only known to be missing then).
    """
    validator = schema_check.reference_validator(schemas.directory, kind)
    doc = Document("(mới)", Path("/nonexistent/(mới)"), candidate)  # no file: findings point at 1:1
    out: list[tuple[str, str]] = []
    for error in validator.iter_errors(candidate):
        deepest = schema_check._deepest(error)
        where = tuple(map(str, deepest.absolute_path))
        missing = deepest.validator == "required"
        if required_only != missing or (where != path if missing else where[: len(path)] != path):
            continue
        key = _missing_key(deepest) if missing else (where[len(path)] if len(where) > len(path) else path[-1])
        finding = schema_check._translate(doc, deepest, validator)
        pair = (key, finding.message + (f" {finding.hint}" if finding.hint else ""))
        if pair not in out:
            out.append(pair)
    return out


def _missing_key(error: Any) -> str:
    instance = error.instance if isinstance(error.instance, dict) else {}
    return next((k for k in error.validator_value if k not in instance), "")


def companions(registry: Registry, decision: dict) -> list[tuple[str, dict]]:
    """The certificates a recognition decision issues: one per entry, added in the same change.

    A decision and its certificates name each other (rule DECISION-ENTRY), so neither validates alone.
    """
    if decision.get("type") != "recognition":
        return []
    out = []
    for entry in decision.get("entries") or []:
        product = registry.get("product", entry.get("product"))
        if product is None or not isinstance(entry.get("certificate"), str):
            continue
        cert: dict[str, Any] = {"id": entry["certificate"], "province": product.location.province_folder,
                                "product": product.id, "decision": decision["id"], "star": entry.get("star"),
                                "valid_from": decision.get("date")}
        cert.update({k: v for k, v in certificate_defaults(registry, cert).items() if k == "valid_to"})
        earlier = registry.certificates_of_product.get(product.id) or []
        if entry.get("action") in ("re_recognition", "upgrade") and earlier:
            cert["supersedes"] = earlier[-1].id
        out.append(("certificate", {k: v for k, v in cert.items() if v is not None}))
    return out


def write_and_validate(root: Path, registry: Registry, items: list[tuple[str, dict]], schemas: SchemaSet,
                       today: dt.date | None = None, use_cache: bool = True) -> tuple[list[str], list[Finding]]:
    """Write the records where the layout wants them and run `ocop validate` on them; on errors none stay.
    Without `use_cache` the run writes nothing else (no build/cache), for callers that must leave no trace."""
    paths = [(kind, data, record_path(kind, data, year_of(registry, kind, data))) for kind, data in items]
    return write_texts_and_validate(root, [(rel, to_yaml(kind, data, rel, schemas)) for kind, data, rel in paths],
                                    today=today, use_cache=use_cache)


def write_texts_and_validate(root: Path, files: list[tuple[str, str]], replace: bool = False,
                             today: dt.date | None = None, use_cache: bool = True) -> tuple[list[str], list[Finding]]:
    """Write record texts (repository-relative path, YAML) and run `ocop validate` on them; on errors every file
    is put back as it was (new ones deleted, replaced ones restored). Without `replace`, no file may exist yet."""
    before: dict[str, bytes | None] = {}
    for rel, _text in files:
        path = root / rel
        if path.exists() and not replace:
            raise FileExistsError(rel)
        before[rel] = path.read_bytes() if path.exists() else None
    rels = [rel for rel, _text in files]
    folders = {(root / rel).parent for rel in rels}
    made = {parent for folder in folders for parent in (folder, *folder.parents)
            if parent.is_relative_to(root) and parent != root and not parent.exists()}
    try:
        for folder in sorted(folders):
            folder.mkdir(parents=True, exist_ok=True)
        for rel, text in files:
            _write(root / rel, text.encode("utf-8"), mkdir=False)
        outcome = validate(RunConfig(root, paths=rels, today=today or dt.date.today(), use_cache=use_cache))
    except BaseException:
        _restore(root, before, made)
        raise
    findings = [f for f in outcome.findings if f.file in rels or any(r.file in rels for r in f.related)]
    if has_errors(findings):
        _restore(root, before, made)
    return rels, findings


def _write(path: Path, data: bytes, mkdir: bool = True) -> None:
    """Write next to the file, then rename over it: an interrupted run never leaves half a record."""
    if mkdir:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _restore(root: Path, before: dict[str, bytes | None], made: set[Path]) -> None:
    """Every file as it was before, and the folders made for new files removed."""
    for rel, data in before.items():
        path = root / rel
        if data is None:
            path.unlink(missing_ok=True)
        else:
            _write(path, data)
    for folder in sorted(made, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()
