"""Strict, safe, positioned YAML loading.

Fast path: libyaml's C parser with a reduced resolver table (no YAML 1.1 re-typing: dates, codes,
`no`, `010` and `24:00` stay strings) and a constructor that refuses aliases, duplicate keys and
non-standard tags. Positions are found only for files that have findings, by composing again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
import yaml.cyaml

from .findings import Finding, make, rule

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 40
BOM = b"\xef\xbb\xbf"

FILE_SIZE = rule("FILE-SIZE", "error", "Tệp quá lớn",
                 f"Một hồ sơ không được lớn hơn {MAX_FILE_BYTES // 1024} KB.",
                 example="Một tệp sản phẩm 10 MB.", fix="Tách nội dung dài (ảnh, tài liệu) ra tệp riêng.",
                 family="yaml")
ENCODING = rule("YAML-ENCODING", "error", "Tệp không phải UTF-8",
                "Hồ sơ phải được lưu với mã hóa UTF-8.",
                example="Tệp lưu bằng Windows-1258 hoặc Latin-1.",
                fix="Mở tệp và lưu lại với mã hóa UTF-8 (không BOM).", family="yaml")
BOM_RULE = rule("YAML-BOM", "warning", "Tệp có BOM",
                "Tệp UTF-8 bắt đầu bằng dấu BOM; dấu này được bỏ qua.",
                example="Tệp lưu bằng Notepad với «UTF-8 with BOM».",
                fix="Lưu lại tệp với «UTF-8» (không BOM).", family="yaml")
SYNTAX = rule("YAML-SYNTAX", "error", "Lỗi cú pháp YAML",
              "Tệp không đọc được theo cú pháp YAML.",
              example="name: Trà xanh: loại 1   (dấu hai chấm thứ hai cần đặt trong ngoặc kép)",
              fix="Kiểm tra thụt lề và đặt giá trị có dấu «:» hoặc «#» trong ngoặc kép.", family="yaml")
TAB = rule("YAML-TAB", "error", "Thụt lề bằng phím Tab",
           "YAML không cho phép thụt lề bằng ký tự Tab.",
           example="\\tname: Trà xanh", fix="Thay mỗi Tab ở đầu dòng bằng dấu cách (2 dấu cách mỗi cấp).",
           family="yaml")
DUPLICATE_KEY = rule("YAML-DUPLICATE-KEY", "error", "Trường bị lặp",
                     "Một trường xuất hiện hai lần trong cùng một mục; giá trị sau sẽ đè giá trị trước.",
                     example="name: A\\nname: B", fix="Xóa một trong hai dòng trùng.", family="yaml")
ALIAS = rule("YAML-ALIAS", "error", "Không dùng neo/bí danh YAML",
             "Neo (&) và bí danh (*) bị cấm: chúng làm hồ sơ khó đọc và có thể làm tràn bộ nhớ.",
             example="a: &x [1, 2]\\nb: *x", fix="Viết đầy đủ giá trị tại mỗi chỗ dùng.", family="yaml")
TAG = rule("YAML-TAG", "error", "Thẻ YAML không được phép",
           "Chỉ dùng giá trị YAML thông thường; thẻ như !!python/object, !!timestamp bị cấm.",
           example="name: !!python/object:os.system x", fix="Xóa thẻ (phần bắt đầu bằng !).", family="yaml")
EMPTY = rule("YAML-EMPTY", "error", "Tệp rỗng", "Tệp không có nội dung.",
             example="Tệp 0 byte.", fix="Điền nội dung hồ sơ hoặc xóa tệp.", family="yaml")
NOT_MAPPING = rule("RECORD-NOT-MAPPING", "error", "Hồ sơ phải là một bảng trường",
                   "Nội dung tệp phải là các cặp «trường: giá trị», không phải danh sách hay một giá trị đơn.",
                   example="- id: sp-ha-noi-0001", fix="Bỏ dấu «-» ở đầu: mỗi tệp chỉ chứa một hồ sơ.",
                   family="yaml")
KEY_TYPE = rule("YAML-KEY", "error", "Tên trường không hợp lệ",
                "Tên trường phải là chữ (không phải số, true/false hay null).",
                example="2024: abc", fix="Đổi tên trường thành một từ trong lược đồ.", family="yaml")
DEPTH = rule("YAML-DEPTH", "error", "Lồng nhau quá sâu",
             f"Hồ sơ lồng quá {MAX_DEPTH} cấp.", example="[[[[[[…]]]]]]",
             fix="Kiểm tra lại cấu trúc hồ sơ theo lược đồ.", family="yaml")
NFD = rule("TEXT-NFC", "warning", "Tiếng Việt chưa chuẩn hóa NFC",
           "Văn bản dùng dấu tổ hợp (NFD); sổ đăng ký tự chuẩn hóa về NFC khi đọc.",
           example="«Hà Nội» gõ bằng bộ gõ tách dấu (a + ̀).",
           fix="Chạy «ocop fmt» hoặc gõ lại bằng bảng mã Unicode dựng sẵn.", family="yaml")
CONTROL = rule("TEXT-CONTROL", "error", "Ký tự điều khiển trong văn bản",
               "Văn bản hoặc tên trường chứa ký tự điều khiển không nhìn thấy.",
               example='name: "Trà\\x07 xanh"', fix="Xóa ký tự điều khiển (thường do sao chép từ tệp khác).",
               family="yaml")

CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class LoadError(Exception):
    def __init__(self, rule_id: str, message: str, line: int, column: int, hint: str = ""):
        super().__init__(message)
        self.rule_id, self.message, self.line, self.column, self.hint = rule_id, message, line, column, hint


class _StrictResolver(yaml.resolver.Resolver):
    """YAML 1.2-core-like implicit typing: only true/false, null, decimal ints and dotted floats."""

    yaml_implicit_resolvers: ClassVar[dict] = {}


def _add(tag: str, pattern: str, first: str) -> None:
    _StrictResolver.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


_add("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_add("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])  # type: ignore[arg-type]
_add("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789")
_add("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+0123456789.")

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
}


class _StrictConstructor(yaml.constructor.SafeConstructor):
    yaml_constructors: ClassVar[dict] = {
        tag: fn for tag, fn in yaml.constructor.SafeConstructor.yaml_constructors.items() if tag in _ALLOWED_TAGS
    }

    def construct_document(self, node: yaml.Node) -> Any:
        self._seen_nodes: set[int] = set()
        self._depth = 0
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if id(node) in self._seen_nodes:
            raise LoadError("YAML-ALIAS", "Dùng bí danh YAML (*…) để lặp lại một giá trị.",
                            node.start_mark.line + 1, node.start_mark.column + 1)
        self._seen_nodes.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            raise LoadError("YAML-TAG", f"Thẻ YAML «{node.tag}» không được phép.",
                            node.start_mark.line + 1, node.start_mark.column + 1)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise LoadError("YAML-DEPTH", f"Hồ sơ lồng nhau quá {MAX_DEPTH} cấp.",
                                node.start_mark.line + 1, node.start_mark.column + 1)
            return super().construct_object(node, deep=True)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        mapping: dict = {}
        first_seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise LoadError("YAML-KEY", f"Tên trường «{key_node.value}» phải là chữ.",
                                key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                "Đặt tên trường trong ngoặc kép hoặc dùng tên trong lược đồ.")
            if key in first_seen:
                first = first_seen[key].start_mark.line + 1
                raise LoadError("YAML-DUPLICATE-KEY", f"Trường «{key}» bị lặp (đã có ở dòng {first}).",
                                key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                f"Giữ một dòng «{key}: …» và xóa dòng còn lại.")
            first_seen[key] = key_node
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping


for _tag in ("tag:yaml.org,2002:map",):
    _StrictConstructor.add_constructor(_tag, _StrictConstructor.construct_yaml_map)


class StrictLoader(yaml.cyaml.CParser, _StrictConstructor, _StrictResolver):  # type: ignore[misc]
    def __init__(self, stream: str | bytes) -> None:
        yaml.cyaml.CParser.__init__(self, stream)
        _StrictConstructor.__init__(self)
        _StrictResolver.__init__(self)


@dataclass
class Document:
    """One YAML file: its data (None when unreadable) and the findings made while loading it."""

    path: str  # repository-relative POSIX path, used in every finding
    abspath: Path
    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    _root: yaml.Node | None = field(default=None, repr=False)

    def locate(self, keypath: tuple | list = (), at_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or key) at keypath; the nearest existing parent."""
        node = self._compose()
        if node is None:
            return (1, 1)
        for i, part in enumerate(keypath):
            child = _child(node, part, at_key and i == len(keypath) - 1)
            if child is None:
                break
            node = child
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def _compose(self) -> yaml.Node | None:
        if self._root is None:
            try:
                text = _decode(self.abspath.read_bytes())[0]
                self._root = yaml.compose(text, Loader=StrictLoader)
            except Exception:  # an unreadable file has no positions: findings then point at 1:1
                return None
        return self._root


