"""The site's one number format (vi-VN); the browser test holds assets/number.js to the same answers."""

from __future__ import annotations

import decimal

import pytest

from ocop.publish.site.numbers import vnum, vnum_text, vpercent, vsize


@pytest.mark.parametrize("value, shown", [
    (92.9, "92,9"), (91.25, "91,25"), ("60.2", "60,2"), (1234567, "1.234.567"), (0.125, "0,13"), (1.005, "1,01"),
    (33.333, "33,33"), (82, "82"), (-2.5, "-2,5"), (-0.001, "0"), (decimal.Decimal("1500.50"), "1.500,5"),
])
def test_numbers_are_written_the_vietnamese_way(value, shown):
    assert vnum(value) == shown


@pytest.mark.parametrize("value", ["abc", "01", "1.2.3", None, True, "", "9901/QĐ-UBND"])
def test_text_that_is_not_a_plain_number_stays_as_it_is(value):
    assert vnum(value) == ("" if value is None else str(value) if not isinstance(value, bool) else "True")


def test_percent_size_and_numbers_inside_a_phrase():
    assert vpercent(33.333) == "33,3\u00a0%" and vpercent(None) == ""
    assert vsize(57550) == "56,2\u00a0KB" and vsize(3_000_000) == "2,9\u00a0MB" and vsize(12) == "12\u00a0B"
    assert vnum_text("ít nhất 33.3%") == "ít nhất 33,3\u00a0%"
    assert vnum_text("20 - 30 sản phẩm") == "20 - 30 sản phẩm"
    assert vnum(1234.5, 0) == "1.235"
