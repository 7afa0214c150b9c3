"""`ocop import` from real files made in the test: a provincial annex workbook (title rows, a merged two-row
header, "3 sao", a unit renamed before the decision, a producer on several rows), the same rows as a CSV saved by
Excel (BOM, CRLF), other encodings, all-or-nothing and --partial, --update, and hostile files."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import openpyxl
import pytest
import yaml

from ocop.authoring.fmt import format_file
from ocop.authoring.importer import sheet as sheets
from ocop_testing import FIXTURES, REPO, run_cli, tree_digest, validate_json, write_sheet

TODAY = "2026-11-23"
SIGNER = ["--signer", "Lê Văn Cường", "--signer-position", "Phó Chủ tịch"]
TITLE = [["ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"], ["DANH SÁCH SẢN PHẨM OCOP ĐƯỢC CÔNG NHẬN NĂM 2025"],
         ["(Kèm theo Quyết định số 123/QĐ-UBND ngày 10/9/2025)"]]
UPPER = ["STT", "Tên sản phẩm", "Chủ thể", None, None, None, "Nhóm", "Hạng sao", "Điểm", "Quyết định công nhận", None]
LOWER = [None, None, "Tên chủ thể", "Địa chỉ", "Mã số thuế", "Người đại diện", None, None, None, "Số", "Ngày"]
MERGES = ["A4:A5", "B4:B5", "C4:F4", "G4:G5", "H4:H5", "I4:I5", "J4:K4"]
DATA = [
    ["I", "Xã Hà Bắc"],
    [1, "Vải thiều sấy lạnh", "HTX Nông nghiệp Hà Bắc", "thôn An Lại, xã Hà Bắc, thành phố Hải Phòng", "0801234999",
     "Lê Văn An", "Thực phẩm", "3 sao", 65, "123/QĐ-UBND", "date:2025-09-10"],
    [2, "Rượu làng Vân", "Hợp tác xã nông nghiệp Hà Bắc", "thôn An Lại, xã Hà Bắc, TP. Hải Phòng", 801234999,
     "Lê Văn An", "Đồ uống", "4★", "75,5", "123/QĐ-UBND", "10/09/2025"],
    ["II", "Huyện Thanh Hà cũ"],
    [3, "Bánh gai Thanh An", "Hộ kinh doanh Nguyễn Văn Bình", "xa Thanh An, H. Thanh Ha, tinh Hai Duong", "0801234777",
     "Nguyễn Văn Bình", "Thực phẩm chế biến", "03", 60, "123/QĐ-UBND", "10/09/2025"],
    [None, "Tổng cộng: 3 sản phẩm"],
]


def annex(path: Path, rows: list[list] | None = None, title: str = "Phụ lục") -> Path:
    write_sheet(path, {"title": title, "rows": [*TITLE, UPPER, LOWER, *(rows if rows is not None else DATA)],
                       "merge": MERGES})
    return path


def csv_rows(rows: list[list]) -> list[list]:
    """The annex as Excel saves it as CSV: one header row, values as text."""
    header = ["STT", "Tên sản phẩm", "Tên chủ thể", "Địa chỉ", "Mã số thuế", "Người đại diện", "Nhóm", "Hạng sao",
              "Điểm", "Số quyết định", "Ngày quyết định"]
    out = [header]
    for row in rows:
        values = [_date_text(v) if isinstance(v, str) else v for v in row]
        out.append(["0801234999" if v == 801234999 else v for v in values])
    return out


def _date_text(value: str) -> str:
    if value.startswith("date:"):
        year, month, day = value[5:].split("-")
        return f"{day}/{month}/{year}"
    return value


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "core" / "valid", root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    return root


def run_import(capsys, root: Path, file: Path, *extra: str, fmt: str = "json") -> tuple[int, dict | str, str]:
    code, out, err = run_cli(capsys, "--root", str(root), "import", str(file), "--province", "hai-phong", *SIGNER,
                             "--today", TODAY, "--format", fmt, *extra)
    assert "Traceback" not in out + err
    assert code in (0, 1), err
    return code, (json.loads(out) if fmt == "json" else out), err


def records(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in sorted((root / "registry").rglob("*.yaml"))}


def rules_at(result: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f.get("cell", "")) for f in result["findings"]]


def test_provincial_annex_is_imported_valid_canonical_and_a_second_run_changes_nothing(capsys, tree: Path,
                                                                                      tmp_path: Path) -> None:
    book = annex(tmp_path / "phu-luc.xlsx")
    before = records(tree)
    code, result, err = run_import(capsys, tree, book)
    assert code == 0, result["findings"]
    assert "\r" not in err  # no progress bar when stderr is not a terminal
    assert result["written"] and result["header_row"] == 5 and result["sheet"] == "Phụ lục"
    assert result["rows"] == {"read": 6, "data": 3, "section": 2, "total": 1}
    # the unit written the 2004 way, on a decision of 10/9/2025: kept, with its successors named, never picked
    assert rules_at(result) == [("IMPORT-UNIT-RENAMED", "'Phụ lục'!D10")]
    renamed = result["findings"][0]
    assert renamed["sheet"] == "Phụ lục" and renamed["row"] == 10 and renamed["column"] == 4
    assert "Xã Lai Khê" in renamed["message"] and "Xã Hà Nam" in renamed["message"]
    # "HTX …" and "Hợp tác xã …" with the same tax code (one written as a number, its leading zero lost): one producer
    assert result["counts"]["producer"]["created"] == 2
    assert {k: v["created"] for k, v in result["counts"].items()} == {"producer": 2, "product": 3, "decision": 1,
                                                                      "certificate": 3}
    written = {rel: text for rel, text in records(tree).items() if rel not in before}
    assert sorted(f["path"] for f in result["files"]) == sorted(written)
    producer = yaml.safe_load(written["registry/hai-phong/producers/ct-hai-phong-0002.yaml"])
    assert producer["tax_code"] == "0801234999" and producer["type"] == "htx"
    assert producer["address"]["ward"] == {"level": "ward", "code": "10816", "version": "2025", "name": "Xã Hà Bắc"}
    household = yaml.safe_load(written["registry/hai-phong/producers/ct-hai-phong-0003.yaml"])
    assert household["type"] == "ho_kinh_doanh"
    assert household["address"]["ward"]["code"] == "10831" and household["address"]["ward"]["version"] == "2004"
    decision = yaml.safe_load(written["registry/hai-phong/decisions/2025/qd-hai-phong-2025-001.yaml"])
    assert decision["issuer"]["name"] == "UBND thành phố Hải Phòng" and decision["criteria_set"] == "148/2023"
    assert [(e["star"], e["action"]) for e in decision["entries"]] == [(3, "new"), (4, "new"), (3, "new")]
    wine = yaml.safe_load(written["registry/hai-phong/certificates/2025/cn-hai-phong-2025-0002.yaml"])
    assert wine["score"] == 75.5 and wine["valid_to"] == "2028-09-10"
    product = yaml.safe_load(written["registry/hai-phong/products/sp-hai-phong-0004.yaml"])
    assert product["classification"] == {"criteria_set": "148/2023", "group": "thuc_pham", "nhom": "Thực phẩm chế biến"}
    code, findings = validate_json(capsys, tree, "--today", TODAY)
    assert (code, findings) == (0, [])
    assert {rel: format_file(tree, rel).status for rel in written} == dict.fromkeys(written, "ok")  # as `ocop fmt` writes

    digest = tree_digest(tree)
    code, again, _ = run_import(capsys, tree, book)
    assert code == 0 and not again["files"] and not again["written"]
    assert {k: v["unchanged"] for k, v in again["counts"].items()} == {"producer": 2, "product": 3, "decision": 1,
                                                                       "certificate": 3}
    assert tree_digest(tree) == digest


def test_a_csv_saved_by_excel_imports_the_same_records_as_the_workbook(capsys, tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(tree, other)
    run_import(capsys, tree, annex(tmp_path / "phu-luc.xlsx"))
    path = tmp_path / "phu-luc.csv"
    write_sheet(path, {"rows": csv_rows(DATA), "encoding": "utf-8-sig", "newline": "\r\n"})
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    code, result, _ = run_import(capsys, other, path)
    assert code == 0 and result["written"] and result["sheet"] is None
    assert rules_at(result) == [("IMPORT-UNIT-RENAMED", "D6")]
    assert records(other) == records(tree)


def test_a_csv_in_another_encoding_is_a_vietnamese_error_and_nothing_is_written(capsys, tree: Path,
                                                                               tmp_path: Path) -> None:
    digest = tree_digest(tree)
    for name, data in (("cp1258.csv", "STT,Tên sản phẩm\n1,Trà\n".encode("cp1258", errors="replace") + b"\xd2"),
                       ("utf16.csv", "STT,Tên sản phẩm\n".encode("utf-16"))):
        path = tmp_path / name
        path.write_bytes(data)
        code, out, _ = run_import(capsys, tree, path, fmt="text")
        assert code == 1
        assert "error[IMPORT-ENCODING]" in out and "CSV UTF-8" in out
    assert tree_digest(tree) == digest


def test_errors_write_nothing_dry_run_writes_nothing_and_partial_writes_the_rows_without_errors(
        capsys, tree: Path, tmp_path: Path) -> None:
    rows = [*DATA[:2], [2, "Rượu làng Vân", "HTX Nông nghiệp Hà Bắc", "thôn An Lại, xã Hà Bắc, thành phố Hải Phòng",
                        "0801234999", "Lê Văn An", "Đồ uống", "2 sao", 45, "123/QĐ-UBND", "10/09/2025"]]
    book = annex(tmp_path / "phu-luc.xlsx", rows)
    digest = tree_digest(tree)
    code, result, _ = run_import(capsys, tree, book)
    assert code == 1 and not result["written"] and rules_at(result) == [("IMPORT-VALUE", "'Phụ lục'!H8")]
    assert tree_digest(tree) == digest
    code, result, _ = run_import(capsys, tree, annex(tmp_path / "ok.xlsx"), "--dry-run")
    assert code == 0 and result["dry_run"] and not result["written"] and len(result["files"]) == 9
    assert tree_digest(tree) == digest
    code, result, _ = run_import(capsys, tree, book, "--partial")
    assert code == 1 and result["written"]  # the error is still reported; the good row is written
    assert {k: v["created"] for k, v in result["counts"].items()} == {"producer": 1, "product": 1, "decision": 1,
                                                                      "certificate": 1}
    assert validate_json(capsys, tree, "--today", TODAY) == (0, [])


def test_update_rewrites_only_the_values_that_differ_and_keeps_comments(capsys, tree: Path, tmp_path: Path) -> None:
    path = tree / "registry/hai-phong/producers/ct-hai-phong-0001.yaml"
    path.write_text(path.read_text("utf-8").replace("contacts:\n", "contacts:  # số của văn phòng\n"), "utf-8")
    old = path.read_text("utf-8")
    header = ["STT", "Tên sản phẩm", "Tên chủ thể", "Mã số thuế", "Điện thoại", "Nhóm"]
    book = tmp_path / "capnhat.xlsx"
    write_sheet(book, {"rows": [header, [1, "Vải thiều Thanh Hà sấy khô", "HTX Nông nghiệp Vải thiều Thanh An",
                                         "0801234567", 912000000, "Thực phẩm"]]})
    code, result, _ = run_import(capsys, tree, book)
    assert code == 0 and rules_at(result) == [("IMPORT-CHANGED", "Sheet1!E2")]
    assert path.read_text("utf-8") == old
    code, result, _ = run_import(capsys, tree, book, "--update")
    assert code == 0 and result["findings"] == [] and result["counts"]["producer"]["updated"] == 1
    assert result["counts"]["product"]["unchanged"] == 1
    new = path.read_text("utf-8")
    changed = [(a, b) for a, b in zip(old.splitlines(), new.splitlines(), strict=True) if a != b]
    assert changed == [('  phone: "0912345678"', '  phone: "0912000000"')]
    assert "# số của văn phòng" in new
    assert validate_json(capsys, tree, "--today", TODAY) == (0, [])
    code, result, _ = run_import(capsys, tree, book, "--update")
    assert code == 0 and not result["files"]


def test_an_address_not_found_keeps_its_text_as_the_street(capsys, tree: Path, tmp_path: Path) -> None:
    rows = [*DATA[:1], [1, "Trà xanh", "HTX Trà Hà Bắc", "thôn 3, xã Tân Hòa Mới, thành phố Hải Phòng", "0801234111",
                        "Lê Văn An", "Đồ uống", "3 sao", 60, "123/QĐ-UBND", "10/09/2025"]]
    code, result, _ = run_import(capsys, tree, annex(tmp_path / "u.xlsx", rows))
    assert code == 0 and rules_at(result) == [("IMPORT-UNIT", "'Phụ lục'!D7")] and result["written"]
    producer = yaml.safe_load((tree / "registry/hai-phong/producers/ct-hai-phong-0002.yaml").read_text("utf-8"))
    assert producer["address"] == {"street": "thôn 3, xã Tân Hòa Mới, thành phố Hải Phòng",
                                   "province": {"level": "province", "code": "31", "version": "2025",
                                                "name": "Thành phố Hải Phòng"}}
    assert validate_json(capsys, tree, "--today", TODAY) == (0, [])


def test_map_names_a_column_and_a_wrong_map_or_province_is_a_usage_error(capsys, tree: Path, tmp_path: Path) -> None:
    book = tmp_path / "map.xlsx"
    write_sheet(book, {"rows": [["TT", "Sản phẩm OCOP được công nhận", "Tên chủ thể", "Mã số thuế", "Người đại diện",
                                 "Nhóm"], [1, "Trà xanh", "HTX Trà Hà Bắc", "0801234111", "Lê Văn An", "Đồ uống"]]})
    code, result, _ = run_import(capsys, tree, book, "--dry-run")
    assert code == 1 and rules_at(result) == [("IMPORT-HEADER", "Sheet1!A1")]
    code, result, _ = run_import(capsys, tree, book, "--dry-run", "--map", "san pham ocop duoc cong nhan=product_name")
    assert code == 0 and result["counts"]["product"]["created"] == 1
    code, result, _ = run_import(capsys, tree, book, "--dry-run", "--map", "B=product_name")
    assert code == 0 and result["counts"]["product"]["created"] == 1
    for extra in (["--map", "B=ten_sp"], ["--map", "nothing"], ["--signer-position", "x"]):
        code, _out, err = run_cli(capsys, "--root", str(tree), "import", str(book), "--province", "hai-phong", *extra)
        assert code == 2 and "Traceback" not in err, err
    code, _out, err = run_cli(capsys, "--root", str(tree), "import", str(book), "--province", "atlantis")
    assert code == 2 and "atlantis" in err


# ---- hostile files: findings, never a traceback, nothing written ------------------------------------------------

def hostile(capsys, tree: Path, path: Path, *extra: str) -> dict:
    digest = tree_digest(tree)
    code, result, _ = run_import(capsys, tree, path, *extra)
    assert code == 1, result["findings"]
    assert tree_digest(tree) == digest
    return result


def test_formula_cells_are_never_evaluated(capsys, tree: Path, tmp_path: Path) -> None:
    rows = [*DATA[:2], [2, '=HYPERLINK("javascript:alert(1)","Trà")', "HTX Nông nghiệp Hà Bắc",
                        '=CONCATENATE("xã ","Hà Bắc")', "0801234999", "Lê Văn An", "Đồ uống", "=3", 60, "123/QĐ-UBND",
                        "10/09/2025"]]
    result = hostile(capsys, tree, annex(tmp_path / "f.xlsx", rows))
    assert rules_at(result) == [("IMPORT-VALUE", "'Phụ lục'!B8"), ("IMPORT-VALUE", "'Phụ lục'!D8"),
                                ("IMPORT-VALUE", "'Phụ lục'!H8")]
    assert "=HYPERLINK(" in result["findings"][0]["message"] and "Dán đặc biệt" in result["findings"][0]["hint"]


def test_a_cell_of_100k_characters_and_control_characters(capsys, tree: Path, tmp_path: Path) -> None:
    rows = [*DATA[:2], [2, "Trà" * 33_333 + "x", "HTX Nông nghiệp Hà Bắc", "xã Hà Bắc", "0801234999", "Lê Văn An",
                        "Đồ uống", 3, 60, "123/QĐ-UBND", "10/09/2025"],
            [3, "Trà\x1b[31m đỏ", "HTX Nông nghiệp Hà Bắc", "xã Hà Bắc", "0801234999", "Lê Văn An", "Đồ uống", 3, 60,
             "123/QĐ-UBND", "10/09/2025"]]
    path = tmp_path / "long.csv"
    write_sheet(path, {"rows": csv_rows(rows)})
    result = hostile(capsys, tree, path)
    assert rules_at(result) == [("IMPORT-VALUE", "B4"), ("IMPORT-VALUE", "B5")]
    assert all(len(f["message"]) <= 400 for f in result["findings"])
    assert "100.000 ký tự" in result["findings"][0]["message"]
    assert "\x1b" not in json.dumps(result, ensure_ascii=False) and "<U+001B>" in result["findings"][1]["message"]


def test_a_sheet_name_with_markup_is_escaped_in_every_report(capsys, tree: Path, tmp_path: Path) -> None:
    name = "<img src=x onerror=alert(1)>"
    rows = [*DATA[:2], [2, "Trà", "HTX Nông nghiệp Hà Bắc", "xã Hà Bắc", "0801234999", "Lê Văn An", "Đồ uống", "9 sao",
                        60, "123/QĐ-UBND", "10/09/2025"]]
    book = annex(tmp_path / "m.xlsx", rows, title=name)
    result = hostile(capsys, tree, book)
    assert result["sheet"] == name and result["findings"][0]["sheet"] == name
    assert result["findings"][0]["cell"] == f"'{name}'!H8"
    _code, markdown, _ = run_import(capsys, tree, book, fmt="markdown")
    assert "<img" not in markdown and "&lt;img src=x onerror=alert(1)&gt;" in markdown
    _code, github, _ = run_import(capsys, tree, book, fmt="github")
    assert github.startswith("::error file=") and "Ô '<img src=x onerror=alert(1)>'!H8" in github


def test_a_huge_sheet_is_refused_quickly(capsys, tree: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    for row in [*TITLE, UPPER, LOWER]:
        ws.append(row)
    ws.cell(row=1_048_576, column=16_384, value="x")  # the last cell of a sheet: a dimension of A1:XFD1048576
    path = tmp_path / "huge.xlsx"
    book.save(path)
    start = time.monotonic()
    result = hostile(capsys, tree, path)
    assert time.monotonic() - start < 30
    assert rules_at(result) == [("IMPORT-FILE", "")] and "200.000 dòng" in result["findings"][0]["message"]


def test_limits_of_rows_and_unpacked_size(capsys, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = annex(tmp_path / "rows.xlsx", DATA * 10)
    monkeypatch.setattr(sheets, "MAX_ROWS", 40)
    assert rules_at(hostile(capsys, tree, book)) == [("IMPORT-FILE", "")]
    monkeypatch.setattr(sheets, "MAX_ROWS", 200_000)
    monkeypatch.setattr(sheets, "MAX_UNCOMPRESSED", 10_000)  # a zip bomb stops before openpyxl parses anything
    result = hostile(capsys, tree, book)
    assert rules_at(result) == [("IMPORT-FILE", "")] and "giải nén" in result["findings"][0]["message"]


@pytest.mark.parametrize(("name", "data", "rule"), [
    ("random.xlsx", b"\x00\x01not a workbook at all", "IMPORT-FILE"),
    ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 200, "IMPORT-FILE"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "IMPORT-FILE"),
    ("protected.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "IMPORT-FILE"),
    ("notes.txt", "STT,Tên sản phẩm\n".encode(), "IMPORT-FILE"),
    ("empty.csv", b"", "IMPORT-HEADER"),
    ("binary.csv", b"STT,T\x00n\n", "IMPORT-FILE"),
    ("workbook.csv", b"PK\x03\x04rest", "IMPORT-FILE"),
])
def test_files_that_are_not_readable_annexes(capsys, tree: Path, tmp_path: Path, name: str, data: bytes,
                                             rule: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = hostile(capsys, tree, path)
    assert [f["rule"] for f in result["findings"]] == [rule]


def test_a_missing_file_is_a_finding(capsys, tree: Path, tmp_path: Path) -> None:
    result = hostile(capsys, tree, tmp_path / "khong-co.xlsx")
    assert [f["rule"] for f in result["findings"]] == ["IMPORT-FILE"]


def test_the_progress_bar_is_drawn_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from ocop.cli.import_ import Bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, drawn in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        bar = Bar()
        bar("đọc dòng", 500, 1000)
        bar.done()
        assert ("\rđọc dòng" in stream.getvalue() and "500/1000" in stream.getvalue()) is drawn
        assert bool(stream.getvalue()) is drawn


def test_the_sheet_with_the_header_is_read_unless_sheet_names_another(capsys, tree: Path, tmp_path: Path) -> None:
    path = annex(tmp_path / "two.xlsx")
    book = openpyxl.load_workbook(path)
    notes = book.create_sheet("Ghi chú", 0)
    notes.append(["Bảng này do Sở Nông nghiệp và Môi trường lập."])
    book.save(path)
    code, result, _ = run_import(capsys, tree, path, "--dry-run")
    assert code == 0 and result["sheet"] == "Phụ lục" and result["counts"]["product"]["created"] == 3
    code, result, _ = run_import(capsys, tree, path, "--dry-run", "--sheet", "ghi chu")
    assert code == 1 and rules_at(result) == [("IMPORT-HEADER", "'Ghi chú'!A1")]
    assert "«Phụ lục»" in result["findings"][0]["message"]  # the other sheets are named
    code, result, _ = run_import(capsys, tree, path, "--dry-run", "--sheet", "Không có")
    assert code == 1 and rules_at(result) == [("IMPORT-FILE", "")] and "«Phụ lục»" in result["findings"][0]["message"]


# ---- the national OCOP system's product JSON, both ways ------------------------------------------------------

NATIONAL_JSON = FIXTURES / "import" / "ocop-vn-hai-phong.json"


def run_national(capsys, root: Path, file: Path, *extra: str) -> tuple[int, dict]:
    code, out, err = run_cli(capsys, "--root", str(root), "import", "ocop-vn", str(file), "--province", "hai-phong",
                             *SIGNER, "--today", TODAY, "--format", "json", *extra)
    assert "Traceback" not in out + err
    assert code in (0, 1), err
    return code, json.loads(out)


def test_national_json_is_imported_valid_canonical_unclassifiable_types_reported_and_rerun_is_a_no_op(
        capsys, tree: Path) -> None:
    before = records(tree)
    code, result = run_national(capsys, tree, NATIONAL_JSON)
    # all or nothing: the keepsake of a 148-era decision cannot be classified, so nothing is written
    assert code == 1 and not result["written"] and records(tree) == before
    assert [(f["rule"], f["pointer"], f["item"]) for f in result["findings"]] == [
        ("IMPORT-EXPIRY", "/1/expiry_date", 2), ("IMPORT-UNCLASSIFIED", "/2/type", 3)]
    unclassified = result["findings"][1]
    assert "Hàng thủ công mỹ nghệ" in unclassified["message"] and "Sinh vật cảnh" in unclassified["message"]
    assert "sheet" not in unclassified and "row" not in unclassified
    assert result["unknown_columns"] == ["image", "information"]  # named as not read; images are never fetched

    code, result = run_national(capsys, tree, NATIONAL_JSON, "--partial")
    assert code == 1 and result["written"]
    assert {k: v["created"] for k, v in result["counts"].items()} == {"producer": 2, "product": 3, "decision": 2,
                                                                      "certificate": 3}
    written = {rel: text for rel, text in records(tree).items() if rel not in before}
    wine = yaml.safe_load(written["registry/hai-phong/products/sp-hai-phong-0003.yaml"])
    assert wine["classification"] == {"criteria_set": "148/2023", "group": "do_uong"}
    mat = yaml.safe_load(written["registry/hai-phong/products/sp-hai-phong-0004.yaml"])
    # a keepsake recognised in 2022 is read under 1048, where the national type is exactly one group
    assert mat["classification"] == {"criteria_set": "1048/2019", "group": "luu_niem_noi_that_trang_tri"}
    first = yaml.safe_load(written["registry/hai-phong/products/sp-hai-phong-0002.yaml"])
    assert first["story"].startswith("Vùng vải Thanh Hà")
    certificate = yaml.safe_load(written["registry/hai-phong/certificates/2025/cn-hai-phong-2025-0002.yaml"])
    assert certificate["star"] == 4 and certificate["valid_to"] == "2028-09-10"  # the decision's 36 months, not the file's
    assert (validate_json(capsys, tree, "--today", TODAY)) == (0, [])
    assert {rel: format_file(tree, rel).status for rel in written} == dict.fromkeys(written, "ok")

    digest = tree_digest(tree)
    code, again = run_national(capsys, tree, NATIONAL_JSON, "--partial")
    assert not again["files"] and not again["written"] and tree_digest(tree) == digest


def test_national_export_has_the_national_shape_and_reads_back_as_a_no_op(capsys, tree: Path, tmp_path: Path) -> None:
    run_national(capsys, tree, NATIONAL_JSON, "--partial")
    out = tmp_path / "ocop-vn.json"
    code, stdout, err = run_cli(capsys, "--root", str(tree), "export", "ocop-vn", "--province", "hai-phong",
                                "--today", TODAY, "--out", str(out))
    assert code == 0 and stdout.strip() == str(out)
    items = json.loads(out.read_text("utf-8"))
    keys = {"name", "ocop_star", "description", "story", "ocop_certificate_number", "issued_on", "expiry_date",
            "manufacturer", "type"}
    assert items and all(set(item) == keys for item in items)
    assert all(set(item["manufacturer"]) == {"name", "representative", "address", "phone_number", "email"}
               for item in items)
    by_name = {item["name"]: item for item in items}
    assert "Chiếu cói Thanh An" not in by_name  # its certificate ended on 15/03/2025: the national list drops it
    assert by_name["Rượu làng Vân"] | {"manufacturer": None} == {
        "name": "Rượu làng Vân", "ocop_star": 4, "description": "Rượu gạo nếp cái hoa vàng nấu thủ công.",
        "story": None, "ocop_certificate_number": "123/QĐ-UBND", "issued_on": "2025-09-10",
        "expiry_date": "2028-09-10", "manufacturer": None, "type": "drink"}
    assert by_name["Rượu làng Vân"]["manufacturer"]["address"] == "thôn An Lại, Xã Hà Bắc, Thành phố Hải Phòng"
    assert f"{len(items)} sản phẩm" in err
    digest = tree_digest(tree)
    code, again = run_national(capsys, tree, out)
    assert code == 0 and again["findings"] == [] and not again["files"] and tree_digest(tree) == digest
    assert run_cli(capsys, "--root", str(tree), "export", "ocop-vn", "--province", "khong-co")[0] == 2


@pytest.mark.parametrize(("text", "rule", "words"), [
    (b'{"name": "x"}', "IMPORT-FILE", "không phải một danh sách"),
    (b'[{"name": "a", "name": "b"}]', "IMPORT-FILE", "lặp lại"),
    (b"[" * 100_000, "IMPORT-FILE", "JSON"),
    (b'[{"ocop_star": NaN}]', "IMPORT-FILE", "NaN"),
    ('[{"name": "Trà"}]'.encode("utf-16"), "IMPORT-ENCODING", "UTF-8"),
    (b"[1]", "IMPORT-VALUE", "không phải một sản phẩm"),
])
def test_national_files_that_are_not_product_lists(capsys, tree: Path, tmp_path: Path, text: bytes, rule: str,
                                                   words: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(text)
    digest = tree_digest(tree)
    code, result = run_national(capsys, tree, path)
    assert code == 1 and result["findings"][0]["rule"] == rule and words in result["findings"][0]["message"]
    assert tree_digest(tree) == digest


def test_national_import_needs_its_file_and_takes_one(capsys, tree: Path) -> None:
    assert run_cli(capsys, "--root", str(tree), "import", "ocop-vn", "--province", "hai-phong")[0] == 2
    code, _out, err = run_cli(capsys, "--root", str(tree), "import", "a.xlsx", "b.json", "--province", "hai-phong")
    assert code == 2 and "ocop-vn" in err


def test_a_hostile_json_key_is_named_printably(capsys, tree: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps([{"name": "Trà", "x\n::error file=a::giả\u202e": 1}]), "utf-8")
    code, out, err = run_cli(capsys, "--root", str(tree), "import", "ocop-vn", str(path), "--province", "hai-phong",
                             "--today", TODAY, "--dry-run")
    assert code == 1 and "không đọc" in out
    assert "\n::error" not in out + err and "\u202e" not in out + err
