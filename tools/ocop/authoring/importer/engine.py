"""One `ocop import` run: rows → matched or new producers, products, decisions and certificates → the texts to
write → the same verdict `ocop validate` would give → written (all or nothing) or not.

Matching, never guessing: a producer is the existing one with the row's tax code, else the one with the
same normalised name in the province; a product is the one with the same normalised name of that producer;
a decision the one with the same number and date. Two candidates are an IMPORT-AMBIGUOUS finding, nothing
is merged. A matched record whose values differ is left alone (IMPORT-CHANGED) unless `--update`; issued
decisions and certificates are never changed (IMPORT-CONFLICT).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocop.authoring import records
from ocop.authoring.importer import header as headers
from ocop.authoring.importer import national, preflight, render, sheet, values
from ocop.authoring.importer.address import Issue, Resolved, Resolver
from ocop.check import pipeline
from ocop.check.rules import importing  # noqa: F401  (registers the IMPORT-* rules)
from ocop.domain import authority, lifecycle
from ocop.domain import national as national_types
from ocop.findings import Finding, has_errors, make
from ocop.model import units
from ocop.model.layout import CENTRAL, KIND_VI
from ocop.model.registry import Record, Registry
from ocop.model.schemas import SchemaSet

Progress = Callable[[str, int, int], None]
KINDS = ("producer", "product", "decision", "certificate")
STATUSES = ("created", "updated", "unchanged", "skipped")
MAX_LEN = {"product_name": 300, "producer_name": 300, "representative": 200, "representative_position": 200,
           "description": 3000, "subgroup": 200, "issuer": 300, "registration_number": 20, "address": 300,
           "decision_number": 60, "story": 6000}
DECISION_FIELDS = ("decision_number", "decision_date")
STAR_MARKS = ("star_3", "star_4", "star_5")
DEFAULT_CRITERIA = "148/2023"
NATIONAL_ID_HINT = ("Hệ thống OCOP quốc gia không công bố mã số thuế: thêm chủ thể vào sổ trước (ocop import bảng tính "
                    "có cột «Mã số thuế», hoặc ocop new producer), rồi nhập lại tệp JSON: sản phẩm được ghép với chủ "
                    "thể theo tên; hoặc ghi manufacturer.tax_code trong tệp.")
_TOTAL = re.compile(r"\s*(tong cong|tong so|tong|cong|cong so)\b")


@dataclass
class Options:
    root: Path
    file: Path
    display: str  # the file as findings name it
    province: str
    sheet: str | None = None
    maps: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False
    update: bool = False
    partial: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    issuer: str | None = None
    signer: str | None = None
    signer_position: str | None = None
    source: str = "sheet"  # or national.SOURCE: the national OCOP system's product JSON
    products_only: bool = False  # producers and products, not the decisions and certificates the file names


@dataclass
class Row:
    number: int
    values: tuple
    product_name: str = ""
    producer_name: str = ""
    tax_code: str | None = None
    registration_number: str | None = None
    representative: str | None = None
    position: str | None = None
    producer_type: Any = None
    phone: str | None = None
    email: str | None = None
    address: Resolved | None = None
    group: Any = None
    subgroup: str | None = None
    description: str | None = None
    story: str | None = None
    star: int | None = None
    score: float | int | None = None
    decision_number: str | None = None
    decision_date: str | None = None
    valid_to: str | None = None  # as the file states it; the certificate's own is worked out from the decision
    issuer: str | None = None


@dataclass(eq=False)  # a plan is one object: it keys dictionaries by identity
class Plan:
    """One record the run writes, or finds already there."""

    kind: str
    rows: list[int]  # the rows it comes from, first one first
    existing: Record | None = None
    data: dict = field(default_factory=dict)  # the whole record (new) or the changed top-level fields (existing)
    id: str = ""
    status: str = "unchanged"  # created | updated | unchanged
    bad: bool = False  # cannot be built: its rows are not imported
    key: Any = None
    first: Row | None = None  # the row its values come from
    producer: Plan | None = None  # a product's producer
    product: Plan | None = None  # a certificate's product
    certificates: list[Plan] = field(default_factory=list)  # an existing decision's certificates the sheet lists

    @property
    def record_id(self) -> str:
        return self.existing.id if self.existing is not None else self.id


@dataclass
class Outcome:
    findings: list[Finding]
    counts: dict[str, Counter]  # kind → status → count
    rows: Counter  # read, data, blank/section/total rows skipped, rows with errors
    files: list[tuple[str, str]]  # (status, path) of what was (or would be) written
    written: bool
    sheet: str | None = None
    header_row: int | None = None
    unknown_columns: list[str] = field(default_factory=list)


class Import:
    def __init__(self, options: Options, progress: Progress | None = None) -> None:
        self.o = options
        self.progress = progress
        self.findings: list[Finding] = []
        self.table: sheet.Table | None = None
        self.header: headers.Header | None = None
        self.resolver: Resolver | None = None
        self.bad_rows: set[int] = set()
        self.row_counts: Counter = Counter()
        self._seen: set[tuple] = set()

    def add(self, finding: Finding) -> None:
        """A finding, once: planning runs again after a --partial check and meets the same problems."""
        key = (finding.rule, finding.line, finding.column, finding.message)
        if key not in self._seen:
            self._seen.add(key)
            self.findings.append(finding)
        if finding.severity == "error" and finding.cell:
            self.bad_rows.add(finding.line)

    # ---- findings at cells

    def at(self, rule_id: str, row: int, name: str | None, message: str, hint: str = "") -> Finding:
        assert self.table is not None
        column = self.column(name, row)
        finding = make(rule_id, self.o.display, row, self.table.column_number(column), message, hint,
                       cell=self.table.cell(row, column))
        self.add(finding)
        return finding

    def column(self, name: str | None, row: int | None = None) -> int:
        columns = self.header.columns if self.header else {}
        if name in columns:
            return columns[name]
        if name == "star" and any(m in columns for m in STAR_MARKS):
            return min(columns[m] for m in STAR_MARKS if m in columns)
        near = _NEAR.get(name or "")
        if near in columns:
            return columns[near]
        for fallback in ("product_name", "producer_name", "stt"):
            if fallback in columns:
                return columns[fallback]
        return 0

    # ---- reading

    def read(self) -> list[Row] | None:
        if self.o.source == national.SOURCE:
            return self._read_national()
        o = self.o
        table, problems = sheet.read(o.file, o.display, o.sheet, pick=headers.looks_like_header, progress=self.progress)
        self.findings.extend(problems)
        if table is None:
            return None
        self.table = table
        header, unmatched = headers.detect(table.rows, o.maps)
        if header is None:
            first = table.rows[0][0] if table.rows else 1
            what = (f"Các cột trong --map không có trong bảng: {', '.join('«' + values.shown(c) + '»' for c in unmatched)}. "
                    if unmatched else "")
            self.at("IMPORT-HEADER", first, None,
                    f"{what}Không tìm thấy dòng tiêu đề có cột tên sản phẩm và cột chủ thể trong {headers.SCAN_ROWS} "
                    "dòng đầu" + (f" của trang tính «{values.shown(table.sheet)}»" if table.sheet is not None else "")
                    + (f" (tệp có các trang: {', '.join('«' + values.shown(s) + '»' for s in table.sheets[:10])})"
                       if len(table.sheets) > 1 else "") + ".",
                    "Tên cột được nhận: Tên sản phẩm, Chủ thể (Tên chủ thể, Đơn vị), Địa chỉ, Hạng sao, Số quyết định… "
                    "Dùng --map \"Tên cột=product_name\" cho cột có tên khác; --sheet để chọn trang tính.")
            return None
        self.header = header
        for column_text in unmatched:
            self.at("IMPORT-HEADER", header.row, None,
                    f"--map: không có cột «{values.shown(column_text)}» trong dòng tiêu đề.",
                    "Ghi tên cột đúng như trong bảng (không cần dấu), hoặc chữ cái của cột (ví dụ C).")
        self._check_columns(header)
        if has_errors(self.findings):
            return None
        return self._rows(table, header)

    def _read_national(self) -> list[Row] | None:
        table, header, problems = national.read(self.o.file, self.o.display, self.o.products_only)
        self.findings.extend(problems)
        if table is None or header is None:
            return None
        self.table, self.header = table, header
        return self._rows(table, header)

    def _check_columns(self, header: headers.Header) -> None:
        columns = header.columns
        has_decision = [f in columns for f in DECISION_FIELDS]
        if any(has_decision) and not all(has_decision):
            missing = headers.FIELDS[DECISION_FIELDS[has_decision.index(False)]][0]
            self.at("IMPORT-HEADER", header.row, DECISION_FIELDS[has_decision.index(True)],
                    f"Bảng có cột {headers.FIELDS[DECISION_FIELDS[has_decision.index(True)]][0]} nhưng không có cột "
                    f"{missing}: một quyết định cần cả số và ngày.",
                    f"Thêm cột «{missing}», hoặc chỉ rõ bằng --map.")
        if all(has_decision) and "star" not in columns and not any(m in columns for m in STAR_MARKS):
            self.at("IMPORT-HEADER", header.row, "decision_number",
                    "Bảng có cột quyết định nhưng không có cột hạng sao: chứng nhận cần hạng sao.",
                    "Thêm cột «Hạng sao», hoặc chỉ rõ bằng --map \"Tên cột=star\".")

    def _rows(self, table: sheet.Table, header: headers.Header) -> list[Row]:
        out: list[Row] = []
        counts = self.row_counts
        for number, raw in table.rows[header.start:]:
            counts["read"] += 1
            kind = self._row_kind(raw)
            if kind != "data":
                counts[kind] += 1
                continue
            counts["data"] += 1
            row = self._parse(number, raw)
            out.append(row)
            if self.progress and counts["read"] % 1000 == 0:
                self.progress("đọc dòng", counts["read"], len(table.rows) - header.start)
        return out

    def _cell(self, raw: tuple, name: str) -> Any:
        assert self.header is not None
        column = self.header.columns.get(name)
        return raw[column] if column is not None and column < len(raw) else None

    def _row_kind(self, raw: tuple) -> str:
        """data, or why a row is not one: a section title ("I. Huyện Thanh Hà"), a total ("Tổng cộng")."""
        stt = self._cell(raw, "stt")
        if (isinstance(stt, (int, float)) and not isinstance(stt, bool)) or isinstance(stt, sheet.Formula) or (
                isinstance(stt, str) and stt.strip().rstrip(".").isdigit()):
            return "data"
        filled = [v for v in raw if v is not None]
        if len(filled) <= 6 and any(isinstance(v, str) and _TOTAL.match(units.fold(v[:40])) for v in filled[:3]):
            return "total"
        if stt is not None:  # "I", "A", "1.1": a section of the table
            return "section"
        named = [n for n in ("product_name", "producer_name", "address", "star", "decision_number")
                 if self._cell(raw, n) is not None]
        return "data" if len(named) >= 2 else "section"

    def _value(self, row: Row, name: str, reader: Callable[[Any], Any], raw: tuple) -> Any:
        value = self._cell(raw, name)
        try:
            return reader(value)
        except values.Problem as problem:
            self.at(problem.rule, row.number, name, problem.message, problem.hint)
            return None

    def _parse(self, number: int, raw: tuple) -> Row:
        row = Row(number, raw)
        text = values.text
        for name in ("product_name", "producer_name", "representative", "subgroup", "description", "story", "issuer"):
            setattr(row, name, self._value(row, name, lambda v, n=name: text(v, MAX_LEN[n]), raw))
        row.position = self._value(row, "representative_position", lambda v: text(v, 200), raw)
        row.registration_number = self._value(row, "registration_number", lambda v: values.number_text(v, 20), raw)
        row.tax_code = self._value(row, "tax_code", values.tax_code, raw)
        row.phone = self._value(row, "phone", values.phone, raw)
        row.email = self._value(row, "email", values.email, raw)
        row.score = self._value(row, "score", values.score, raw)
        row.decision_number = self._value(row, "decision_number", lambda v: values.number_text(v, 60), raw)
        row.decision_date = self._value(row, "decision_date", values.date, raw)
        row.valid_to = self._value(row, "valid_to", values.stated_expiry, raw)
        row.producer_type = self._cell(raw, "producer_type")
        row.group = self._cell(raw, "group")
        row.star = self._star(row, raw)
        address = self._value(row, "address", lambda v: text(v, MAX_LEN["address"]), raw)
        if address and self.resolver is not None:
            row.address = self.resolver.resolve(address)
        for name, label in (("product_name", "tên sản phẩm"), ("producer_name", "tên chủ thể")):
            if not getattr(row, name) and self._cell(raw, name) is None:
                self.at("IMPORT-MISSING", number, name, f"Dòng không có {label}.",
                        f"Ghi {label} vào cột «{self.header.label(name) if self.header else label}».")
        if self.has_decisions:
            given = {n: self._cell(raw, n) is not None for n in DECISION_FIELDS}
            given["star"] = any(self._cell(raw, n) is not None for n in ("star", *STAR_MARKS))
            if any(given.values()):  # a row without any decision cell is a product without certificate
                for name, label in (("decision_number", "số quyết định"), ("decision_date", "ngày quyết định"),
                                    ("star", "hạng sao")):
                    if not given[name]:
                        self.at("IMPORT-MISSING", number, name, f"Dòng có quyết định nhưng không có {label}.",
                                f"Ghi {label} vào dòng này.")
        if row.address is not None and self.resolver is not None:
            for issue in row.address.issues:
                self._issue(row, issue)
            renamed = self.resolver.renamed(row.address, row.decision_date)
            if renamed:
                self._issue(row, renamed)
        return row

    def _issue(self, row: Row, issue: Issue) -> None:
        self.at(issue.rule, row.number, "address", issue.message, issue.hint)

    def _star(self, row: Row, raw: tuple) -> int | None:
        if self.header and "star" in self.header.columns:
            return self._value(row, "star", values.star, raw)
        marked = [int(m[-1]) for m in STAR_MARKS if self._cell(raw, m) is not None]
        if len(marked) > 1:
            self.at("IMPORT-VALUE", row.number, "star", f"Dòng đánh dấu nhiều hạng sao: {', '.join(f'{s} sao' for s in marked)}.",
                    "Chỉ đánh dấu một cột hạng sao.")
            return None
        return marked[0] if marked else None

    @property
    def has_decisions(self) -> bool:
        return self.header is not None and all(f in self.header.columns for f in DECISION_FIELDS)


def run(options: Options, progress: Progress | None = None) -> Outcome:
    job = Import(options, progress)
    root = options.root
    loaded = pipeline.load(root)
    registry = loaded.registry
    entry = registry.province(options.province)
    if entry is None or not entry.get("code") or units.lookup("province", str(entry["code"]), "2025") is None:
        raise ValueError(f"«{options.province}» không phải thư mục tỉnh trong registry/provinces.yaml")
    job.resolver = Resolver(str(entry["code"]))
    rows = job.read()
    if rows is None:
        return _outcome(job, {}, [], False)
    planner = Planner(job, registry, root, SchemaSet(root))
    candidates, plans = [], []
    for _attempt in range(4):
        good = [r for r in rows if r.number not in job.bad_rows]
        plans = planner.plan(good)
        candidates = planner.candidates(plans)
        checked, _records = preflight.check(root, loaded, candidates, options.today, progress)
        planner.report(checked, plans)
        if not (options.partial and _newly_bad(job, plans)):
            break
    written = False
    errors = has_errors(job.findings)
    whole_file = any(f.severity == "error" and not f.cell for f in job.findings)  # no row to leave out: --partial cannot help
    files = [(p.status, rel) for p, rel in planner.paths.items() if p.status in ("created", "updated")]
    files = [(s, r) for s, r in files if not any(row in job.bad_rows for row in planner.rows_of_path.get(r, []))]
    if not options.dry_run and files and (not errors or (options.partial and not whole_file)):
        texts = [(rel, planner.texts[rel]) for _status, rel in files]
        if progress:
            progress("ghi", 0, len(texts))
        _rels, gate = records.write_texts_and_validate(root, texts, replace=True, today=options.today)
        written = not has_errors(gate)
        if not written:
            planner.report(gate, plans)
    return _outcome(job, planner.counts(plans), files, written)


def _newly_bad(job: Import, plans: list[Plan]) -> bool:
    """Do some planned records come from rows found bad by the last check (so planning again helps)?"""
    return any(p.status in ("created", "updated") and any(r in job.bad_rows for r in p.rows) for p in plans)


def _outcome(job: Import, counts: dict[str, Counter], files: list[tuple[str, str]], written: bool) -> Outcome:
    findings = sorted(job.findings, key=lambda f: (f.line, f.column, f.rule))
    return Outcome(findings, counts, job.row_counts, files, written,
                   job.table.sheet if job.table else None, job.header.row if job.header else None,
                   job.header.unknown if job.header else [])


class Planner:
    """Rows to records. Everything is planned again from the rows on each attempt (ids are then stable)."""

    def __init__(self, job: Import, registry: Registry, root: Path, schemas: SchemaSet) -> None:
        self.job, self.registry, self.root, self.schemas = job, registry, root, schemas
        self.province = job.o.province
        assert job.resolver is not None
        self.code = job.resolver.code
        self.taken = records.taken_ids(registry, root)
        self._index()
        self.paths: dict[Plan, str] = {}
        self.texts: dict[str, str] = {}
        self.rows_of_path: dict[str, list[int]] = {}
        self.lines: dict[str, list[tuple[int, str, int | None]]] = {}

    def _index(self) -> None:
        r = self.registry
        self.by_tax: dict[str, list[Record]] = defaultdict(list)
        self.by_name: dict[str, list[Record]] = defaultdict(list)
        for producer in r.all("producer"):
            tax = producer.get("tax_code")
            if isinstance(tax, str):
                self.by_tax[tax].append(producer)
            if producer.location.province_folder == self.province and isinstance(producer.get("name"), str):
                self.by_name[values.name_key(producer.get("name"))].append(producer)
        self.products: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for product in r.all("product"):
            if isinstance(product.get("name"), str) and isinstance(product.get("producer"), str):
                self.products[(product.get("producer"), values.name_key(product.get("name")))].append(product)
        self.decisions: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for decision in r.all("decision"):
            if decision.location.province_folder in (self.province, CENTRAL) and isinstance(decision.get("number"), str):
                self.decisions[(values.decision_key(decision.get("number")), str(decision.get("date")))].append(decision)

    # ---- planning

    def plan(self, rows: list[Row]) -> list[Plan]:
        job = self.job
        self.ids = records.IdAllocator(self.taken)
        self.producer_plans: list[Plan] = []
        self.product_plans: list[Plan] = []
        self.new_by_tax: dict[str, list[Plan]] = defaultdict(list)
        self.new_by_name: dict[str, list[Plan]] = defaultdict(list)
        self.existing_plans: dict[str, Plan] = {}
        self.product_of: dict[tuple[int, str], Plan] = {}  # (row number, "product"/"producer") → plan
        self.new_products: dict[tuple[int, str], list[Plan]] = defaultdict(list)
        for i, row in enumerate(rows):
            producer = self._producer(row)
            if producer is None:
                continue
            product = self._product(row, producer)
            if product is None:
                continue
            self.product_of[(row.number, "producer")] = producer
            self.product_of[(row.number, "product")] = product
            if job.progress and i % 1000 == 0:
                job.progress("ghép", i, len(rows))
        self._build_producers()
        self._build_products(rows)
        for plan in self.product_plans:  # a product that cannot be built gets no certificate
            if plan.bad:
                job.bad_rows.update(plan.rows)
        decisions, certificates = self._decisions([r for r in rows if (r.number, "product") in self.product_of
                                                   and r.number not in job.bad_rows])
        plans = self.producer_plans + self.product_plans + decisions + certificates
        for plan in plans:  # a record that cannot be built takes its rows with it
            if plan.bad:
                job.bad_rows.update(plan.rows)
        return plans

    def _producer(self, row: Row) -> Plan | None:
        key = values.name_key(row.producer_name or "")
        if not key:
            return None
        if row.tax_code:
            found = self.by_tax.get(row.tax_code, []) + self.new_by_tax.get(row.tax_code, [])
            if len(found) > 1:
                self._ambiguous(row, "producer_name", f"Mã số thuế {row.tax_code} có ở nhiều chủ thể", found)
                return None
            if found:
                return self._plan_of(found[0], row)
        named = self.by_name.get(key, []) + self.new_by_name.get(key, [])
        if row.tax_code:
            named = [c for c in named if _tax_of(c) in (None, row.tax_code)]
        if len(named) > 1:
            self._ambiguous(row, "producer_name", f"Chủ thể «{values.shown(row.producer_name)}» trùng tên với nhiều hồ sơ",
                            named)
            return None
        if named:
            return self._plan_of(named[0], row)
        plan = Plan("producer", [row.number], key=key)
        plan.data = {"name": row.producer_name}
        plan.first = row
        self.producer_plans.append(plan)
        self.new_by_name[key].append(plan)
        if row.tax_code:
            self.new_by_tax[row.tax_code].append(plan)
        return plan

    def _plan_of(self, found: Record | Plan, row: Row, kind: str = "producer") -> Plan:
        """The plan a row joins: a record planned earlier in this file, or one for an existing record."""
        if isinstance(found, Plan):
            found.rows.append(row.number)
            return found
        plan = self.existing_plans.get(found.id)
        if plan is None:
            plan = self.existing_plans[found.id] = Plan(kind, [row.number], existing=found)
            plan.first = row
            (self.producer_plans if kind == "producer" else self.product_plans).append(plan)
        else:
            plan.rows.append(row.number)
        return plan

    def _ambiguous(self, row: Row, name: str, what: str, found: list) -> None:
        listed = ", ".join(_label(c) for c in found[:8]) + (f" và {len(found) - 8} hồ sơ khác" if len(found) > 8 else "")
        self.job.at("IMPORT-AMBIGUOUS", row.number, name, f"{what}: {listed}. Dòng không được nhập.",
                    "Ghi mã số thuế vào dòng để phân biệt, hoặc gộp các hồ sơ trùng trong sổ đăng ký trước.")

    def _product(self, row: Row, producer: Plan) -> Plan | None:
        key = values.name_key(row.product_name or "")
        if not key:
            return None
        found: list[Any] = []
        if producer.existing is not None:
            found += self.products.get((producer.existing.id, key), [])
        found += [p for p in self.new_products.get((id(producer), key), [])]
        if len(found) > 1:
            self._ambiguous(row, "product_name", f"Sản phẩm «{values.shown(row.product_name)}» của chủ thể này khớp nhiều hồ sơ",
                            found)
            return None
        if found:
            plan = self._plan_of(found[0], row, "product")
            if not isinstance(found[0], Plan):
                plan.producer = producer
            return plan
        plan = Plan("product", [row.number], key=key)
        plan.first = row
        plan.producer = producer
        self.new_products[(id(producer), key)].append(plan)
        self.product_plans.append(plan)
        return plan

    # -- producers

    def _build_producers(self) -> None:
        for plan in self.producer_plans:
            row: Row = plan.first
            if plan.existing is None:
                self._new_producer(plan, row)
            else:
                self._changes(plan, self._producer_fields(row, for_update=True), row)

    def _producer_fields(self, row: Row, for_update: bool) -> dict[str, Any]:
        """The producer's values the sheet gives. An address whose units were not all found is written on a new
        record (its text kept as the street) but never replaces a coded address."""
        out: dict[str, Any] = {}
        if row.producer_type is not None:
            try:
                out["type"] = values.producer_type(row.producer_type, row.producer_name)
            except values.Problem as problem:
                self.job.at(problem.rule, row.number, "producer_type", problem.message, problem.hint)
        if row.tax_code:
            out["tax_code"] = row.tax_code
        if row.registration_number:
            out["registration_number"] = row.registration_number
        if row.representative:
            out["representative"] = {"name": row.representative, **({"position": row.position} if row.position else {})}
        contacts = {k: v for k, v in (("phone", row.phone), ("email", row.email)) if v}
        if contacts:
            out["contacts"] = contacts
        if row.address is not None and (row.address.complete or not for_update):
            out["address"] = row.address.address
        return out

    def _new_producer(self, plan: Plan, row: Row) -> None:
        job = self.job
        data = {"name": row.producer_name}
        try:
            data["type"] = values.producer_type(row.producer_type, row.producer_name)
        except values.Problem as problem:
            job.at(problem.rule, row.number, "producer_type" if row.producer_type is not None else "producer_name",
                   problem.message, problem.hint)
            plan.bad = True
            return
        fields = self._producer_fields(row, for_update=False)
        data.update({k: v for k, v in fields.items() if k != "type"})
        missing = []
        if "representative" not in data:
            missing.append(("representative", "người đại diện", "Thêm cột «Người đại diện» (họ tên) vào bảng tính."))
        if data["type"] in ("doanh_nghiep", "htx") and "tax_code" not in data:
            missing.append(("tax_code", "mã số thuế (bắt buộc với doanh nghiệp, hợp tác xã)",
                            "Thêm cột «Mã số thuế» và ghi mã của chủ thể."))
        if data["type"] in ("ho_kinh_doanh", "to_hop_tac") and not ({"tax_code", "registration_number"} & data.keys()):
            missing.append(("registration_number", "mã số thuế hoặc số đăng ký (hộ kinh doanh, tổ hợp tác)",
                            "Thêm cột «Số đăng ký» hoặc «Mã số thuế»."))
        for name, label, hint in missing:
            if job.o.source == national.SOURCE and name != "representative":
                hint = NATIONAL_ID_HINT
            job.at("IMPORT-MISSING", row.number, name,
                   f"Chủ thể mới «{values.shown(row.producer_name)}» thiếu {label}.", hint)
            plan.bad = True
        if "address" not in data:
            data["address"] = {"province": records.unit_ref("province", self.code)}
        plan.data, plan.status = data, "created"

    def _changes(self, plan: Plan, fields: dict[str, Any], row: Row) -> None:
        """Fields whose sheet value differs from the record: written with --update, reported otherwise."""
        record = plan.existing
        assert record is not None
        changes: dict[str, Any] = {}
        for key, value in fields.items():
            old = record.get(key)
            if key == "address" and _same_address(old, value):
                continue
            if isinstance(value, dict) and isinstance(old, dict) and key != "address":
                merged = {**old, **value}
                if merged != old:
                    changes[key] = merged
            elif value != old:
                changes[key] = value
        if not changes:
            return
        if self.job.o.update:
            plan.data, plan.status = changes, "updated"
            return
        described = "; ".join(f"{k}: «{values.shown(_brief(record.get(k)))}» → «{values.shown(_brief(v))}»"
                              for k, v in list(changes.items())[:4])
        self.job.at("IMPORT-CHANGED", row.number, _FIELD_COLUMN[plan.kind].get(next(iter(changes)), None)
                    or ("producer_name" if plan.kind == "producer" else "product_name"),
                    f"{KIND_VI[plan.kind].capitalize()} {record.id} khác bảng tính ({described}); hồ sơ được giữ nguyên.",
                    "Chạy lại với --update để ghi các giá trị của bảng tính.")

    # -- products

    def _build_products(self, rows: list[Row]) -> None:
        first_date: dict[int, str] = {}
        for row in rows:
            plan = self.product_of.get((row.number, "product"))
            if plan is not None and row.decision_date:
                first_date[id(plan)] = min(first_date.get(id(plan), row.decision_date), row.decision_date)
        for plan in self.product_plans:
            row: Row = plan.first
            producer: Plan = plan.producer
            if producer.bad:
                plan.bad = True
                continue
            if plan.existing is not None:
                classification = plan.existing.get("classification")
                criteria = classification.get("criteria_set") if isinstance(classification, dict) else None
                fields = self._product_fields(row, criteria if criteria in values.GROUPS else DEFAULT_CRITERIA,
                                              classification.get("group") if isinstance(classification, dict) else None)
                if "classification" in fields and isinstance(classification, dict):
                    fields["classification"] = {**classification, **fields["classification"]}
                self._changes(plan, fields, row)
                continue
            criteria = records.criteria_set_on(first_date.get(id(plan))) or DEFAULT_CRITERIA
            fields = self._product_fields(row, criteria)
            if "classification" not in fields:
                if row.group is None:
                    self.job.at("IMPORT-MISSING", row.number, "group",
                                f"Sản phẩm mới «{values.shown(row.product_name)}» thiếu nhóm sản phẩm.",
                                f"Thêm cột «Nhóm» ({values.GROUP_NAMES[criteria]}).")
                plan.bad = True
                continue
            producer_name = producer.existing.get("name") if producer.existing is not None else producer.data.get("name")
            data = {"name": row.product_name, "classification": fields["classification"],
                    "description": fields.get("description") or f"{row.product_name} của {producer_name}.",
                    "address": (row.address.address if row.address is not None else
                                {"province": records.unit_ref("province", self.code)})}
            if "story" in fields:
                data["story"] = fields["story"]
            plan.data, plan.status = data, "created"

    def _product_fields(self, row: Row, criteria: str, current_group: Any = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if isinstance(row.group, values.NationalType) and current_group in national_types.groups_of(row.group, criteria):
            pass  # the national type is coarser than the record's group, and agrees with it
        elif row.group is not None:
            try:
                parsed = values.group(row.group, criteria)
            except values.Problem as problem:
                self.job.at(problem.rule, row.number, "group", problem.message, problem.hint)
                parsed = None
            if parsed:
                code, nhom = parsed
                classification = {"criteria_set": criteria, "group": code}
                if nhom:
                    classification["nhom"] = nhom
                if row.subgroup:
                    classification["phan_nhom"] = row.subgroup
                out["classification"] = classification
        if row.description:
            out["description"] = row.description
        if row.story:
            out["story"] = row.story
        return out

    # -- decisions and certificates

    def _decisions(self, rows: list[Row]) -> tuple[list[Plan], list[Plan]]:
        job = self.job
        if not job.has_decisions:
            self._duplicates_without_decisions(rows)
            return [], []
        groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in rows:
            if row.decision_number and row.decision_date and row.star:
                groups[(values.decision_key(row.decision_number), row.decision_date)].append(row)
        decisions: list[Plan] = []
        certificates: list[Plan] = []
        earlier: dict[int, list[tuple[str, str, int]]] = defaultdict(list)  # product plan → (valid_from, cert id, star)
        for (number_key, date), members in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            members = self._dedupe(members)
            existing = self.decisions.get((number_key, date), [])
            if len(existing) > 1:
                for row in members:
                    self._ambiguous(row, "decision_number", f"Quyết định số {values.shown(row.decision_number)} ngày "
                                    f"{date} có nhiều hồ sơ", existing)
                continue
            if existing:
                decision = self._existing_decision(existing[0], members)
                decisions.append(decision)
                certificates += decision.certificates
                continue
            plan = self._new_decision(members, date)
            decisions.append(plan)
            if plan.bad:
                continue
            for row, entry in zip(members, plan.data["entries"], strict=True):
                product = self.product_of[(row.number, "product")]
                cert = Plan("certificate", [row.number], status="created", product=product)
                year = date[:4]
                cert.data = {"product": product.record_id, "decision": plan.id, "star": row.star}
                if row.score is not None:
                    cert.data["score"] = row.score
                cert.data["valid_from"] = date
                cert.data["valid_to"] = lifecycle.add_months(dt.date.fromisoformat(date), lifecycle.VALIDITY_MONTHS).isoformat()
                self._stated_expiry(row, cert.data["valid_to"])
                before = self._previous(product, date, earlier)
                if before is not None:
                    entry["action"] = "upgrade" if row.star > before[2] else "re_recognition"
                    cert.data["supersedes"] = before[1]
                else:
                    entry["action"] = "new"
                cert.id = self.ids.next("certificate", self.province, year)
                cert.data = {"id": cert.id, "province": self.province, **cert.data}
                entry["certificate"] = cert.id
                earlier[id(product)].append((date, cert.id, row.star or 0))
                certificates.append(cert)
        return decisions, certificates

    def _stated_expiry(self, row: Row, valid_to: str) -> None:
        if row.valid_to and row.valid_to != valid_to:
            ours = lifecycle.vn_date(valid_to)
            self.job.at("IMPORT-EXPIRY", row.number, "valid_to",
                        f"Ngày hết hạn trong tệp ({lifecycle.vn_date(row.valid_to)}) khác ngày hết hạn theo quyết định ({ours}: "
                        f"{lifecycle.VALIDITY_MONTHS} tháng kể từ ngày {lifecycle.vn_date(str(row.decision_date))}); chứng nhận "
                        f"ghi {ours}.",
                        "Đối chiếu quyết định công nhận: sửa ngày quyết định hoặc ngày hết hạn trong tệp nguồn.")

    def _previous(self, product: Plan, date: str, earlier: dict[int, list[tuple[str, str, int]]],
                  ) -> tuple[str, str, int] | None:
        """The product's latest certificate before this date: in the registry, or made earlier in this import."""
        found = [(str(c.get("valid_from") or ""), c.id, c.get("star") if isinstance(c.get("star"), int) else 0)
                 for c in (self.registry.certificates_of_product.get(product.existing.id, [])
                           if product.existing is not None else [])]
        found += earlier.get(id(product), [])
        found = [f for f in found if f[0] and f[0] < date]
        return max(found) if found else None

    def _dedupe(self, members: list[Row]) -> list[Row]:
        """One row per product in a decision: a repeat with the same star is skipped, another star is a conflict."""
        seen: dict[int, Row] = {}
        out = []
        for row in members:
            product = self.product_of[(row.number, "product")]
            first = seen.get(id(product))
            if first is None:
                seen[id(product)] = row
                out.append(row)
            elif first.star == row.star:
                self.job.at("IMPORT-DUPLICATE", row.number, "product_name",
                            f"Dòng lặp lại dòng {first.number} (cùng sản phẩm, cùng quyết định, cùng hạng sao); bỏ qua.",
                            "Xóa dòng lặp trong bảng tính.")
                product.rows.remove(row.number)
            else:
                self.job.at("IMPORT-CONFLICT", row.number, "star",
                            f"Sản phẩm đã có ở dòng {first.number} với {first.star} sao trong cùng quyết định, dòng này "
                            f"ghi {row.star} sao.", "Sửa hạng sao cho đúng quyết định rồi xóa dòng thừa.")
        return out

    def _duplicates_without_decisions(self, rows: list[Row]) -> None:
        seen: dict[int, Row] = {}
        for row in rows:
            product = self.product_of.get((row.number, "product"))
            if product is None:
                continue
            first = seen.setdefault(id(product), row)
            if first is not row:
                self.job.at("IMPORT-DUPLICATE", row.number, "product_name",
                            f"Dòng lặp lại sản phẩm của dòng {first.number}; bỏ qua.", "Xóa dòng lặp trong bảng tính.")
                product.rows.remove(row.number)

    def _existing_decision(self, decision: Record, members: list[Row]) -> Plan:
        plan = Plan("decision", [r.number for r in members], existing=decision)
        entries = {e.get("product"): e for e in decision.get("entries") or [] if isinstance(e, dict)}
        for row in members:
            product = self.product_of[(row.number, "product")]
            entry = entries.get(product.record_id) if product.existing is not None else None
            if entry is None:
                self.job.at("IMPORT-CONFLICT", row.number, "decision_number",
                            f"Quyết định {values.shown(row.decision_number)} ngày {decision.get('date')} đã có trong sổ "
                            f"({decision.id}) nhưng không có sản phẩm «{values.shown(row.product_name)}»; quyết định đã "
                            "ban hành không được sửa.",
                            "Đối chiếu quyết định: sửa số, ngày trong bảng tính, hoặc tên sản phẩm cho khớp hồ sơ đã có.")
            elif entry.get("star") != row.star:
                self.job.at("IMPORT-CONFLICT", row.number, "star",
                            f"Quyết định {decision.id} ghi {entry.get('star')} sao cho sản phẩm {product.record_id}, bảng "
                            f"tính ghi {row.star} sao.", "Đối chiếu bản giấy của quyết định và sửa bảng tính.")
            else:
                cert = self.registry.get("certificate", entry.get("certificate"))
                if cert is not None:
                    plan.certificates.append(Plan("certificate", [row.number], existing=cert, product=product))
        return plan

    def _new_decision(self, members: list[Row], date: str) -> Plan:
        job = self.job
        first = members[0]
        plan = Plan("decision", [r.number for r in members], status="created")
        issuer_texts = {r.issuer for r in members if r.issuer}
        if len(issuer_texts) > 1:
            job.at("IMPORT-CONFLICT", first.number, "issuer",
                   f"Các dòng của quyết định {values.shown(first.decision_number)} ghi nhiều cơ quan ban hành khác nhau.",
                   "Mỗi quyết định có một cơ quan ban hành: sửa cột cơ quan ban hành.")
            plan.bad = True
            return plan
        issuer = self._issuer(next(iter(issuer_texts), None) or job.o.issuer, date, members)
        if isinstance(issuer, str):
            job.at("IMPORT-MISSING", first.number, "decision_number", issuer,
                   "Dùng --issuer \"UBND tỉnh …\" (hoặc cột «Cơ quan ban hành»).")
            plan.bad = True
        if not (job.o.signer and job.o.signer_position):
            job.at("IMPORT-MISSING", first.number, "decision_number",
                   f"Quyết định mới {values.shown(first.decision_number)} ngày {date} cần người ký và chức vụ.",
                   "Dùng --signer \"Họ tên\" --signer-position \"Phó Chủ tịch\" (như trên bản giấy của quyết định).")
            plan.bad = True
        if plan.bad:
            return plan
        assert isinstance(issuer, dict)
        folder = CENTRAL if issuer["level"] == "central" else self.province
        plan.id = self.ids.next("decision", folder, date[:4])
        plan.data = {"id": plan.id, "province": folder, "type": "recognition", "number": first.decision_number,
                     "date": date, "issuer": issuer, "signer": {"name": job.o.signer, "position": job.o.signer_position},
                     "criteria_set": records.criteria_set_on(date) or DEFAULT_CRITERIA,
                     "entries": [{"product": "", "certificate": "", "star": r.star, "action": "new"} for r in members]}
        return plan

    def _issuer(self, text: str | None, date: str, members: list[Row]) -> dict | str:
        """The issuer of a new decision: named (--issuer, a column), or the province by the date; a message if unknown."""
        span = authority.code_version_on(date)  # dated data: which code list was in use that day
        version = span.name if span else "2025"
        if text:
            rest = re.sub(r"^(ubnd|uy ban nhan dan)\s+", "", units.fold(text))
            if rest.startswith("bo "):
                return {"level": "central", "name": text}
            kind, name = units.split_type(" ".join(text.split()[len(text.split()) - len(rest.split()):]))
            found: list[units.Unit] = []
            if kind in ("", "tinh", "thanh pho"):
                scope = {self.code} if version == "2025" else set(units.legacy_provinces_of(self.code))
                found = [u for u in units.find("province", version, "", name) if u.code in scope]
            level = "province"
            if not found and version == "2004" and kind in units.DISTRICT_TYPES | {""}:
                found = [u for p in units.legacy_provinces_of(self.code) for u in units.find("district", "2004", p, name)]
                level = "district"
            if len(found) != 1:
                return (f"Không xác định được cơ quan ban hành «{values.shown(text)}» trong {self._province_name()} "
                        f"(bộ mã {version}, theo ngày quyết định {date}).")
            unit = found[0]
            return {"level": level, "name": "UBND " + unit.name[:1].lower() + unit.name[1:],
                    "unit": records.unit_ref(level, unit.code, version)}
        if version == "2025":
            default = records.issuer_default(self.registry, self.province)
            return default or f"Không xác định được cơ quan ban hành của {self._province_name()}."
        olds = units.legacy_provinces_of(self.code)
        if len(olds) != 1:
            used = {r.address.address["province"]["code"] for r in members
                    if r.address is not None and r.address.version == "2004"}
            olds = sorted(used) if len(used) == 1 else olds
        if len(olds) == 1:
            unit = units.lookup("province", olds[0], "2004")
            if unit is not None:
                return {"level": "province", "name": "UBND " + unit.name[:1].lower() + unit.name[1:],
                        "unit": records.unit_ref("province", unit.code, "2004")}
        names = ", ".join(u.name for c in olds if (u := units.lookup("province", c, "2004")))
        return (f"Quyết định ngày {date} (trước 01/7/2025) của tỉnh nào trong {names}? Không xác định được cơ quan ban "
                "hành từ bảng tính.")

    def _province_name(self) -> str:
        unit = units.lookup("province", self.code, "2025")
        return unit.name if unit else self.province

    # ---- texts

    def candidates(self, plans: list[Plan]) -> list[preflight.Candidate]:
        """The texts of the new and changed records, with each one's path."""
        job = self.job
        self.paths, self.texts, self.rows_of_path, self.lines = {}, {}, {}, {}
        for plan in [p for p in plans if p.kind in ("producer", "product") and p.status == "created" and not p.bad]:
            plan.id = self.ids.next(plan.kind, self.province)
            plan.data = {"id": plan.id, "province": self.province, **plan.data}
        for plan in plans:  # references to new producers and products, now that they have ids
            if plan.kind == "product" and plan.status == "created" and not plan.bad and plan.producer is not None:
                plan.data["producer"] = plan.producer.record_id
            if plan.kind == "certificate" and plan.product is not None:
                plan.data["product"] = plan.product.record_id
        out = []
        for i, plan in enumerate(plans):
            if plan.bad or plan.status not in ("created", "updated"):
                continue
            if plan.kind == "decision":
                entries = plan.data["entries"]
                for row_number, entry in zip(plan.rows, entries, strict=True):
                    entry["product"] = self.product_of[(row_number, "product")].record_id
                plan.data["entries"] = [{k: e[k] for k in ("product", "certificate", "star", "action")} for e in entries]
            if plan.status == "created":
                rel = records.record_path(plan.kind, plan.data, plan.data["date"][:4] if plan.kind == "decision" else
                                          (plan.data["valid_from"][:4] if plan.kind == "certificate" else None))
                text = render.text(plan.kind, plan.data, rel, self.schemas)
            else:
                assert plan.existing is not None
                rel = plan.existing.path
                old_text = (self.root / rel).read_text("utf-8")
                text = render.changed_text(old_text.removeprefix("\ufeff"), plan.existing.data, plan.data, plan.kind,
                                           self.schemas.directory)
            self.paths[plan] = rel
            self.texts[rel] = text
            self.rows_of_path[rel] = plan.rows
            out.append(preflight.Candidate(rel, plan.kind, text))
            if job.progress and i % 2000 == 0:
                job.progress("soạn hồ sơ", i, len(plans))
        return out

    # ---- what validation said, at the rows

    def report(self, findings: list[Finding], plans: list[Plan]) -> None:
        by_path = {rel: plan for plan, rel in self.paths.items()}
        for f in findings:
            plan = by_path.get(f.file) or next((by_path[r.file] for r in f.related if r.file in by_path), None)
            if plan is None:  # about a folder (LAYOUT-FOLDER-SIZE): about the whole file, no row is to blame
                self.job.add(make(f.rule, self.job.o.display, 1, 1, f"{f.file}: {f.message}", f.hint,
                                  severity=f.severity))
                continue
            rel = self.paths[plan]
            key, entry = _key_at(self.texts.get(rel, ""), f.line) if f.file == rel else ("", None)
            row = plan.rows[entry] if entry is not None and entry < len(plan.rows) else plan.rows[0]
            column = _FIELD_COLUMN[plan.kind].get(key) or _MAIN_COLUMN[plan.kind]
            assert self.job.table is not None
            where = self.job.column(column, row)
            self.job.add(make(f.rule, self.job.o.display, row, self.job.table.column_number(where),
                              f"{KIND_VI[plan.kind].capitalize()} {plan.record_id} ({rel}): {f.message}", f.hint,
                              severity=f.severity, cell=self.job.table.cell(row, where)))
            if f.severity == "error":
                self.job.bad_rows.update(plan.rows if entry is None else [row])

    def counts(self, plans: list[Plan]) -> dict[str, Counter]:
        out: dict[str, Counter] = {kind: Counter({s: 0 for s in STATUSES}) for kind in KINDS}
        for plan in plans:
            if plan.bad or (plan.status != "unchanged" and any(r in self.job.bad_rows for r in plan.rows)):
                out[plan.kind]["skipped"] += 1
            else:
                out[plan.kind][plan.status] += 1
        return out


