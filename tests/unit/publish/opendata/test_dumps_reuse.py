"""A rebuild takes the previous build's CSV rows as text (opendata.csv_rows): each row exactly as written,
a quoted cell's line breaks, quotes and commas included."""

from __future__ import annotations

import csv
import io

import pytest

from ocop.publish import opendata
from ocop.publish.site import export


def test_csv_rows_give_back_each_row_as_written():
    table = export.Table("product")
    records = [{"id": "sp-a", "name": 'Chè "Shan"\r\ntuyết, cổ thụ'}, {"id": "sp-b", "name": "=1+1"},
               {"id": "sp-c", "name": "dòng\nmới\rvà \"\" hai dấu"}, {"id": "sp-d"}, {"id": "sp,e"}]
    docs = [{"record": r, "derived": {}, "links": {}} for r in records]
    lines = [table.line(doc) for doc in docs]
    for line in lines:
        table.append_line(line)
    text = table.text().removeprefix(export.BOM)
    rows = opendata.csv_rows(text)
    assert rows[1:] == lines and "".join(rows) == text
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert [opendata._first_cell(row) for row in rows] == [row[0] for row in parsed]
    assert [next(csv.reader([row])) for row in rows[1:]] == parsed[1:]  # each piece is one whole row


def test_a_cut_csv_is_refused():
    with pytest.raises(ValueError):
        opendata.csv_rows('id,name\r\nsp-a,"open quote\r\n')
