"""Form rendering with NL Design System (Utrecht) markup.

`settings.FORM_RENDERER` points at `NLDesignFormRenderer`, so every Django form
(`{{ form }}`, `{{ form.field.as_field_group }}`) is rendered through the
templates in `ui/templates/ui/forms/`, and every widget gets the Utrecht
classes that style it.
"""

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template.exceptions import TemplateDoesNotExist
from django.utils.functional import cached_property

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


class NLDesignBoundField(BoundField):
    """A BoundField that adds the Utrecht classes to the widget it renders.

    Django itself already sets `aria-invalid="true"` on a field with errors and
    `aria-describedby` pointing at `<auto_id>_helptext` and `<auto_id>_error`: the
    ids that `ui/forms/field.html` gives the help text and the error list.
    """

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
