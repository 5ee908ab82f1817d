import pytest


@pytest.fixture
def related_data(demo_data):
    """The demo data with the related-deals lists built, as `dealmonitor related --rebuild`."""
    from dealmonitor.connections import services

    services.rebuild_suggestions(actor=None)
    return demo_data


@pytest.fixture
def team_member(db, django_user_model):
    """A user in the team of the City Deal Health Hub (once the demo data is loaded)."""
    from dealmonitor.accounts.models import DealMembership
    from dealmonitor.deals.models import Deal

    def make(slug="cd-health-hub", username="projectleider"):
        user = django_user_model.objects.create_user(username=username,
                                                     password="een-lang-wachtwoord-42")
        DealMembership.objects.create(user=user, deal=Deal.objects.get(slug=slug), role="team")
        return user

    return make


@pytest.fixture
def queue(settings):
    """Related-deal updates queued, not run: the dummy task backend keeps what is enqueued
    (and shows a task carries only JSON); nothing is left waiting for the next test."""
    from django_tasks import task_backends

    from dealmonitor.connections import signals

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.CONNECTIONS_AUTO_UPDATE = True
    settings.RELATED_UPDATE_DELAY = 10
    backend = task_backends["default"]
    backend.clear()
    yield backend
    signals._pending.ids = set()
