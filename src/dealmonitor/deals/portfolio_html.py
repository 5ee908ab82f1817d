"""The portfolio page's repeated markup, built in Python: the 50 rows of the deals table and
the options of the filter form's lists.

Through the template engine every row cost a context lookup per value, a `pgettext` per theme
and a `reverse()` per link, and every option of the filter lists two `stringformat` filters
and a fresh read of the submitted value: most of the page's own time at scale L
(docs/performance.md, "Issue 20 item 2"). The HTML is the same as the template's was,
character for character (`deals/tests/test_portfolio_html.py` renders both and compares):
every text is escaped as the template escaped it, labels are translated once per page, links
reversed once (ui/reversing.py).
"""

from django.forms.models import ModelChoiceIterator
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dealmonitor.ui.reversing import SlugAddresses

from . import selectors
from .constants import DealKind, DealStatus, Phase
from .models import theme_label

ROW = (
    '\n      <tr class="utrecht-table__row">\n'
    '        <th class="utrecht-table__header-cell" scope="row"><a class="utrecht-link '
    'utrecht-link--html-a" href="{url}">{name}</a></th>\n'
    '        <td class="utrecht-table__cell">{kind}</td>\n'
    '        <td class="utrecht-table__cell">{status}</td>\n'
    '        <td class="utrecht-table__cell">{phase}</td>\n'
    '        <td class="utrecht-table__cell">{themes}</td>\n'
    '        <td class="utrecht-table__cell utrecht-table__cell--numeric-column">\n'
    "          {partners}\n"
    "        </td>\n"
    "      </tr>\n    "
)


class _Labels(dict):
    """Escaped display labels of one set of choices, a stored value outside the choices shown
    as itself (as `get_FOO_display` does)."""

    def __init__(self, choices):
        # str() first: escape() keeps a lazy label lazy, translated anew at every use
        super().__init__((value, escape(str(label))) for value, label in choices)

    def __missing__(self, value):
        self[value] = text = escape(value)
        return text


class _Numbers(dict):
    """Counts as the template showed them (`localize`): a whole number below a thousand is its
    digits in every language (no separator to put in), so only larger ones go through
    Django's number formatting, which reads the active language's formats at every call."""

    def __missing__(self, value):
        if type(value) is int and -1000 < value < 1000:
            text = str(value)
        else:
            text = escape(localize(value))
        self[value] = text
        return text


def deal_rows(deals):
    """The `<tr>`s of the portfolio table for `deals` (from `selectors.portfolio_table`, with
    `theme_names`: `selectors.with_theme_names`), as the loop in
    deals/partials/portfolio_results.html wrote them."""
    url = SlugAddresses("deals:detail")
    kinds = _Labels(DealKind.choices)
    statuses = _Labels(DealStatus.choices)
    phases = _Labels(Phase.choices)
    numbers = _Numbers()
    themes = {}  # theme name -> its escaped label in the reader's language
    not_recorded = '<span class="dm-muted">%s</span>' % escape(_("not yet recorded"))
    listed = _("%(n)s listed")  # the template's blocktranslate: the number escaped, not the text
    rows = []
    for deal in deals:
        if deal.kind == DealKind.OTHER and deal.other_kind:
            kind = escape(deal.other_kind)
        else:
            kind = kinds[deal.kind]
        names = []
        for name in deal.theme_names:
            label = themes.get(name)
            if label is None:
                label = themes[name] = escape(theme_label(name))
            names.append(label)
        partners = numbers[deal.partner_total]
        if deal.partner_total != deal.listed_partners:
            partners += '<span class="dm-muted"> (%s)</span>' % (
                listed % {"n": numbers[deal.listed_partners]})
        rows.append(ROW.format(
            url=escape(url(deal.slug)),
            name=escape(deal.name),
            kind=kind,
            status=statuses[deal.status],
            phase=phases[deal.phase] if deal.phase else not_recorded,
            themes=", ".join(names),
            partners=partners,
        ))
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


def select_options(field):
    """The `<option>`s of one filter list (a bound field of the portfolio's filter form), the
    submitted value selected, the empty choice called "all", as portfolio.html wrote them."""
    current = _as_text(field.value())
    everything = escape(_("all"))
    options = []
    for value, label in _choices(field.field):
        text = _as_text(value)
        options.append('\n            <option value="%s"%s>%s</option>\n          ' % (
            escape(value),
            " selected" if text == current else "",
            everything if value == "" else escape(label),
        ))
    return mark_safe("".join(options))  # noqa: S308 - every value above is escaped


def read_theme_options(field, user):
    """Give the theme filter's field (a model choice field of themes by name, its queryset
    `selectors.themes_in_use(user)`) its options as plain names and labels read with one
    written-out query (`selectors.theme_names_in_use`), as `_choices` would list them, kept
    on the field as `read_choices` (django-filter's fields take no list as their choices);
    the field still checks a chosen theme against its queryset."""
    field.read_choices = _first_choices(field) + [
        (name, theme_label(name)) for name in selectors.theme_names_in_use(user)]


def _first_choices(field):
    first = []
    if field.empty_label is not None:
        first.append(("", field.empty_label))
    if getattr(field, "null_label", None) is not None:  # django-filter's "null" choice
        first.append((field.null_value, field.null_label))
    return first


def _choices(field):
    """`field.choices`; those of a model choice field (the themes) read with one plain query:
    its own iterator reads them with `.iterator()`, on PostgreSQL a server-side cursor
    (DECLARE, FETCH, CLOSE: three round trips for some thirty themes)."""
    read = getattr(field, "read_choices", None)
    if read is not None:
        return read
    choices = field.choices
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    return _first_choices(field) + [choices.choice(obj) for obj in choices.queryset]


def _as_text(value):
    """The template's `value|stringformat:"s"`."""
    try:
        return "%s" % (value,)
    except (ValueError, TypeError):
        return ""