_FIELD_COLUMN: dict[str, dict[str, str]] = {
    "producer": {"name": "producer_name", "type": "producer_type", "tax_code": "tax_code",
                 "registration_number": "registration_number", "representative": "representative",
                 "contacts": "phone", "address": "address"},
    "product": {"name": "product_name", "classification": "group", "description": "description", "address": "address",
                "producer": "producer_name", "story": "story"},
    "decision": {"number": "decision_number", "date": "decision_date", "entries": "star", "issuer": "decision_number",
                 "signer": "decision_number", "criteria_set": "decision_date"},
    "certificate": {"star": "star", "score": "score", "valid_from": "decision_date", "valid_to": "decision_date",
                    "decision": "decision_number", "product": "product_name", "supersedes": "star"},
}
_NEAR = {"valid_to": "decision_date", "story": "description", "representative": "producer_name", "representative_position": "producer_name", "tax_code": "producer_name",
         "registration_number": "producer_name", "producer_type": "producer_name", "phone": "producer_name",
         "email": "producer_name", "group": "product_name", "subgroup": "product_name", "description": "product_name",
         "decision_date": "decision_number", "issuer": "decision_number", "score": "star"}
_MAIN_COLUMN = {"producer": "producer_name", "product": "product_name", "decision": "decision_number",
                "certificate": "star"}


