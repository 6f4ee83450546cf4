"""Importing tools into the registry: public sources (with their provenance) and the registry's own CSV.

One pipeline for every format: the file is read, each row matched and written, and a report kept on an
`ImportRun`. A run is one transaction (all or nothing); an analysis (dry run) is the same run, rolled
back. Every change is recorded in the edit history as made by the run (`import:<format>#<run id>`).
Staff start an import from the admin: the file is analysed, then imported once they confirm, both on the
job queue (`run_import`).
"""

import logging
from datetime import date
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from jobs.queue import job
from tools_registry.history import recorded_as
from tools_registry.imports.base import FileProblem, SourceFormat
from tools_registry.imports.decidim import DecidimInstallations
from tools_registry.imports.odf import OdfObservatoire
from tools_registry.imports.pipeline import SourceImport
from tools_registry.imports.registry_csv import RegistryCsvImport
from tools_registry.imports.report import ImportReport, Message, render
from tools_registry.provenance import ImportFormat, ImportRun, ImportStatus

logger = logging.getLogger(__name__)

SOURCE_FORMATS: dict[str, type[SourceFormat]] = {
    ImportFormat.ODF_OBSERVATOIRE: OdfObservatoire,
    ImportFormat.DECIDIM_INSTALLATIONS: DecidimInstallations,
}
MAX_FILE_SIZE = 5 * 1024 * 1024
SOURCES_DIR = Path(__file__).resolve().parent.parent / "data" / "sources"
# The public sources shipped with the site (see data/sources/ATTRIBUTION.md), with the date of each copy.
PUBLIC_SOURCES = [
    (ImportFormat.ODF_OBSERVATOIRE, "odf-observatoire-organisations-221019.csv", date(2022, 10, 19)),
    (ImportFormat.DECIDIM_INSTALLATIONS, "decidim-installations-fr.csv", date(2026, 7, 23)),
]


class _Rollback(Exception):
    pass


def execute(run: ImportRun, *, dry_run: bool) -> ImportReport | None:
    """Run `run`'s file through the registry (or only analyse it) and store the report on the run.

    Returns None when the file could not be read at all; the run then says why (`error`, a message).
    """
    report = ImportReport(format=run.format, dry_run=dry_run)
    file_date = run.file_date
    try:
        with transaction.atomic(), recorded_as(run.history_actor):
            if run.format in SOURCE_FORMATS:
                importer = SourceImport(
                    SOURCE_FORMATS[run.format](), run=run, report=report, file_date=file_date
                )
            else:
                importer = RegistryCsvImport(report=report)
            importer.run(bytes(run.content))
            # Rows the CSV reader could not read were reported as it met them, before the others.
            report.rows.sort(key=lambda row: row.line)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except FileProblem as problem:
        return _finish(run, status=ImportStatus.FAILED, error=problem.message)
    except Exception:
        logger.exception("Import %s failed", run.pk)
        _finish(
            run,
            status=ImportStatus.FAILED,
            error=(gettext_noop("Erreur inattendue : rien n'a été importé."), {}),
        )
        raise
    _finish(run, status=ImportStatus.ANALYSED if dry_run else ImportStatus.DONE, report=report)
    return report


def _finish(
    run: ImportRun, *, status: str, report: ImportReport | None = None, error: Message | None = None
) -> None:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    run.report = report.to_json() if report is not None else None
    run.save(update_fields=["status", "error", "finished_at", "report"])


def import_file(
    *, format: str, content: bytes, file_name: str, dry_run: bool = False, file_date: date | None = None
) -> tuple[ImportRun, ImportReport | None]:
    """Import a file now, in this process (the command line, the demo loader)."""
    run = ImportRun.objects.create(
        format=format,
        file_name=file_name,
        content=content,
        file_date=file_date,
        status=ImportStatus.ANALYSING if dry_run else ImportStatus.QUEUED,
    )
    return run, execute(run, dry_run=dry_run)


@transaction.atomic
def start_analysis(
    *, format: str, content: bytes, file_name: str, user: AbstractBaseUser, file_date: date | None = None
) -> ImportRun:
    """Store an uploaded file and queue its analysis (a dry run); staff confirm the import afterwards."""
    run = ImportRun.objects.create(
        format=format, file_name=file_name, content=content, file_date=file_date, created_by=user
    )
    run_import.enqueue(run.pk, dry_run=True)
    return run


@transaction.atomic
def confirm_import(*, run: ImportRun) -> ImportRun:
    """Queue the import of a file whose analysis staff have read."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportStatus.ANALYSED:
        raise ValueError(f"Import {run.pk} is {run.status}, not analysed.")
    run.status = ImportStatus.QUEUED
    run.save(update_fields=["status"])
    run_import.enqueue(run.pk, dry_run=False)
    return run


def load_public_sources(*, again: bool = False) -> list[tuple[str, ImportReport | None]]:
    """Import the shipped copies of the public sources; a copy already imported as it is is left alone
    unless `again`. Returns each file's name and report (None when it was left alone)."""
    reports = []
    for format, name, file_date in PUBLIC_SOURCES:
        content = (SOURCES_DIR / name).read_bytes()
        last = (
            ImportRun.objects.filter(format=format, status=ImportStatus.DONE)
            .order_by("-created_at", "-pk")
            .values_list("content", flat=True)
            .first()
        )
        if not again and last is not None and bytes(last) == content:
            reports.append((name, None))
            continue
        run, report = import_file(format=format, content=content, file_name=name, file_date=file_date)
        if report is None:
            raise RuntimeError(f"{name}: {render(run.error)}")
        reports.append((name, report))
    return reports


@job(label=gettext_lazy("Import d'un fichier de sources"))
def run_import(run_id: int, *, dry_run: bool) -> None:
    """Analyse (dry run) or import an ImportRun's file; a job finding the run already done does nothing."""
    run = ImportRun.objects.filter(pk=run_id).first()
    expected = ImportStatus.ANALYSING if dry_run else ImportStatus.QUEUED
    if run is None or run.status != expected:
        return
    execute(run, dry_run=dry_run)
