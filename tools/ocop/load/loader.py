"""Strict, safe, positioned YAML loading.

Most records take the fast path in fast.py (rapidyaml, in C), which answers only when this loader would
give the same data and no finding. Otherwise: libyaml's C parser with a reduced resolver table (no YAML 1.1 re-typing: dates, codes,
`no`, `010` and `24:00` stay strings) and a constructor that refuses aliases, duplicate keys and
non-standard tags. Positions are found only for files that have findings, by composing again.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
import yaml.cyaml

from ocop.findings import Finding, make, rule
from ocop.load.fast import fast_load

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 40
# No schema allows a longer list or a bigger mapping (decision entries: 2000); past this the loader stops,
# as it does for depth: half a million items of a 1 MB file would cost every later stage seconds each.
MAX_ITEMS = 2000
BOM = b"\xef\xbb\xbf"

FILE_SIZE = rule("FILE-SIZE", "error", "Tệp quá lớn",
                 f"Một hồ sơ không được lớn hơn {MAX_FILE_BYTES // 1024} KB.",
                 example="Một tệp sản phẩm 10 MB.", fix="Tách nội dung dài (ảnh, tài liệu) ra tệp riêng.",
                 family="yaml", fixed="Một tệp sản phẩm vài KB; ảnh để trong registry/<tỉnh>/media/.")
READ = rule("FILE-READ", "error", "Không đọc được tệp",
            "Tệp không mở được (bị xóa trong lúc kiểm tra, thiếu quyền đọc, hoặc là thư mục).",
            example="chmod 000 registry/ha-noi/products/sp-ha-noi-0001.yaml",
            fix="Kiểm tra quyền đọc của tệp.", family="yaml", fixed="tệp đọc được (quyền rw-r--r--)")
ENCODING = rule("YAML-ENCODING", "error", "Tệp không phải UTF-8",
                "Hồ sơ phải được lưu với mã hóa UTF-8.",
                example="Tệp lưu bằng Windows-1258 hoặc Latin-1.",
                fix="Mở tệp và lưu lại với mã hóa UTF-8 (không BOM).", family="yaml", fixed="Tệp lưu bằng UTF-8.")
BOM_RULE = rule("YAML-BOM", "warning", "Tệp có BOM",
                "Tệp UTF-8 bắt đầu bằng dấu BOM; dấu này được bỏ qua.",
                example="Tệp lưu bằng Notepad với «UTF-8 with BOM».",
                fix="Lưu lại tệp với «UTF-8» (không BOM).", family="yaml", fixed="Tệp lưu với «UTF-8» (không BOM).")
SYNTAX = rule("YAML-SYNTAX", "error", "Lỗi cú pháp YAML",
              "Tệp không đọc được theo cú pháp YAML.",
              example="name: Trà xanh: loại 1   (dấu hai chấm thứ hai cần đặt trong ngoặc kép)",
              fix="Kiểm tra thụt lề và đặt giá trị có dấu «:» hoặc «#» trong ngoặc kép.", family="yaml", fixed="name: \"Trà xanh: loại 1\"")
TAB = rule("YAML-TAB", "error", "Thụt lề bằng phím Tab",
           "YAML không cho phép thụt lề bằng ký tự Tab.",
           example="\\tname: Trà xanh", fix="Thay mỗi Tab ở đầu dòng bằng dấu cách (2 dấu cách mỗi cấp).",
           family="yaml", fixed="  name: Trà xanh   (thụt lề bằng dấu cách)")
DUPLICATE_KEY = rule("YAML-DUPLICATE-KEY", "error", "Trường bị lặp",
                     "Một trường xuất hiện hai lần trong cùng một mục; giá trị sau sẽ đè giá trị trước.",
                     example="name: A\\nname: B", fix="Xóa một trong hai dòng trùng.", family="yaml", fixed="name: A")
ALIAS = rule("YAML-ALIAS", "error", "Không dùng neo/bí danh YAML",
             "Neo (&) và bí danh (*) bị cấm: chúng làm hồ sơ khó đọc và có thể làm tràn bộ nhớ.",
             example="a: &x [1, 2]\\nb: *x", fix="Viết đầy đủ giá trị tại mỗi chỗ dùng.", family="yaml", fixed="a: [1, 2]\\nb: [1, 2]")
TAG = rule("YAML-TAG", "error", "Thẻ YAML không được phép",
           "Chỉ dùng giá trị YAML thông thường; thẻ như !!python/object, !!timestamp bị cấm.",
           example="name: !!python/object:os.system x", fix="Xóa thẻ (phần bắt đầu bằng !).", family="yaml", fixed="name: Trà xanh")
EMPTY = rule("YAML-EMPTY", "error", "Tệp rỗng", "Tệp không có nội dung.",
             example="Tệp 0 byte.", fix="Điền nội dung hồ sơ hoặc xóa tệp.", family="yaml", fixed="Tệp có đủ các trường của hồ sơ.")
NOT_MAPPING = rule("RECORD-NOT-MAPPING", "error", "Hồ sơ phải là một bảng trường",
                   "Nội dung tệp phải là các cặp «trường: giá trị», không phải danh sách hay một giá trị đơn.",
                   example="- id: sp-ha-noi-0001", fix="Bỏ dấu «-» ở đầu: mỗi tệp chỉ chứa một hồ sơ.",
                   family="yaml", fixed="id: sp-ha-noi-0001")
KEY_TYPE = rule("YAML-KEY", "error", "Tên trường không hợp lệ",
                "Tên trường phải là chữ (không phải số, true/false hay null).",
                example="2024: abc", fix="Đổi tên trường thành một từ trong lược đồ.", family="yaml", fixed="year: 2024")
DEPTH = rule("YAML-DEPTH", "error", "Lồng nhau quá sâu",
             f"Hồ sơ lồng quá {MAX_DEPTH} cấp.", example="[[[[[[…]]]]]]",
             fix="Kiểm tra lại cấu trúc hồ sơ theo lược đồ.", family="yaml", fixed="Cấu trúc đúng theo lược đồ (vài cấp lồng nhau).")
LENGTH = rule("YAML-LENGTH", "error", "Danh sách hoặc bảng trường quá dài",
              f"Một danh sách hay một bảng trường có quá {MAX_ITEMS} mục: không hồ sơ OCOP nào cần nhiều như vậy, "
              "và đọc tiếp sẽ làm chậm mọi bước kiểm tra.", example="photos: [1, 1, 1, … (500.000 lần)]",
              fix="Kiểm tra lại trường được chỉ ra: có lẽ tệp bị sinh lỗi hoặc dán nhầm.", family="yaml",
              fixed="photos: [registry/ha-noi/media/sp-ha-noi-0001-1.jpg]", added_in="0.2.0")
NFD = rule("TEXT-NFC", "warning", "Tiếng Việt chưa chuẩn hóa NFC",
           "Văn bản dùng dấu tổ hợp (NFD); sổ đăng ký tự chuẩn hóa về NFC khi đọc.",
           example="«Hà Nội» gõ bằng bộ gõ tách dấu (a + ̀).",
           fix="Chạy «ocop fmt» hoặc gõ lại bằng bảng mã Unicode dựng sẵn.", family="yaml", fixed="«Hà Nội» gõ bằng Unicode dựng sẵn (NFC).")
CONTROL = rule("TEXT-CONTROL", "error", "Ký tự điều khiển hoặc ký tự vô hình trong văn bản",
               "Văn bản hoặc tên trường chứa ký tự không nhìn thấy: ký tự điều khiển (C0/C1), dấu phân cách "
               "dòng/đoạn U+2028/U+2029 (giả mạo đề mục, danh sách trong văn bản Kế hoạch xuất ra), ký tự điều "
               "khiển hướng chữ U+202A–U+202E, U+2066–U+2069, U+200E, U+200F (làm tên hiển thị đảo ngược), ký tự "
               "độ rộng 0 U+200B, U+200C, U+200D, U+2060, U+FEFF, gạch nối mềm U+00AD và mọi ký tự định dạng "
               "Unicode khác (loại Cf). Tiếng Việt không cần ký tự nào trong số này; chúng chỉ làm hai tên trông "
               "giống nhau mà khác nhau, hoặc làm văn bản hiển thị khác với dữ liệu.",
               example='name: "Trà\\u202Eanh x"', fix="Xóa ký tự vô hình (thường do sao chép từ trang web, Word "
               "hoặc PDF): gõ lại đoạn văn bản đó.", family="yaml", fixed="name: Trà xanh")

CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Unicode format characters (category Cf: bidi controls and marks, zero-width characters, the soft hyphen,
# tag characters), the line and paragraph separators (Zl, Zp) and C1 controls. None is needed to write
# Vietnamese (ZWJ/ZWNJ serve Indic and Arabic scripts and emoji sequences, not a Vietnamese registry), all
# are invisible, and U+2028/U+2029 break lines where renderers and YAML see none. Generated from Unicode 15
# (Python 3.12); tests/unit/load/test_loader.py checks it against the running Python's database.
_INVISIBLE_BMP = ("\x80-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
                  "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb")
_INVISIBLE_ASTRAL = ("\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
                     "\U000e0001\U000e0020-\U000e007f")
INVISIBLE_CHARS = re.compile(f"[{_INVISIBLE_BMP}{_INVISIBLE_ASTRAL}]")
# The same test split in two: a class with astral ranges makes `re` 4x slower on every Vietnamese string.
_BMP_SEARCH = re.compile(f"[{_INVISIBLE_BMP}]").search
_ASTRAL_SEARCH = re.compile(f"[{_INVISIBLE_ASTRAL}]").search
_ANY_ASTRAL = re.compile("[\U00010000-\U0010ffff]").search  # one range: fast, unlike max(value)


# libyaml breaks lines at these even inside a plain scalar, so a raw one is a syntax error, not a value.
RAW_BREAKS = {"\u2028": "\ufff9", "\u2029": "\ufffa", "\x85": "\ufffb"}  # -> stand-ins that are refused too


def has_invisible(value: str) -> bool:
    """Whether a non-ASCII text holds a character INVISIBLE_CHARS refuses (the loader's hot path)."""
    return _BMP_SEARCH(value) is not None or (_ANY_ASTRAL(value) is not None and _ASTRAL_SEARCH(value) is not None)


class LoadError(Exception):
    def __init__(self, rule_id: str, message: str, line: int, column: int, hint: str = ""):
        super().__init__(message)
        self.rule_id, self.message, self.line, self.column, self.hint = rule_id, message, line, column, hint
        self.node: yaml.Node | None = None  # TEXT-CONTROL: the scalar, so the message can name its field path
        self.char = ""  # TEXT-CONTROL: the refused character
        self.where = ("", False)  # TEXT-CONTROL: (field shown in the message, whether it is a key)


class _StrictResolver(yaml.resolver.Resolver):
    """YAML 1.2-core-like implicit typing: only true/false, null, decimal ints and dotted floats."""

    yaml_implicit_resolvers: ClassVar[dict] = {}


def _add(tag: str, pattern: str, first: str) -> None:
    _StrictResolver.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


_add("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_add("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])  # type: ignore[arg-type]
_add("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789")
_add("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+0123456789.")

