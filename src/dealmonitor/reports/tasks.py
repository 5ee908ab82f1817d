"""The portfolio PDF as a background task (Django's task framework; decision 0007): at 10,000
deals it is more work than a request should do. The reports page starts it
(`pdf_jobs.start`); the task makes the PDF of the job (`pdf_jobs.run`) and stores it in the
media storage for its owner to download. Its argument is the job's id, so any backend can
carry it."""

from django_tasks import task

from . import pdf_jobs


@task()
def portfolio_pdf(job_id):
    """Make and store the PDF of PortfolioPdf `job_id`; returns the stored file's name."""
    return pdf_jobs.run(job_id)
