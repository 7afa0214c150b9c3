"""Names under registry/ and plans/: lowercase ASCII slugs; anything else is refused, and shown printably."""

from __future__ import annotations

import os
import unicodedata

import pytest

from ocop.model.layout import misnamed, name_problem, shown, valid_name

GOOD = [
    "registry/provinces.yaml",
    "registry/ha-noi/products/sp-ha-noi-0001.yaml",
    "registry/hai-phong/decisions/2024/qd-hai-phong-2024-001.yaml",
    "registry/hai-phong/media/sp-hai-phong-0001-1.jpg",
    "registry/hai-phong/media/sp-hai-phong-0001/anh-2.webp",
    "plans/kh-hai-phong-2023-hai-duong-1366.yaml",
    "registry/README.md",
    "registry/ha-noi/media/.gitkeep",
]
# (path, the part named, words of the reason, suggested name)
BAD = [
    ("registry/hai-phong/products/sp-hải-phòng-0001.yaml", "sp-hải-phòng-0001.yaml", "«ả» (U+1EA3", "sp-hai-phong-0001.yaml"),
    (unicodedata.normalize("NFD", "registry/hai-phong/products/sp-hải-0001.yaml"),
     unicodedata.normalize("NFD", "sp-hải-0001.yaml"), "dấu tổ hợp U+0309", "sp-hai-0001.yaml"),
    ("registry/hai-phong/products/sp hai.yaml", "sp hai.yaml", "dấu cách", "sp-hai.yaml"),
    ("registry/hai-phong/products/sp-1.yaml ", "sp-1.yaml ", "dấu cách", "sp-1.yaml"),
    ("registry/Hai-Phong/products/sp-1.yaml", "Hai-Phong", "chữ hoa «H»", "hai-phong"),
    ("registry/hai-phong/media/IMG_1.JPG", "IMG_1.JPG", "chữ hoa «I»", "img-1.jpg"),
    ("registry/hai-phong/products/sp\n1.yaml", "sp\\x0a1.yaml", "U+000A", "sp-1.yaml"),
    ("registry/hai-phong/products/sp-1\x1b[2K.yaml", "sp-1\\x1b[2K.yaml", "U+001B", "sp-1-2k.yaml"),
    ("registry/hai-phong/products/sp-\u200b1.yaml", "sp-\\u200b1.yaml", "U+200B", None),
    ("registry/hai-phong/products/sp-hai-ph\u043eng.yaml", "sp-hai-ph\u043eng.yaml", "cyrillic small letter o", None),
    (os.fsdecode(b"registry/hai-phong/products/sp-\xff.yaml"), "sp-\\xff.yaml", "byte 0xFF", None),
    ("registry/hai-phong/products/sp--1.yaml", "sp--1.yaml", "không có dạng", "sp-1.yaml"),
    ("registry/hai-phong/products/sp_1.yaml", "sp_1.yaml", "«_»", "sp-1.yaml"),
    ("plans/kh-hai-phong.YAML", "kh-hai-phong.YAML", "chữ hoa «Y»", "kh-hai-phong.yaml"),
]


@pytest.mark.parametrize("path", GOOD)
def test_layout_names_pass(path: str) -> None:
    assert valid_name(path) and name_problem(path) is None


@pytest.mark.parametrize(("path", "part", "reason", "suggestion"), BAD, ids=[repr(b[1]) for b in BAD])
def test_other_names_are_refused_with_the_part_and_why(path: str, part: str, reason: str, suggestion: str | None) -> None:
    assert not valid_name(path)
    problem = name_problem(path)
    assert problem is not None
    assert (problem.part, problem.suggestion) == (part, suggestion)
    assert reason in problem.reason


def test_shown_is_printable_and_keeps_printable_names() -> None:
    assert shown("registry/hai-phong/products/sp-hải-phòng.yaml") == "registry/hai-phong/products/sp-hải-phòng.yaml"
    assert shown(os.fsdecode(b"a\xff\n\x1b\xe2\x80\xae.yaml")) == "a\\xff\\x0a\\x1b\\u202e.yaml"
    for _path, *_ in BAD:
        text = shown(_path)
        assert text.isprintable()
        text.encode("utf-8")  # no lone surrogate left: every reporter can write it


def test_misnamed_lists_exactly_what_valid_name_refuses() -> None:
    paths = GOOD + [b[0] for b in BAD] + ["registry/ha-noi", "plans/x/y.yaml", "registry/Ha-noi/a.yaml", "registry/ha-noi/b.yaml"]
    assert misnamed(paths) == [p for p in paths if not valid_name(p)]