STR, INT, FLOAT, BOOL, NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))
SEQ, MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_TRUE = frozenset(("true", "True", "TRUE"))


class StrictLoader(yaml.cyaml.CParser, _StrictResolver):  # type: ignore[misc]
    """libyaml parses and composes (in C); `_Builder` turns nodes into plain data (in Python)."""

    _table = _StrictResolver.yaml_implicit_resolvers

    def __init__(self, stream: str | bytes) -> None:
        yaml.cyaml.CParser.__init__(self, stream)
        _StrictResolver.__init__(self)

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        """No path resolvers are used: skip the per-node bookkeeping libyaml would call into."""

    def ascend_resolver(self) -> None:
        """See descend_resolver."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        """The resolver's answer without its path-resolver machinery (called once per node, from C)."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self._table.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return STR
        return SEQ if kind is yaml.SequenceNode else MAP


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Vietnamese groups thousands with dots


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


REFUSED_CHARS = re.compile(f"{CONTROL_CHARS.pattern}|{INVISIBLE_CHARS.pattern}")  # what no record text may hold
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def _char_kind(char: str) -> str:
    if char in "\u2028\u2029":
        return "dấu phân cách dòng/đoạn: giả được đề mục, danh sách trong văn bản xuất ra"
    if char in _BIDI:
        return "điều khiển hướng chữ: làm chữ hiển thị đảo ngược"
    if char in _ZERO_WIDTH:
        return "ký tự độ rộng 0, không nhìn thấy"
    if unicodedata.category(char) == "Cc":
        return "ký tự điều khiển"
    return "ký tự định dạng không nhìn thấy"


