"""Form rendering with NL Design System (Utrecht) markup.

`settings.FORM_RENDERER` points at `NLDesignFormRenderer`, so every Django form
(`{{ form }}`, `{{ form.field.as_field_group }}`) is rendered through the
templates in `ui/templates/ui/forms/`, and every widget gets the Utrecht
classes that style it.
"""

import datetime as dt
import functools
import uuid
from decimal import Decimal
from pathlib import Path

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template.exceptions import TemplateDoesNotExist
from django.utils.functional import cached_property
from django.utils import formats
from django.utils.html import conditional_escape, escape
from django.utils import translation
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

from .concurrency import ONE_TIME_FIELD

# Widget class -> Utrecht classes for the HTML control itself. Checked in order,
# so subclasses must come before their bases (e.g. CheckboxInput before Input).
_WIDGET_CLASSES = (
    (widgets.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (widgets.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    # RadioSelect/CheckboxSelectMultiple put their attrs on the wrapping <div> as well as
    # on each option, so a control class would style the <div> too: native look instead.
    (widgets.RadioSelect, ""),
    (widgets.CheckboxSelectMultiple, ""),
    (widgets.Select, "utrecht-select utrecht-select--html-select"),
    (widgets.FileInput, ""),
    (widgets.HiddenInput, ""),
    (widgets.Input, "utrecht-textbox utrecht-textbox--html-input"),
)


def utrecht_classes_for(widget):
    """The Utrecht CSS classes for a widget's control ('' when none apply).

    A MultiWidget passes its attrs on to every sub-widget, so it gets classes only
    when all its sub-widgets want the same ones (e.g. SplitDateTimeWidget).
    """
    if isinstance(widget, widgets.MultiWidget):
        found = {utrecht_classes_for(sub) for sub in widget.widgets}
        return found.pop() if len(found) == 1 else ""
    for widget_class, classes in _WIDGET_CLASSES:
        if isinstance(widget, widget_class):
            return classes
    return ""


def input_type_of(widget):
    """The `type` the widget's <input> gets in HTML (`attrs={"type": "date"}` included)."""
    if not isinstance(widget, widgets.Input):
        return None
    return (widget.attrs.get("type") or widget.input_type or "text").lower()


def plain_number(value):
    """A number as HTML's "valid floating-point number": '.' as the decimal mark, no
    thousands separators, no exponent, trailing zeros trimmed (12.0000 -> 12)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    if not value.is_finite():
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def html_input_value(input_type, value):
    """A Python value as the one format HTML allows for an input of `input_type`, whatever
    the language of the page; None when the type has no fixed format (or the value is text
    already, e.g. what the user typed, which is shown back as it was).

    Django formats dates and numbers for the active language (Dutch: 11-03-2021, 12,5), which
    suits a text box but not a date or number input: a browser cannot hold such a value, shows
    an empty field and submits it empty, so the next save would erase it.
    """
    if value is None or isinstance(value, str):
        return None
    if input_type == "date" and isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if input_type == "datetime-local" and isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
    if input_type == "time" and isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if input_type in ("number", "range") and isinstance(value, (int, float, Decimal)) \
            and not isinstance(value, bool):
        return plain_number(Decimal(value) if isinstance(value, int) else value)
    return None


class NLDesignBoundField(BoundField):
    """A BoundField that adds the Utrecht classes to the widget it renders, and gives date,
    time and number inputs their value in the format HTML requires (`html_input_value`):
    the one place that keeps every form of the site from erasing what it shows.

    Django itself already sets `aria-invalid="true"` on a field with errors and
    `aria-describedby` pointing at `<auto_id>_helptext` and `<auto_id>_error`: the
    ids that `ui/forms/field.html` gives the help text and the error list.
    """

    def value(self):
        value = super().value()
        formatted = html_input_value(input_type_of(self.field.widget), value)
        return value if formatted is None else formatted

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        classes = utrecht_classes_for(widget or self.field.widget)
        if classes:
            existing = attrs.get("class") or (widget or self.field.widget).attrs.get("class") or ""
            attrs["class"] = " ".join(dict.fromkeys(f"{existing} {classes}".split()))
        return attrs


class NLDesignFormRenderer(TemplatesSetting):
    """Render forms with the project's template settings and Utrecht markup.

    Templates are looked up through `settings.TEMPLATES` first (so the project can
    override any of them); Django's own form and widget templates
    (`django/forms/...`) are found even when `django.forms` is not in
    INSTALLED_APPS, by falling back to the built-in renderer's template engine.
    """

    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"
    bound_field_class = NLDesignBoundField

    @cached_property
    def _builtin_renderer(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._builtin_renderer.get_template(template_name)

    @cached_property
    def _django_selects(self):
        """Whether the select templates are Django's own (a project's own would be bypassed
        by `select_html`)."""
        import django

        own = Path(django.__file__).parent / "forms"
        return all(Path(self.get_template(name).origin.name).is_relative_to(own)
                   for name in (SELECT, SELECT_OPTION, ATTRS))

    def render(self, template_name, context, request=None):
        if template_name == SELECT and self._django_selects:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)


# Django's select, its options and their attributes, written by `select_html` as these write them.
SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
ATTRS = "django/forms/widgets/attrs.html"


def _text(value):
    """`{{ value|stringformat:'s' }}` in a template: the value as text, escaped unless safe."""
    text = "%s" % value
    return text if isinstance(value, SafeData) else escape(text)


def _attrs_html(attrs):
    return "".join(
        " %s" % escape(name) if value is True else ' %s="%s"' % (escape(name), _text(value))
        for name, value in attrs.items() if value is not False)


def select_html(widget):
    """A select widget's HTML as Django's templates write it (ui/tests/test_select_html.py
    holds them equal), without two template includes per option: the reporting organisation
    of a deal with 121 partners took 2,750 template steps. None for options of a template of
    their own."""
    parts = ['<select name="%s"%s>' % (escape(widget["name"]), _attrs_html(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append('\n  <optgroup label="%s">' % conditional_escape(group_name))
        for option in options:
            if option["template_name"] != SELECT_OPTION:
                return None
            label = option["label"]
            if not isinstance(label, str):  # a template localises what is not text
                label = formats.localize(label)
            parts.append('\n  <option value="%s"%s>%s</option>\n' % (
                _text(option["value"]), _attrs_html(option["attrs"]), conditional_escape(label)))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def add_service_errors(form, exc):
    """Show a service's ValidationError on the form: at its field where the form has one,
    above the form otherwise (the one way every page does it)."""
    if hasattr(exc, "message_dict"):
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class SearchableCheckboxSelectMultiple(widgets.CheckboxSelectMultiple):
    """Many checkboxes (the 61 themes) as a scrollable list with, when JavaScript runs, a
    search box that narrows it as you type (`ui/static/ui/multiselect.js`). Without
    JavaScript it is an ordinary list of checkboxes: progressive enhancement."""

    template_name = "ui/forms/widgets/searchable_multiple.html"

    def get_context(self, name, value, attrs):
        from django.utils.translation import gettext

        context = super().get_context(name, value, attrs)
        context["widget"].update({
            "search_label": gettext("Search the list"),
            # "%(n)s" is filled in by the script
            "chosen_label": gettext("%(n)s chosen"),
            "none_label": gettext("Nothing matches."),
        })
        return context


class BlankFormsByPrefix:
    """A blank (unbound) form rendered once and handed out under many prefixes.

    A page that offers the same small form for each item of a list (confirm this suggestion,
    dismiss that one) would otherwise run the form templates once per item. A blank form's
    HTML depends on its prefix and the language only, so it is rendered once per process and
    language with Django's own placeholder prefix (the one formsets use for their empty form)
    and the placeholder is replaced by each item's prefix. Prefixes are escaped; a bound form (with the user's input and its
    errors) is always rendered on its own.
    """

    PLACEHOLDER = "__prefix__"

    def __init__(self, form_class):
        self._html = _blank_form_html(form_class, get_language())

    def __call__(self, prefix):
        return _RenderedBlankForm(self._html.replace(self.PLACEHOLDER, escape(prefix)))


@functools.lru_cache(maxsize=64)
def _blank_form_html(form_class, language, initial=(), prefix=BlankFormsByPrefix.PLACEHOLDER):
    """A blank form's HTML in one language (and with these initial values, as pairs): the
    same for every request the process serves (a form that varies per request, with choices
    from the database, does not belong here)."""
    with translation.override(language):
        return str(form_class(prefix=prefix, initial=dict(initial)))


# The one-time token a blank form is rendered with once, replaced by a new one per page.
_TOKEN_PLACEHOLDER = uuid.UUID(int=0)


def blank_guarded_form(form_class, **initial):
    """A blank form that creates a row (ui.concurrency.GuardedFormMixin, with its one-time
    token), rendered once per process, language and initial values and handed out with a
    token of its own: the deal page offers the phase form on every view, and Django's
    template-based form rendering was a tenth of that page's time. The initial values must
    be hashable (a date, a number, text)."""
    pairs = tuple(sorted({**initial, ONE_TIME_FIELD: _TOKEN_PLACEHOLDER}.items()))
    html = _blank_form_html(form_class, get_language(), pairs, prefix=None)
    return _RenderedBlankForm(html.replace(str(_TOKEN_PLACEHOLDER), str(uuid.uuid4())))


class _RenderedBlankForm(SafeString):
    is_bound = False