def _child(node: yaml.Node, part: Any, at_key: bool) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == part:
                return key_node if at_key else value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part]
    return None


def _decode(raw: bytes) -> tuple[str, bool]:
    has_bom = raw.startswith(BOM)
    return raw[len(BOM):].decode("utf-8") if has_bom else raw.decode("utf-8"), has_bom


def load_document(abspath: Path, relpath: str, raw: bytes | None = None) -> Document:
    """Load one file strictly. Never raises for bad content: problems become findings."""
    doc = Document(path=relpath, abspath=abspath)
    try:
        if raw is None:
            size = abspath.stat().st_size
            if size > MAX_FILE_BYTES:
                raise LoadError("FILE-SIZE", f"Tệp lớn {size // 1024} KB, vượt giới hạn {MAX_FILE_BYTES // 1024} KB.", 1, 1)
            raw = abspath.read_bytes()
        elif len(raw) > MAX_FILE_BYTES:
            raise LoadError("FILE-SIZE", f"Tệp lớn {len(raw) // 1024} KB, vượt giới hạn {MAX_FILE_BYTES // 1024} KB.", 1, 1)
        doc.data = _parse(raw, doc)
    except LoadError as err:
        doc.data = None
        doc.findings.append(make(err.rule_id, relpath, err.line, err.column, err.message, err.hint))
    return doc


