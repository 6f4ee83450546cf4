"""What every import format shares: reading a CSV file cleanly, and the shape of what a source row says."""

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from django.utils import translation
from django.utils.translation import gettext_noop

from tools_registry.areas import point_in_an_area
from tools_registry.imports.report import ImportReport, Message, RowReport
from tools_registry.text import from_place


class FileProblem(Exception):
    """The file cannot be read at all (encoding, missing columns): nothing is imported."""

    def __init__(self, text: str, **params: object) -> None:
        super().__init__(text % params if params else text)
        self.message: Message = (text, params)


def clean(value: str | None) -> str:
    """A cell without surrounding spaces nor invisible marks (a byte-order mark, a left-to-right mark)."""
    if value is None:
        return ""
    return "".join(char for char in value if unicodedata.category(char) != "Cf").strip()


def read_csv(
    content: bytes,
    required: list[str],
    report: ImportReport,
    *,
    clean_cells: bool = True,
    multiline: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row of a UTF-8 CSV file (with or without a byte-order mark), with the line it starts on;
    cells cleaned unless `clean_cells` is false (the header always is).

    A record that runs over several lines where the format has none (`multiline` false: a stray or
    unclosed quote takes the next lines into one cell), or that has not the header's number of cells, is
    not read: it is reported as unreadable (`ImportReport.unreadable`), since it may hold other rows."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            gettext_noop("Le fichier n'est pas en UTF-8 (ligne %(line)d) : enregistrez-le en UTF-8."),
            line=content[: error.start].count(b"\n") + 1,
        ) from None
    # The reader counts the lines it has read (`line_num`): the line where a record ends, not where it starts.
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines)
    header = [clean(name) for name in next(reader, [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise FileProblem(
            gettext_noop("Colonnes manquantes : %(columns)s. Ce fichier a-t-il le bon format ?"),
            columns=", ".join(missing),
        )
    end = reader.line_num
    for cells in reader:
        start, end = end + 1, reader.line_num
        if not any(map(clean, cells)):
            continue  # a blank line, or one of empty cells: no record
        problem = _problem(len(cells), len(header), start, end, multiline=multiline)
        if problem is not None:
            report.unreadable(start, _beginning(lines[start - 1]), problem[0], **problem[1])
            continue
        yield start, dict(zip(header, map(clean, cells) if clean_cells else cells, strict=True))


def _problem(found: int, expected: int, first: int, last: int, *, multiline: bool) -> Message | None:
    """Why a record of `found` cells read from lines `first` to `last` cannot be a row, if it cannot."""
    if last > first and not multiline:
        text = gettext_noop("guillemet non fermé : les lignes %(first)d à %(last)d sont lues comme une seule")
        return text, {"first": first, "last": last}
    if found == expected:
        return None
    if last > first:
        text = gettext_noop(
            "nombre de colonnes inattendu : %(found)d au lieu de %(expected)d, sur les lignes %(first)d à "
            "%(last)d lues comme une seule (guillemet non fermé ?)"
        )
        return text, {"found": found, "expected": expected, "first": first, "last": last}
    text = gettext_noop("nombre de colonnes inattendu : %(found)d au lieu de %(expected)d")
    return text, {"found": found, "expected": expected}


def _beginning(line: str, length: int = 70) -> str:
    """The beginning of a line, enough to tell which one it is."""
    line = clean(line)
    return line if len(line) <= length else line[: length - 1] + "…"


def read_point(latitude: str, longitude: str, outcome: RowReport) -> tuple[float | None, float | None]:
    """A point from two cells (a decimal comma accepted); none when a cell is empty, and none, with a note
    on the row, when a cell is unreadable or the point lies in none of the areas of France
    (`tools_registry.areas`)."""
    if not latitude or not longitude:
        return None, None
    try:
        point = float(latitude.replace(",", ".")), float(longitude.replace(",", "."))
    except ValueError:
        point = None
    if point is None or not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        outcome.note(
            gettext_noop("position illisible (« %(lat)s », « %(long)s ») : ignorée"),
            lat=latitude,
            long=longitude,
        )
        return None, None
    if not point_in_an_area(*point):
        # A source's slip (a longitude of the wrong sign puts Nouméa in the eastern Pacific): kept, the
        # point would travel to the API and the downloads while no map of France could show it.
        outcome.note(
            gettext_noop("position hors de France (« %(lat)s », « %(long)s ») : ignorée"),
            lat=latitude,
            long=longitude,
        )
        return None, None
    return point


def of(name: str) -> str:
    """« de » before a body's name as French writes it (« d'Arcueil », « du Bouscat », « de la Métropole de
    Lyon »), whatever the language of whoever runs the import: descriptions are stored in French."""
    with translation.override("fr"):
        return from_place(name)


def valid_siren(siren: str) -> bool:
    """Nine digits whose Luhn checksum holds, as every SIREN number's does."""
    if len(siren) != 9 or not siren.isascii() or not siren.isdigit():
        return False
    total = 0
    for position, digit in enumerate(int(char) for char in reversed(siren)):
        if position % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


@dataclass(frozen=True)
class SourceSpec:
    """A public source as the registry credits it (stored as a DataSource on import)."""

    code: str
    name: str
    publisher: str
    url: str
    licence: str
    credit: str
    origin: str


@dataclass
class Body:
    """What a source row says of the body (collectivity or other public body) behind a tool."""

    name: str
    kind: str
    siren: str = ""
    territory_kind: str = ""  # the kind of official territory this body is, "" when none
    territory_code: str = ""  # its official code when the source gives it (département, région)
    departement: str = ""
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    # For sources without codes: names to look for, near the point, in these kinds of territory.
    near_names: list[str] = field(default_factory=list)
    near_kinds: list[str] = field(default_factory=list)


@dataclass
class SourceRow:
    report: RowReport
    record_id: str
    body: Body
    # The tool's fields as the source gives them, knowing the name under which the registry shows its body.
    tool: Callable[[str], dict[str, object]]
    source_date: date | None = None


class SourceFormat:
    """A public list of tools: reads its file into SourceRows (a row it cannot use: skipped in the report)."""

    code: str
    source: SourceSpec
    # Tool fields the source derives from another (derived → origin: whether a tool is free software, from
    # its software): while staff's value of the origin is kept, the derived field is not updated either.
    derived: ClassVar[dict[str, str]] = {"is_open_source": "software"}

    def rows(self, content: bytes, report: ImportReport) -> Iterator[SourceRow]:
        raise NotImplementedError