def printable(text: str) -> str:
    """Text for a message: every refused character written as <U+XXXX>."""
    return REFUSED_CHARS.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)



def _text_message(where: str, char: str, is_key: bool) -> str:
    subject = "Tên trường" if is_key else "Trường"
    return f"{subject} «{where}» chứa ký tự U+{ord(char):04X} ({_char_kind(char)}), không được phép."


def _text_error(node: yaml.ScalarNode, value: str, key: str) -> LoadError:
    """TEXT-CONTROL at the first refused character; the field is named by its key here, by its path in _parse."""
    found = REFUSED_CHARS.search(value)
    char = found.group() if found else value[:1]
    line, column = _mark(node)
    if not node.style and found and node.start_mark.line == node.end_mark.line:
        column += found.start()  # a one-line plain value: the character's own column
    err = LoadError("TEXT-CONTROL", _text_message(printable(key or value[:40]), char, not key), line, column,
                    "Xóa ký tự này (thường lẫn vào khi sao chép từ trang web, Word hoặc PDF): gõ lại đoạn văn bản.")
    err.node, err.char = node, char
    err.where = (printable(key or value[:40]), not key)
    return err


def _path_to(root: yaml.Node, target: yaml.Node) -> tuple[list, bool] | None:
    """(key path, whether target is the last key itself) of a node in a composed tree."""
    stack: list[tuple[yaml.Node, list]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path, False
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node is target:
                    return [*path, key_node.value], True
                stack.append((value_node, [*path, key_node.value]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, [*path, i]) for i, item in enumerate(node.value))
    return None


def _name_field(err: LoadError, root: yaml.Node | None) -> None:
    """Rewrite a TEXT-CONTROL message with the full field path (sections[1].title), not just its key."""
    found = _path_to(root, err.node) if root is not None and err.node is not None else None
    if found is not None:
        err.where = (printable(_dotted(found[0])), found[1])
    err.message = _text_message(*err.where[:1], err.char, err.where[1])


class _Builder:
    """Plain data from a composed node tree: refuses aliases, duplicate keys, non-core tags, control
    characters and excessive depth; NFC-normalises text and remembers where it had to."""

    def __init__(self, scalar_keys: bool = False, raw_invisible: bool = True) -> None:
        self.scalar_keys = scalar_keys  # package data may key tables by star (3, 4, 5); records may not
        # False when the file's text holds no invisible character: then only escapes ("\u202e" in a
        # double-quoted value) can make one, and the other values need no per-value search
        self.raw_invisible = raw_invisible
        self.seen: set[int] = set()
        self.nfd: list[tuple[yaml.Node, str]] = []

    def build(self, node: yaml.Node, depth: int = 0, key: str = "") -> Any:
        if id(node) in self.seen:
            raise LoadError("YAML-ALIAS", "Dùng bí danh YAML (*…) để lặp lại một giá trị.", *_mark(node))
        self.seen.add(id(node))
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, tag, key)
        if depth >= MAX_DEPTH:
            raise LoadError("YAML-DEPTH", f"Hồ sơ lồng nhau quá {MAX_DEPTH} cấp.", *_mark(node))
        if isinstance(node.value, list) and len(node.value) > MAX_ITEMS:
            what = f"Trường «{key}»" if key else "Giá trị"
            raise LoadError("YAML-LENGTH", f"{what} có {_thousands(len(node.value))} mục, quá giới hạn "
                            f"{_thousands(MAX_ITEMS)} mục.", *_mark(node))
        if tag == MAP and isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if tag == SEQ and isinstance(node, yaml.SequenceNode):
            return [self.build(item, depth + 1, key) for item in node.value]
        raise LoadError("YAML-TAG", f"Thẻ YAML «{tag}» không được phép.", *_mark(node))

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict:
        out: dict[str, Any] = {}
        first: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if self.scalar_keys and key_node.tag == INT and isinstance(key_node, yaml.ScalarNode):
                key: Any = int(key_node.value)
            elif key_node.tag != STR or not isinstance(key_node, yaml.ScalarNode):
                raise LoadError("YAML-KEY", f"Tên trường «{getattr(key_node, 'value', '?')}» phải là chữ.",
                                *_mark(key_node), "Đặt tên trường trong ngoặc kép hoặc dùng tên trong lược đồ.")
            else:
                key = self._scalar(key_node, STR, "")
            if key in first:
                raise LoadError("YAML-DUPLICATE-KEY", f"Trường «{key}» bị lặp (đã có ở dòng {_mark(first[key])[0]}).",
                                *_mark(key_node), f"Giữ một dòng «{key}: …» và xóa dòng còn lại.")
            first[key] = key_node
            out[key] = self.build(value_node, depth + 1, key)
        return out

    def _scalar(self, node: yaml.ScalarNode, tag: str, key: str) -> Any:
        value = node.value
        if tag == STR:
            # C0 controls only come in through escapes; the others are valid YAML characters, refused here
            if node.style == '"':
                if CONTROL_CHARS.search(value) or (not value.isascii() and has_invisible(value)):
                    raise _text_error(node, value, key)
            elif self.raw_invisible and not value.isascii() and has_invisible(value):
                raise _text_error(node, value, key)
            if not value.isascii() and not unicodedata.is_normalized("NFC", value):
                self.nfd.append((node, key))
                return unicodedata.normalize("NFC", value)
            return value
        if tag == INT:  # a number no field can hold stays text, for the schema to name (int() refuses >4300 digits)
            return int(value) if len(value) <= 30 else value
        if tag == FLOAT:
            number = float(value)
            return number if math.isfinite(number) else value  # 1e999 would become infinity
        if tag == BOOL:
            return value in _TRUE
        if tag == NULL:
            return None
        raise LoadError("YAML-TAG", f"Thẻ YAML «{tag}» không được phép.", *_mark(node))


