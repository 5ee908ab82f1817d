"""get_FOO_display through ChoiceLabels (utils/choices.py): Django's answer, in the language
of the moment, without building the choices anew on every call."""

from unittest import mock

from django.utils import translation

from dealmonitor.deals.constants import Phase, RoleKind
from dealmonitor.deals.models import Deal, PhaseChange, Role
from dealmonitor.utils import choices


def test_the_label_in_the_language_of_the_moment_and_an_unknown_value_as_it_is():
    change = PhaseChange(phase=Phase.LEREN)
    with translation.override("en"):
        assert change.get_phase_display() == "learning and improving"
    with translation.override("nl"):
        dutch = change.get_phase_display()
    assert dutch != "learning and improving" and isinstance(dutch, str) and dutch
    assert PhaseChange(phase="onbekend").get_phase_display() == "onbekend"
    assert Deal(phase="").get_phase_display() == ""
    with translation.override("en"):
        assert Role(kind=RoleKind.PROJECTLEIDER).get_kind_display() == "project leader"


def test_the_choices_are_read_once_per_field():
    field = Role._meta.get_field("kind")
    choices._LABELS.pop(field, None)
    with mock.patch.object(type(field), "flatchoices", new_callable=mock.PropertyMock,
                           return_value=list(RoleKind.choices)) as read:
        for _ in range(3):
            Role(kind=RoleKind.DEALMAKER).get_kind_display()
    assert read.call_count == 1
    choices._LABELS.pop(field, None)
