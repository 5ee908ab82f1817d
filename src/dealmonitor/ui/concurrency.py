"""Lost updates and double submits, handled in one place for every form of the site.

**Edit forms** (`GuardedFormMixin` on a form that changes an existing row) carry the row's
version in a hidden field: the id of its latest history entry (django-simple-history; every
domain model has one), or a hash of its values for a model without history. When the form is
cleaned, the row is read again, locked (`select_for_update`, inside the transaction that
`guarded_post` opens for the POST, so no other save can come between the check and the
service's write) and its version compared with the one the form was rendered with. A stale
form is refused: the user's input stays in the form, a message says that someone else changed
the row meanwhile, and each field that differs shows the value saved now. The hidden version
is moved to the current one, so saving again keeps the user's version on purpose.

**Create forms** carry a one-time token (a UUID per rendered form). `guarded_post` records
the token in `FormSubmission` in the same transaction as the view's write; its primary key
lets only one post of a form store anything, even when two arrive at the same moment (the
second insert waits for the first transaction, then fails). A repeated post is sent where the
first one led, with a message, and stores nothing.

The API does the same for updates with ETag and If-Match (api/generic.py).
"""

import hashlib
import uuid
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

VERSION_FIELD = "row_version"
ONE_TIME_FIELD = "form_token"

STALE_MESSAGE = _(
    "Someone else changed this while you were editing it. Your input is still in the form; "
    "where the saved values now differ, they are shown with the field. Check them, and save "
    "again to keep your version."
)


def row_version(row):
    """The version of a saved row: its latest history entry's id, or a hash of its values."""
    if row is None or row.pk is None:
        return ""
    history = getattr(type(row), "history", None)
    if history is not None and hasattr(history, "model"):
        latest = (history.model._default_manager.filter(**{row._meta.pk.attname: row.pk})
                  .order_by("-history_id").values_list("history_id", flat=True).first())
        if latest is not None:
            return f"h{latest}"
    values = [(f.attname, getattr(row, f.attname)) for f in row._meta.concrete_fields]
    return "v" + hashlib.sha256(repr(values).encode()).hexdigest()[:20]


def rows_version(queryset):
    """The version of a set of rows (e.g. an indicator's targets): changes when any row is
    added, changed or removed."""
    parts = [(type(row).__name__, row.pk, row_version(row)) for row in queryset.order_by("pk")]
    return "s" + hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def lock_row(row):
    """The row as saved now; locked until the transaction ends when there is one."""
    rows = type(row)._default_manager.filter(pk=row.pk)
    if connection.in_atomic_block and connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.first()


def set_is_stale(sent, queryset, *, lock):
    """For a hand-written form over a set of rows (an indicator's targets): True when the rows
    changed since the form was rendered with version `sent`. Locks `lock` (the rows' parent)
    first, so two saves of the set cannot cross. No version sent: not stale (a client that
    never saw the form)."""
    if not sent:
        return False
    lock_row(lock)
    return sent != rows_version(queryset)


def _display(field, value):
    if value in (None, "", []):
        return "–"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(o) for o in field.queryset.filter(pk__in=value)) or "–"
    if isinstance(field, forms.ModelChoiceField):
        found = field.queryset.filter(pk=value).first()
        return str(found) if found else "–"
    if isinstance(field, forms.BooleanField):
        return gettext("yes") if value else gettext("no")
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(k): v for k, v in choices}
        return str(labels.get(str(value), value))
    if hasattr(value, "isoformat"):
        from django.utils import formats

        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


