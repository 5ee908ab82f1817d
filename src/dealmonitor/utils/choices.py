"""`get_FOO_display()` without rebuilding the field's choices on every call.

Django's own version turns all of a field's choices into a new dictionary each time it is
called: some 50 microseconds for a status or a phase, fourteen times on a deal page (issue
20, item 2). A model with `ChoiceLabels` among its bases builds that dictionary once per
field and process. The labels stay lazy translations, so each call still answers in the
language of the request. Fields whose choices are a callable (worked out anew every time)
keep Django's behaviour.
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS = {}


def _labels(field):
    labels = _LABELS.get(field)
    if labels is None:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        _LABELS[field] = labels
    return labels


def _fixed(field):
    """True when the field's choices are a fixed list, not a callable."""
    return isinstance(field.choices, (list, tuple))


class ChoiceLabels:
    """Put before models.Model among a model's bases."""

    def _get_FIELD_display(self, field):
        if not _fixed(field):
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)