@dataclass
class Document:
    """One YAML file: its data (None when unreadable) and the findings made while loading it."""

    path: str  # repository-relative POSIX path, used in every finding
    abspath: Path | str  # a str from the registry index: 60k Path objects would cost ~0.3 s
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
                text = _decode(Path(self.abspath).read_bytes())[0]
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


def load_document(abspath: Path, relpath: str, raw: bytes | None = None, fast: bool = True) -> Document:
    """Load one file strictly. Never raises for bad content: problems become findings. `fast=False` skips
    the fast path (the tests compare the two)."""
    doc = Document(path=relpath, abspath=abspath)
    try:
        if raw is None:
            size = abspath.stat().st_size
            if size > MAX_FILE_BYTES:
                raise LoadError("FILE-SIZE", f"Tệp lớn {size // 1024} KB, vượt giới hạn {MAX_FILE_BYTES // 1024} KB.", 1, 1)
            raw = abspath.read_bytes()
        elif len(raw) > MAX_FILE_BYTES:
            raise LoadError("FILE-SIZE", f"Tệp lớn {len(raw) // 1024} KB, vượt giới hạn {MAX_FILE_BYTES // 1024} KB.", 1, 1)
        doc.data = _parse(raw, doc, fast)
    except OSError as err:
        doc.findings.append(make("FILE-READ", relpath, 1, 1, f"Không đọc được tệp: {err.strerror}."))
    except LoadError as err:
        doc.data = None
        doc.findings.append(make(err.rule_id, relpath, err.line, err.column, err.message, err.hint))
    return doc


