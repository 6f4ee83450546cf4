"""The README's commands say what the code expects."""

import re
from pathlib import Path

from survey.invitations import CONTACT_COLUMNS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_contacts_file_columns_are_named_as_import_contacts_reads_them() -> None:
    line = next(line for line in README.splitlines() if "manage.py import_contacts" in line)
    columns = re.search(r"columns ([\w,]+)", line).group(1)
    assert columns.split(",") == CONTACT_COLUMNS
