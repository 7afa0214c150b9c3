"""What the open-data page (/du-lieu/) shows: the files, each table's columns and their meanings, the licence."""

from __future__ import annotations

from typing import Any

from ocop.model.layout import KIND_VI, KINDS
from ocop.model.schemas import load_schemas, schema_dir, schema_uri
from ocop.publish.opendata import metadata
from ocop.publish.opendata.facts import PLURAL
from ocop.publish.site import export
from ocop.publish.site.model import SiteModel


def context(model: SiteModel) -> dict[str, Any]:
    schemas = load_schemas(schema_dir(model.registry.root))
    tables = [{"kind": KIND_VI[kind], "stem": PLURAL[kind], "schema": f"{kind}.schema.json",
               "schema_id": schema_uri(kind, schemas[kind]) if kind in schemas else "",
               "columns": [(c.name, c.type, c.title) for c in export.COLUMNS[kind]],
               "keys": metadata.FOREIGN_KEYS.get(kind, [])} for kind in KINDS]
    return {"tables": tables, "licence": metadata.LICENCE, "licence_vi": metadata.LICENCE_VI,
            "schemas": sorted(f"{name}.schema.json" for name in schemas), "plural": PLURAL,
            "api_example": f"api/v1/{PLURAL['product']}/<mã>.json", "as_of": model.today.isoformat()}