def _parse(raw: bytes, doc: Document, fast: bool = True) -> Any:
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
    if fast and not has_bom:  # most records: parsed in C by rapidyaml when nothing in them needs this loader's eye
        data = fast_load(raw, text, MAX_DEPTH, MAX_ITEMS, has_invisible)
        if data is not None:
            return data
    if any(char in text for char in RAW_BREAKS):  # in a value, a comment or folded away: never harmless
        raise _raw_break_error(text)
    builder = _Builder(raw_invisible=not text.isascii() and has_invisible(text))  # one scan of the file
    root = None
    try:
        _check_depth(text)
        root = _compose(text)
        data = builder.build(root) if root is not None else None
    except LoadError as err:
        if err.rule_id == "YAML-ALIAS":
            err.line, err.column = _first_alias(text) or (err.line, err.column)
        if err.rule_id == "TEXT-CONTROL":
            _name_field(err, root)
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
    if builder.raw_invisible:  # no value holds it: a comment does, where it can still reorder what a reviewer sees
        found = INVISIBLE_CHARS.search(text)
        if found:
            raise _position_error(text, found.start(), "trong chú thích")
    if data is None:
        raise LoadError("YAML-EMPTY", "Tệp không có nội dung (chỉ có chú thích hoặc khoảng trắng).", 1, 1)
    if not isinstance(data, dict):
        kind = "danh sách" if isinstance(data, list) else "một giá trị đơn"
        raise LoadError("RECORD-NOT-MAPPING", f"Nội dung tệp là {kind}, không phải các cặp «trường: giá trị».", 1, 1)
    if builder.nfd:
        doc._root = root  # positions are at hand: keep them for the schema check of this file
        node, _ = builder.nfd[0]
        names = ", ".join(dict.fromkeys(key or "(giá trị)" for _, key in builder.nfd[:5]))
        doc.findings.append(make("TEXT-NFC", doc.path, *_mark(node),
                                 f"Văn bản dạng tổ hợp (NFD) ở trường: {names}; đã chuẩn hóa về NFC."))
    return data


