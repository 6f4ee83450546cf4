"""django-tasks' `db_worker`, which also tells other workers that it lives and, when it starts, takes up
the jobs of the workers that were killed in their middle (jobs/lifeline.py)."""

from django_tasks_db.management.commands import db_worker

from jobs.lifeline import alive, rescue_abandoned


class Command(db_worker.Command):
    def handle(self, *args, worker_id: str, **options) -> None:
        with alive(worker_id):
            rescue_abandoned()
            super().handle(*args, worker_id=worker_id, **options)
