"""The import's background tasks (Django's task framework; docs/decisions/0007). Their
arguments are a job's id only, so any backend (the database, Celery) can carry them."""

from django_tasks import task

from . import jobs


@task()
def check_job(job_id):
    """Check an uploaded, mapped spreadsheet (imports/jobs.py `run_check`)."""
    jobs.run(job_id, "check")


@task()
def import_job(job_id):
    """Check again and write a checked spreadsheet, all or nothing (`run_import`)."""
    jobs.run(job_id, "import")
