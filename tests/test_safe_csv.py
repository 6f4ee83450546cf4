import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import formula_cells
from tools_registry import safe_csv


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-", "'-"),
        ("-x", "'-x"),
        ("@home", "'@home"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'texte", "''texte"),
        ("+1.5", "'+1.5"),
        ("-1.5", "-1.5"),
        ("-0,76", "-0,76"),
        ("1 000", "1 000"),
        ("Budget participatif", "Budget participatif"),
        (-1.68, -1.68),
        (None, None),
    ],
)
def test_formula_cells_are_marked_as_text_and_numbers_kept(value: object, cell: object) -> None:
    assert safe_csv.neutralise(value) == cell


@given(st.lists(st.text(), min_size=1, max_size=4))
def test_every_written_text_reads_back_exactly_and_never_as_a_formula(row: list[str]) -> None:
    out = io.StringIO()
    safe_csv.writer(out).writerow(row)
    assert formula_cells(out.getvalue()) == []
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert [safe_csv.restore(cell) for cell in cells] == row