def _parse(raw: bytes, doc: Document) -> Any:
    try:
        text, has_bom = _decode(raw)
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise LoadError("YAML-ENCODING", f"Byte 0x{raw[err.start]:02X} không hợp lệ trong UTF-8.", line, column) from None
    if has_bom:
        doc.findings.append(make("YAML-BOM", doc.path, 1, 1, "Tệp bắt đầu bằng BOM (UTF-8 with BOM)."))
    if not text.strip():
        raise LoadError("YAML-EMPTY", "Tệp rỗng.", 1, 1)
    try:
        loader = StrictLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except LoadError as err:
        if err.rule_id == "YAML-ALIAS":
            err.line, err.column = _first_alias(text) or (err.line, err.column)
        raise
    except yaml.MarkedYAMLError as err:
        raise _syntax_error(err, text) from None
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        raise LoadError("TEXT-CONTROL", f"Ký tự điều khiển U+{err.character:04X} không được phép.", line, column) from None
    except yaml.YAMLError as err:
        raise LoadError("YAML-SYNTAX", f"Lỗi cú pháp YAML: {err}", 1, 1) from None
    except RecursionError:
        raise LoadError("YAML-DEPTH", f"Hồ sơ lồng nhau quá {MAX_DEPTH} cấp.", 1, 1) from None
    if data is None:
        raise LoadError("YAML-EMPTY", "Tệp không có nội dung (chỉ có chú thích hoặc khoảng trắng).", 1, 1)
    if not isinstance(data, dict):
        kind = "danh sách" if isinstance(data, list) else "một giá trị đơn"
        raise LoadError("RECORD-NOT-MAPPING", f"Nội dung tệp là {kind}, không phải các cặp «trường: giá trị».", 1, 1)
    return _clean_text(data, doc)


