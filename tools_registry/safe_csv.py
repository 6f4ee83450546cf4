"""CSV files that are safe to open in a spreadsheet: every CSV the site writes goes through `writer`.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel,
LibreOffice or Google Sheets ("CSV injection"): a name typed on the public form could run one on a
reader's machine. `writer` puts a `'` before such a cell, the spreadsheets' mark for "this is text".
A cell made only of digits, `.` and `,` with an optional leading `-` (`-1.5`, `-0,76`) is a number, not a
formula, and stays as it is. A cell that already starts with `'` gets one more, so the rule can be undone
exactly: `restore` removes one leading `'`, which gives back every value as it was written.

Every CSV file the site serves is also written one way (`text`, and `BOM` for a streamed file): UTF-8
with a byte-order mark, without which Excel reads the accents wrong, and lines ending in CRLF (RFC 4180,
`csv.writer`'s default).

defusedcsv (PyPI) applies a close rule but cannot be used here: it leaves a leading tab or carriage
return alone, and its output cannot be read back exactly (it also rewrites `|` as `\\|` and leaves a
leading `'` as it is, so `'=x` and `=x` come out alike).
"""

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

PREFIX = "'"
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", PREFIX)
_NUMBER = re.compile(r"-?[0-9.,]+")


def neutralise(value: object) -> object:
    """`value` as a cell no spreadsheet reads as a formula (numbers and empty cells as they are)."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return PREFIX + text
    return text


def restore(cell: str) -> str:
    """The value `neutralise` was given, from the cell it wrote."""
    return cell.removeprefix(PREFIX)


class _Writer:
    def __init__(self, file: Any, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file: Any, **options: Any) -> _Writer:
    """A `csv.writer` whose every cell goes through `neutralise`."""
    return _Writer(file, **options)


def text(rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV file, its header first among `rows`, as the site serves every CSV (see above)."""
    out = io.StringIO()
    writer(out).writerows(rows)
    return BOM + out.getvalue()
