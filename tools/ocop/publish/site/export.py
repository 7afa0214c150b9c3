"""Open data: every kind as JSON, the flat kinds as CSV (UTF-8), and the JSON Schemas."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from ocop.model.layout import KIND_VI, KINDS
from ocop.model.schemas import schema_dir
from ocop.publish.site.model import SiteModel, address_line, text

# Flat CSV views: column → how to read it from a record. The JSON files carry every field.
CSV_COLUMNS: dict[str, dict[str, Any]] = {
    "product": {
        "id": "id", "ten": "name", "tinh": "province", "chu_the": "producer",
        "bo_tieu_chi": ("classification", "criteria_set"), "nhom_nganh": ("classification", "group"),
        "dia_chi": lambda r: address_line(r.get("address")), "mau": "sample",
    },
    "certificate": {
        "id": "id", "tinh": "province", "san_pham": "product", "quyet_dinh": "decision", "hang_sao": "star",
        "diem": "score", "hieu_luc_tu": "valid_from", "hieu_luc_den": "valid_to", "thay_the": "supersedes", "mau": "sample",
    },
    "producer": {
        "id": "id", "ten": "name", "tinh": "province", "loai_hinh": "type", "ma_so_thue": "tax_code",
        "dia_chi": lambda r: address_line(r.get("address")), "mau": "sample",
    },
    "decision": {
        "id": "id", "tinh": "province", "loai": "type", "so": "number", "ngay": "date",
        "co_quan": ("issuer", "name"), "so_muc": lambda r: len(r.get("entries") or []), "mau": "sample",
    },
    "evaluation": {
        "id": "id", "tinh": "province", "san_pham": "product", "ngay": "date", "bo_tieu_chi": "criteria_set",
        "tong_diem": "total", "hang_sao": "star", "mau": "sample",
    },
}
FILE_NAMES = {"product": "products", "certificate": "certificates", "producer": "producers",
              "decision": "decisions", "evaluation": "evaluations", "plan": "plans"}


def cell(record: dict[str, Any], how: Any) -> str:
    if callable(how):
        value = how(record)
    elif isinstance(how, tuple):
        outer = record.get(how[0])
        value = outer.get(how[1]) if isinstance(outer, dict) else None
    else:
        value = record.get(how)
    if isinstance(value, bool):
        return "true" if value else ""
    value = text(value)
    # a cell that starts like a formula is run by spreadsheets: prefix it (CSV injection)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_all(model: SiteModel, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    registry = model.registry
    for kind in KINDS:
        records = sorted(registry.all(kind), key=lambda r: r.id)
        data = [r.data for r in records]
        (out / f"{FILE_NAMES[kind]}.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                                                       encoding="utf-8")
        columns = CSV_COLUMNS.get(kind)
        if columns:
            with (out / f"{FILE_NAMES[kind]}.csv").open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(columns)
                for r in data:
                    writer.writerow([cell(r, how) for how in columns.values()])
    schemas = out / "luoc-do"
    schemas.mkdir(exist_ok=True)
    for path in sorted(schema_dir(registry.root).glob("*.schema.json")):
        shutil.copyfile(path, schemas / path.name)


def describe(out: Path) -> list[dict[str, Any]]:
    """What the open-data page lists: file, kind, size, and the CSV columns."""
    rows = []
    for kind, stem in FILE_NAMES.items():
        for suffix in (".json", ".csv"):
            path = out / f"{stem}{suffix}"
            if path.exists():
                rows.append({"name": path.name, "kind": KIND_VI.get(kind, kind), "size": path.stat().st_size,
                             "columns": list(CSV_COLUMNS.get(kind, {})) if suffix == ".csv" else [],
                             "schema": f"{kind}.schema.json"})
    return rows