def _syntax_error(err: yaml.MarkedYAMLError, text: str) -> LoadError:
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = err.problem or ""
    if "\\t" in problem or "'\\t'" in problem or _tab_indented(text, line):
        return LoadError("YAML-TAB", "Dòng này thụt lề bằng ký tự Tab.", line, column)
    if "expected a single document" in problem or "but found another document" in str(err):
        return LoadError("YAML-SYNTAX", "Tệp chứa nhiều tài liệu YAML (---); mỗi tệp chỉ một hồ sơ.", line, column)
    if isinstance(err, yaml.constructor.ConstructorError) and "constructor for the tag" in problem:
        tag = problem.split("'")[1] if "'" in problem else "?"
        return LoadError("YAML-TAG", f"Thẻ YAML «{tag}» không được phép.", line, column)
    if "found undefined alias" in problem or "found duplicate anchor" in problem:
        return LoadError("YAML-ALIAS", "Dùng neo/bí danh YAML (&…, *…).", line, column)
    if "control characters are not allowed" in problem or "unacceptable character" in problem:
        return LoadError("TEXT-CONTROL", "Tệp chứa ký tự điều khiển không được phép.", line, column)
    return LoadError("YAML-SYNTAX", f"Lỗi cú pháp YAML: {_vi_problem(problem)}", line, column,
                     "Kiểm tra thụt lề của dòng này và dòng trên; đặt giá trị có «:», «#», «[» trong ngoặc kép.")


def _first_alias(text: str) -> tuple[int, int] | None:
    """Position of the first alias (*name), for a message that points at the reuse, not the anchor."""
    try:
        for event in yaml.parse(text, Loader=StrictLoader):
            if isinstance(event, yaml.AliasEvent):
                return (event.start_mark.line + 1, event.start_mark.column + 1)
    except yaml.YAMLError:
        return None
    return None


def _tab_indented(text: str, line: int) -> bool:
    lines = text.splitlines()
    return 0 < line <= len(lines) and lines[line - 1][:1] == "\t"


_PROBLEMS_VI = {
    "mapping values are not allowed": "không được có «:» ở đây (giá trị chứa dấu hai chấm cần ngoặc kép)",
    "could not find expected ':'": "thiếu dấu «:» sau tên trường",
    "did not find expected key": "thụt lề không khớp với dòng trên",
    "found unexpected end of stream": "tệp kết thúc giữa chừng (thiếu dấu ngoặc hoặc ngoặc kép đóng)",
    "did not find expected node content": "thiếu giá trị",
    "found character that cannot start any token": "ký tự không thể bắt đầu một giá trị",
}


def _vi_problem(problem: str) -> str:
    for english, vietnamese in _PROBLEMS_VI.items():
        if english in problem:
            return vietnamese
    return problem


def _clean_text(data: Any, doc: Document) -> Any:
    """NFC-normalise every string; report the first NFD field and any control character."""
    nfd_paths: list[tuple] = []

    def walk(value: Any, path: tuple) -> Any:
        if isinstance(value, str):
            if CONTROL_CHARS.search(value):
                line, column = doc.locate(path)
                raise LoadError("TEXT-CONTROL", f"Trường «{_dotted(path)}» chứa ký tự điều khiển.", line, column)
            if not value.isascii() and not unicodedata.is_normalized("NFC", value):
                nfd_paths.append(path)
                return unicodedata.normalize("NFC", value)
            return value
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if CONTROL_CHARS.search(key):
                    line, column = doc.locate(path)
                    raise LoadError("TEXT-CONTROL", f"Tên trường {key!r} chứa ký tự điều khiển.", line, column)
                clean_key = key if key.isascii() else unicodedata.normalize("NFC", key)
                out[clean_key] = walk(item, (*path, key))
            return out
        if isinstance(value, list):
            return [walk(item, (*path, i)) for i, item in enumerate(value)]
        return value

    cleaned = walk(data, ())
    if nfd_paths:
        line, column = doc.locate(nfd_paths[0])
        names = ", ".join(_dotted(p) for p in nfd_paths[:5])
        doc.findings.append(make("TEXT-NFC", doc.path, line, column,
                                 f"Văn bản dạng tổ hợp (NFD) ở trường: {names}; đã chuẩn hóa về NFC."))
    return cleaned


def _dotted(path: tuple | list) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(gốc)"


dotted = _dotted
