"""The deal page's list of partners, built in Python.

A deal has 8 to 120 partners; through the template engine each cost a `reverse()` for its
organisation's link, two `blocktranslate`s, a choice label and a dozen variable lookups: the
largest part of the page's own time at scale L (docs/performance.md, "Issue 20 item 2").
`PartnerList` gives the same HTML as the loop in deals/deal_detail.html did, character for
character (`deals/tests/test_deal_html.py` compares the two): every text escaped as the
template escaped it, labels translated and the address reversed once per page.
"""

import functools
import re

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dealmonitor.ui.reversing import SlugAddresses
from dealmonitor.ui.templatetags.sources import sources_inline

from .constants import Confidence, ParticipationKind

ITEM = (
    "\n      <li>\n"
    '        <a class="utrecht-link utrecht-link--html-a" href="{url}">{name}</a>{named}\n'
    "        \u2013 {kind}{role}{subtype}\n"
    "        {joined}\n"
    "        {confidence}\n"
    "        {note}\n"
    '        <span class="dm-sources">{sources}</span>\n'
    "      </li>\n    "
)


def _labels(choices):
    # str() first: escape() keeps a lazy label lazy, translated anew at every use
    return {value: escape(str(label)) for value, label in choices}


class PartnerList:
    """`partners(rows)`: the `<li>`s of one group of a deal's participations (organisation
    selected, `source_list` read: selectors.deal_detail). One per request: labels are in the active language."""

    def __init__(self):
        self.url = SlugAddresses("organisations:detail")
        self.kinds = _labels(ParticipationKind.choices)
        self.confidences = _labels(Confidence.choices)
        # the template's blocktranslates: the value escaped, not the translated text
        self.named_as = _("named in the source as %(name)s")
        self.joined = _("joined %(date)s")

    def __call__(self, rows):
        items = []
        for p in rows:
            organisation = p.organisation
            named = ""
            if p.name_in_source and p.name_in_source != organisation.name:
                named = ' <span class="dm-muted">(%s)</span>' % (
                    self.named_as % {"name": escape(p.name_in_source)})
            kind = self.kinds.get(p.kind)
            if kind is None:
                kind = escape(p.kind)
            joined = ""
            if p.joined_on:
                joined = '<span class="dm-muted">%s</span>' % (
                    self.joined % {"date": escape(localize(p.joined_on_display))})
            confidence = ""
            if p.confidence:
                label = self.confidences.get(p.confidence)
                confidence = '<span class="utrecht-status-badge utrecht-status-badge--neutral">%s</span>' % (
                    label if label is not None else escape(p.confidence))
            items.append(ITEM.format(
                url=escape(self.url(organisation.slug)),
                name=escape(organisation.name),
                named=named,
                kind=kind,
                role=": " + escape(p.role_description) if p.role_description else "",
                subtype=(' <span class="dm-muted">(%s)</span>' % escape(organisation.subtype)
                         if organisation.subtype else ""),
                joined=joined,
                confidence=confidence,
                note='<span class="dm-note">%s</span>' % escape(p.note) if p.note else "",
                sources=sources_inline(p.source_list),
            ))
        return mark_safe("".join(items))  # noqa: S308 - every value above is escaped


# The tabs of every page of one deal (deals/partials/deal_tabs.html): the view of each, the
# value of `current` that marks it as the page shown (None: never), and its label.
def _tabs():
    return [
        ("deals:detail", "deal", _("Deal")),
        ("deals:partners", "partners", _("Partners")),
        ("impact:pathway", "pathway", _("Impact pathway")),
        ("impact:effects", "effects", _("Effects")),
        ("impact:dashboard", "dashboard", _("Dashboard")),
        ("impact:indicators", "indicators", _("Indicators")),
        ("impact:performance", "performance", _("Performance table")),
        ("learning:deal", "learning", _("Learning")),
        ("learning:scaling_plan", "scaling_plan", _("Scaling plan")),
        ("areas:deal", "areas", _("Area")),
        ("ecosystem:deal", "ecosystem", _("Needs and offers")),
        ("connections:deal", "related", _("Related deals")),
        ("reports:deal_report", "report", _("Annual report")),
        ("reports:deal_workbook", None, _("Workbook (Excel)")),
    ]


TAB = '<li><a class="utrecht-link utrecht-link--html-a" href="{url}"{current}>{label}</a></li>'