class GuardedFormMixin:
    """For every form that writes: a hidden version on a form that edits a row, a hidden
    one-time token on a form that creates one. Put it first among the bases.

    The row is the ModelForm's instance (when saved); a form that edits another row, or a
    set of rows, overrides `guarded_row()` (and `saved_values()`) or passes `guarded_row=`.
    A form that writes nothing (a search, a filter) does not use the mixin."""

    def __init__(self, *args, guarded_row=None, **kwargs):
        super().__init__(*args, **kwargs)
        if guarded_row is not None:
            self._guarded_row = guarded_row
        row = self.guarded_row()
        if row is not None and row.pk is not None:
            self.fields[VERSION_FIELD] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=self.current_version(row))
        else:
            self.fields[ONE_TIME_FIELD] = forms.UUIDField(
                required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

    def guarded_row(self):
        row = getattr(self, "_guarded_row", None)
        if row is None:
            row = getattr(self, "instance", None)
        return row

    def current_version(self, row):
        return row_version(row)

    def saved_values(self, row):
        """The current value of each of the form's fields, by field name."""
        return model_to_dict(row, fields=list(self.fields))

    def _clean_form(self):
        super()._clean_form()
        # The guard's own fields are no data for the service.
        for name in (VERSION_FIELD, ONE_TIME_FIELD):
            getattr(self, "cleaned_data", {}).pop(name, None)
        if VERSION_FIELD not in self.fields:
            return
        key = self.add_prefix(VERSION_FIELD)
        sent = self.data.get(key)
        if not sent:  # a client that never saw the form (older scripts, tests of the service)
            return
        row = self.guarded_row()
        current_row = lock_row(row)
        if current_row is None:
            return  # deleted meanwhile: the service says what it says about that
        current = self.current_version(current_row)
        if sent == current:
            return
        saved = self.saved_values(current_row)
        differing = {}
        for name, field in self.fields.items():
            if name in (VERSION_FIELD, ONE_TIME_FIELD) or name not in saved or field.disabled:
                continue
            try:
                differs = field.has_changed(saved[name], self[name].data)
            except (TypeError, ValueError):
                differs = True
            if differs:
                differing[name] = saved[name]
        if not differing:
            # The row as saved now is what this form says (the same form sent twice, or the
            # same change made by two people): nothing of anyone's is lost by saving.
            return
        self.add_error(None, forms.ValidationError(STALE_MESSAGE, code="stale"))
        for name, value in differing.items():
            message = gettext("Saved meanwhile: %(value)s") % {"value": _display(self.fields[name], value)}
            if name in self.errors:
                self.errors[name].append(message)
            else:
                self.add_error(name, forms.ValidationError(message, code="stale"))
        # Saving again is a deliberate choice for the user's version.
        data = self.data.copy()
        data[key] = current
        self.data = data


def _posted_token(request):
    for key, value in request.POST.items():
        if key == ONE_TIME_FIELD or key.endswith("-" + ONE_TIME_FIELD):
            try:
                return uuid.UUID(value)
            except (TypeError, ValueError):
                return None
    return None


def _forget_old_tokens():
    """Tokens older than FORM_TOKEN_DAYS are removed when a new one is stored (the table holds
    one row per create form sent, so it stays small); a form left open longer than that and
    then sent twice stores two rows."""
    import datetime as dt

    from django.utils import timezone

    from .models import FormSubmission

    cutoff = timezone.now() - dt.timedelta(days=settings.FORM_TOKEN_DAYS)
    FormSubmission.objects.filter(created_at__lt=cutoff).delete()


def guarded_post(view):
    """Run a POST to `view` in one transaction, so the version check of an edit form (which
    locks the row) and the service's write cannot be separated, and record the one-time token
    of a create form: a second post of the same form stores nothing and is sent where the
    first one led."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        token = _posted_token(request)
        user = request.user if request.user.is_authenticated else None
        with transaction.atomic():
            if token is not None:
                try:
                    with transaction.atomic():
                        from .models import FormSubmission

                        FormSubmission.objects.create(token=token, user=user)
                        _forget_old_tokens()
                except IntegrityError:
                    from .models import FormSubmission

                    first = FormSubmission.objects.filter(token=token).first()
                    messages.info(request, gettext(
                        "This form had already been sent; it was saved once, not again."))
                    return redirect(first.location if first and first.location else request.get_full_path())
            response = view(request, *args, **kwargs)
            if token is not None:
                from .models import FormSubmission

                location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
                if location and not location.startswith(reverse(settings.LOGIN_URL)):
                    FormSubmission.objects.filter(token=token).update(location=location)
                else:
                    # Nothing was stored (errors shown, or sent to sign in): the form may be sent again.
                    FormSubmission.objects.filter(token=token).delete()
        return response

    wrapped.guards_posts = True  # for the test that every page with a create form is guarded
    return wrapped
