"""The reminder e-mails as a background task (decision 0007): `dealmonitor remind` queues one
task per run, a worker sends the mails, and a second run or a retry sends nothing twice."""

from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dealmonitor.workday import tasks
from dealmonitor.workday.models import SentNotification

from .conftest import TODAY, make_deal, member

pytestmark = pytest.mark.django_db

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def deal_with_two_reporters(user):
    deal, indicator, org = make_deal(1)
    member(user("leider"), deal, "team")
    member(user("partner"), deal, "partner", org)
    member(user("maker"), deal, "dealmaker")  # the dealmaker does not report: no reminder
    return deal


def run_worker():
    """A database worker in this process until the queue is empty. Django's connection
    check after each task would close the test's connection (its transaction is open), so
    it is left out here; the worker as a process of its own: test_worker_kill.py."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_command_queues_one_task_that_a_worker_sends(deal_with_two_reporters, settings, capsys):
    settings.TASKS = DB_QUEUE
    call_command("remind", "--date", TODAY.isoformat())
    assert "queued" in capsys.readouterr().out
    assert mail.outbox == []  # nothing sent by the command itself
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "dealmonitor.workday.tasks.send_reminders"
    assert queued.args_kwargs["kwargs"] == {"date": TODAY.isoformat(), "digest": False}

    run_worker()
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.return_value == {"reminders": 2, "digests": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["leider@example.org", "partner@example.org"]


def test_a_second_run_or_a_retry_sends_nothing_twice(deal_with_two_reporters, settings):
    settings.TASKS = DB_QUEUE
    tasks.send_reminders.enqueue(date=TODAY.isoformat())
    tasks.send_reminders.enqueue(date=TODAY.isoformat())  # cron fired twice
    run_worker()
    assert [r.return_value for r in DBTaskResult.objects.order_by("enqueued_at")] == [
        {"reminders": 2, "digests": 0}, {"reminders": 0, "digests": 0}]
    assert len(mail.outbox) == 2
    assert SentNotification.objects.count() == 2


def test_a_mail_the_server_refused_goes_out_on_the_next_run_once(deal_with_two_reporters):
    real_send = mail.EmailMessage.send

    def refuse_the_partner(message, *args, **kwargs):
        if message.to == ["partner@example.org"]:
            raise ConnectionRefusedError("mail server down")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", refuse_the_partner):
        first = tasks.send_reminders.enqueue(date=TODAY.isoformat())
    assert first.return_value == {"reminders": 1, "digests": 0}
    assert [m.to[0] for m in mail.outbox] == ["leider@example.org"]

    retry = tasks.send_reminders.enqueue(date=TODAY.isoformat())
    assert retry.return_value == {"reminders": 1, "digests": 0}
    assert [m.to[0] for m in mail.outbox] == ["leider@example.org", "partner@example.org"]


def test_the_command_can_send_without_a_worker(deal_with_two_reporters, settings, capsys):
    settings.TASKS = DB_QUEUE
    call_command("remind", "--date", TODAY.isoformat(), "--now")
    assert "2 reminder(s), 0 digest(s) sent." in capsys.readouterr().out
    assert not DBTaskResult.objects.exists()
    assert len(mail.outbox) == 2