def _key_at(text: str, line: int) -> tuple[str, int | None]:
    """The top-level key a line of a record text belongs to and, inside `entries`, the entry's index."""
    key, entry = "", None
    for content in text.splitlines()[:line]:
        if content and not content.startswith((" ", "#")):
            key, entry = content.split(":", 1)[0], None
        elif key == "entries" and content.startswith("  - "):
            entry = 0 if entry is None else entry + 1
    return key, entry


def _tax_of(candidate: Record | Plan) -> str | None:
    if isinstance(candidate, Plan):
        if candidate.existing is None:
            return candidate.first.tax_code
        candidate = candidate.existing
    tax = candidate.get("tax_code")
    return tax if isinstance(tax, str) else None


def _label(candidate: Record | Plan) -> str:
    if isinstance(candidate, Record):
        return candidate.id
    if candidate.existing is not None:
        return candidate.existing.id
    return f"{KIND_VI[candidate.kind]} mới ở dòng {candidate.rows[0]}"


def _same_address(old: Any, new: Any) -> bool:
    """The same units (codes and code lists) and the same street but for case and spacing."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return old == new

    def key(address: dict) -> tuple:
        units_part = tuple((part, (address[part] or {}).get("code"), (address[part] or {}).get("version"))
                           for part in ("ward", "district", "province") if isinstance(address.get(part), dict))
        street = address.get("street")
        return units_part, " ".join(street.casefold().split()) if isinstance(street, str) else None

    return key(old) == key(new)


def _brief(value: Any) -> str:
    if isinstance(value, dict):
        if "ward" in value or "province" in value:
            return ", ".join(str(value[k]["name"]) if isinstance(value.get(k), dict) else str(value.get(k))
                             for k in ("street", "ward", "district", "province") if value.get(k))
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else str(value)