def _compose(text: str) -> yaml.Node | None:
    loader = StrictLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _raw_break_error(text: str) -> LoadError:
    """A raw U+2028, U+2029 or NEL in the text. libyaml breaks lines at them where an editor may show none:
    in a plain value that is a syntax error, in a comment it can start a hidden line (`# x<U+2028>star: 5`),
    in a quoted value NEL is silently folded. Each is swapped for a refused stand-in of the same length, so
    the builder names the field that holds it; otherwise (a comment, a broken file) the finding points at
    the first of them."""
    back = {stand_in: char for char, stand_in in RAW_BREAKS.items()}
    if not any(stand_in in text for stand_in in back):
        root = None
        try:
            root = _compose(text.translate(str.maketrans(RAW_BREAKS)))
            if root is not None:
                _Builder().build(root)
        except LoadError as err:
            if err.rule_id == "TEXT-CONTROL":
                err.char = back.get(err.char, err.char)
                _name_field(err, root)
                return err
        except (yaml.YAMLError, RecursionError):
            pass
    return _position_error(text, min(text.find(char) for char in RAW_BREAKS if char in text))


def _position_error(text: str, index: int, where: str = "") -> LoadError:
    """TEXT-CONTROL naming a refused character by its line and column (it is in no field)."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    char = text[index]
    hint = ("Xóa ký tự này, hoặc thay bằng một dòng mới thật sự (Enter)." if char in RAW_BREAKS
            else "Xóa ký tự này (thường lẫn vào khi sao chép từ trang web, Word hoặc PDF).")
    return LoadError("TEXT-CONTROL", f"Dòng {line}{' ' + where if where else ''} chứa ký tự U+{ord(char):04X} "
                     f"({_char_kind(char)}), không được phép.", line, column, hint)


# libyaml's parser is iterative but PyYAML's C composer recurses once per level: ~20 000 nested `[`
# (a 40 KB file) overflow the C stack and kill the process. Texts that could be that deep are first
# walked as events, which needs no recursion, and stopped at MAX_DEPTH.
DEPTH_SCAN_BOUND = 1000


def _nesting_bound(text: str) -> int:
    """A cheap upper bound of the nesting depth: every level needs its own indicator (`:` or `?` for a
    mapping entry, `-` or `[` for a sequence item, `{` for a flow mapping). Counted in C."""
    return sum(text.count(c) for c in ":?-[{") + 2


def _check_depth(text: str) -> None:
    if _nesting_bound(text) <= DEPTH_SCAN_BOUND:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=StrictLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LoadError("YAML-DEPTH", f"Hồ sơ lồng nhau quá {MAX_DEPTH} cấp.",
                                    event.start_mark.line + 1, event.start_mark.column + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # composing again reports the syntax error, before it gets deep


def _syntax_error(err: yaml.MarkedYAMLError, text: str) -> LoadError:
    mark = err.problem_mark or err.context_mark
    line, column = _clamp((mark.line + 1, mark.column + 1) if mark else (1, 1), text)
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


def _clamp(position: tuple[int, int], text: str) -> tuple[int, int]:
    """libyaml puts end-of-stream errors one line past a text without a final newline; keep them in the file."""
    lines = text.split("\n")
    if position[0] <= len(lines):
        return position
    return len(lines), len(lines[-1]) + 1


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


def _dotted(path: tuple | list) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(gốc)"


dotted = _dotted


def parse_yaml(text: str) -> Any:
    """Strictly parse trusted YAML text (package data such as criteria sets); raises LoadError."""
    root = _compose(text)
    return _Builder(scalar_keys=True).build(root) if root is not None else None