def deal_tabs(deal, current, *, can_see_changes):
    """The `<nav>` of a deal's tabs, as deals/partials/deal_tabs.html wrote it with fifteen
    `{% url %}`s and `translate`s (`deals/tests/test_deal_html.py` compares the two). The
    markup is the same for every deal but for its identifier in the addresses: it is made
    once per process for each tab shown as current, language, script prefix and URL
    configuration, with a placeholder identifier put in by each page (an identifier other than
    letters, digits, hyphens and underscores, which `reverse()` would encode, gets its own)."""
    if not _PLAIN_SLUG.fullmatch(deal.slug):
        return _deal_tabs(deal.slug, current, can_see_changes)
    markup = _tabs_with_placeholder(current, bool(can_see_changes), get_language(),
                                    get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return mark_safe(markup.replace(_TABS_PLACEHOLDER, deal.slug))  # noqa: S308 - a plain slug


_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_TABS_PLACEHOLDER = "dm-tabs-placeholder-0"


@functools.lru_cache(maxsize=256)
def _tabs_with_placeholder(current, can_see_changes, language, script_prefix, urlconf):
    """The tabs of a deal whose identifier is the placeholder. The arguments after
    `can_see_changes` are what the labels and addresses depend on; they are the key only."""
    return str(_deal_tabs(_TABS_PLACEHOLDER, current, can_see_changes))


@receiver(setting_changed)
def _forget_tabs(setting, **kwargs):
    """A test that changes the URL configuration or the languages changes the tabs."""
    if setting in {"ROOT_URLCONF", "LANGUAGE_CODE", "LANGUAGES", "LOCALE_PATHS"}:
        _tabs_with_placeholder.cache_clear()


def _deal_tabs(slug, current, can_see_changes):
    tabs = _tabs()
    if can_see_changes:
        tabs.append(("deals:change_log", "changes", _("Change log")))
    items = [
        TAB.format(url=escape(SlugAddresses(view)(slug)),
                   current=' aria-current="page"' if name is not None and name == current else "",
                   label=escape(label))
        for view, name, label in tabs
    ]
    last = items.pop() if can_see_changes else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        '<nav aria-label="%s" class="dm-toc dm-deal-tabs">\n  <ul>\n    %s\n    %s\n  </ul>\n</nav>\n'
        % (escape(_("Deal sections")), "\n    ".join(items), last))


def fact_sources(fact):
    """What the deal page says of a fact's provenance (its date, confidence and note), as the
    include deals/partials/fact_sources.html wrote it (its line break included)."""
    if not fact:
        return "\n"
    parts = []
    if fact.as_of:
        parts.append('<span class="dm-muted">%s</span>' % (
            _("as of %(date)s") % {"date": conditional_escape(localize(fact.as_of_display))}))
    if fact.confidence:
        parts.append(' <span class="utrecht-status-badge utrecht-status-badge--neutral">%s</span>'
                     % conditional_escape(fact.get_confidence_display()))
    if fact.note:
        parts.append('<span class="dm-note">%s</span>' % conditional_escape(fact.note))
    return mark_safe("".join(parts) + "\n")  # noqa: S308 - every value above is escaped


BAR = (
    '\n      <div class="dm-bar-chart__row" aria-hidden="true">\n'
    '        <span class="dm-bar-chart__label">{label}</span>\n'
    '        <span class="dm-bar-chart__track"><span class="dm-bar" style="--value: {percent}%">'
    "</span></span>\n"
    '        <span class="dm-bar-chart__value">{count}</span>\n'
    "      </div>\n    "
)


def bar_chart(bars, chart_label):
    """A bar chart of `bars` ({label, count, percent}: selectors._bars) with `chart_label` as
    its text alternative, as the include deals/partials/bar_chart.html wrote it."""
    def text(value):
        return conditional_escape(localize(value))

    label = text(chart_label)
    rows = [(text(bar["label"]), text(bar["count"]), text(bar["percent"])) for bar in bars]
    return mark_safe(  # noqa: S308 - every value above is escaped
        '\n<figure class="dm-chart">\n'
        '  <div class="dm-bar-chart" role="img" aria-label="%s: %s">\n    %s\n  </div>\n'
        '  <figcaption class="utrecht-paragraph">%s</figcaption>\n</figure>\n' % (
            label,
            ", ".join(f"{name} {count}" for name, count, _p in rows),
            "".join(BAR.format(label=name, count=count, percent=percent)
                    for name, count, percent in rows),
            label))
