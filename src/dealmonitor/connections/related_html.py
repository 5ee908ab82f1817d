"""The related-deals page's list of suggestions, built in Python.

Through the template engine each of the ten items cost three `reverse()`s, three
`{% csrf_token %}`s, a dozen `translate`s and some forty variable lookups, and its reasons and
its sentence on what the deals could learn were worked out twice (once for the `if`, once to
show them): about half of the page's own time at scale L (docs/performance.md, "Issue 20 item
2, pages"). `ItemList` gives the same HTML as the loop in connections/deal_related.html did,
character for character (`connections/tests/test_related_html.py` renders both and compares):
every text escaped as the template escaped it, labels translated and addresses reversed once
per page.
"""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dealmonitor.ui.reversing import SlugAddresses

ITEM = (
    '\n  <li class="utrecht-ordered-list__item dm-related__item" id="related-{slug}">\n'
    '    <h3 class="utrecht-heading-3"><a class="utrecht-link utrecht-link--html-a" '
    'href="{related_url}">{name}</a></h3>\n'
    '    <p class="dm-badges">\n'
    "      {confirmed}\n"
    "      {score}\n"
    '      <a class="utrecht-link utrecht-link--html-a" href="{deal_url}">{deal_page}'
    '<span class="sr-only"> {name}</span></a>\n'
    "    </p>\n"
    "    {learning}\n"
    "    {reasons}\n"
    "    {note}\n"
    "    {decide}\n"
    "  </li>\n  "
)

REASONS = (
    '\n    <ul class="utrecht-unordered-list">\n'
    "      {items}\n"
    "    </ul>\n    "
)

DECIDE = (
    '\n    <details class="dm-decide"{open}>\n'
    '      <summary>{summary}<span class="sr-only"> \u2013 {name}</span></summary>\n'
    '      <form method="post" action="{action}" class="dm-form">\n'
    "        {csrf}\n"
    "        {confirm_form}\n"
    '        <button type="submit" name="action" value="confirm" class="utrecht-button '
    'utrecht-button--primary-action">{confirm_label}</button>\n'
    "      </form>\n"
    "      {second}\n"
    "    </details>\n    "
)

DISMISS = (
    '\n      <form method="post" action="{action}" class="dm-form">\n'
    "        {csrf}\n"
    "        {dismiss_form}\n"
    '        <button type="submit" name="action" value="dismiss" class="utrecht-button '
    'utrecht-button--secondary-action">{dismiss_label}</button>\n'
    "      </form>\n      "
)

WITHDRAW = (
    '\n      <form method="post" action="{action}">\n'
    "        {csrf}\n"
    '        <button type="submit" name="action" value="withdraw" class="utrecht-button '
    'utrecht-button--subtle">{withdraw_label}</button>\n'
    "      </form>\n      "
)


_HUNDREDTH = Decimal("0.01")


def score_text(score, decimal_separator):
    """`score|floatformat:2` in the active language (`decimal_separator`, read once per
    page): Django's filter reads the language's formats at every call. Rounded as the filter
    rounds (the float's shortest decimal form, half up); a score it could group into
    thousands, or not a finite float, goes through the filter itself."""
    if type(score) is not float or not math.isfinite(score) or abs(score) >= 1000:
        return floatformat(score, 2)
    rounded = Decimal(repr(score)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return format(abs(rounded) if not rounded else rounded, "f").replace(".", decimal_separator)


class ItemList:
    """`items_html(items)`: the `<li>`s of the suggestions of `deal` (RelatedItems from
    `selectors.related_for_deal`, with `confirm_form` and `dismiss_form` when `can_decide`).
    One per request: labels are in the active language; `csrf_token` is the page's token."""

    def __init__(self, deal, *, can_decide, csrf_token=""):
        self.related_url = SlugAddresses("connections:deal")
        self.deal_url = SlugAddresses("deals:detail")
        self.can_decide = can_decide
        if can_decide:
            self.decide_url = SlugAddresses("connections:decide", key="other",
                                            kwargs={"slug": deal.slug})
            self.csrf = mark_safe(  # noqa: S308 - the token is escaped
                '<input type="hidden" name="csrfmiddlewaretoken" value="%s">' % escape(csrf_token))
        self.labels = {
            "confirmed": escape(_("Confirmed")),
            "score": escape(_("Score")),
            "deal_page": escape(_("Deal page")),
            "change": escape(_("Change or withdraw")),
            "confirm_or_dismiss": escape(_("Confirm or dismiss")),
            "confirm": escape(_("Confirm connection")),
            "dismiss": escape(_("Dismiss suggestion")),
            "withdraw": escape(_("Withdraw confirmation")),
        }
        self.decimal_separator = get_format("DECIMAL_SEPARATOR")

    def __call__(self, items):
        labels = self.labels
        out = []
        for item in items:
            other = item.other
            name = conditional_escape(other.name)
            confirmed = item.confirmed
            decision = item.decision
            learning = item.learning_text
            reasons = item.reason_texts
            out.append(ITEM.format(
                slug=escape(other.slug),
                related_url=escape(self.related_url(other.slug)),
                name=name,
                confirmed=(
                    '<span class="utrecht-status-badge utrecht-status-badge--success">%s: %s</span>'
                    % (labels["confirmed"], conditional_escape(decision.get_kind_display()))
                    if confirmed else ""),
                score=(
                    '<span class="utrecht-badge-data">%s: %s</span>'
                    % (labels["score"], conditional_escape(score_text(item.score, self.decimal_separator)))
                    if item.score is not None else ""),
                deal_url=escape(self.deal_url(other.slug)),
                deal_page=labels["deal_page"],
                learning=('<p class="utrecht-paragraph dm-learn">%s</p>' % conditional_escape(learning)
                          if learning else ""),
                reasons=REASONS.format(items="".join(
                    '<li class="utrecht-unordered-list__item">%s</li>' % conditional_escape(text)
                    for text in reasons)) if reasons else "",
                note=('<p class="utrecht-paragraph dm-note">%s</p>' % conditional_escape(decision.note)
                      if confirmed and decision.note else ""),
                decide=self._decide(item, name, confirmed) if self.can_decide else "",
            ))
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped

    def _decide(self, item, name, confirmed):
        labels = self.labels
        action = escape(self.decide_url(item.other.slug))
        if confirmed:
            second = WITHDRAW.format(action=action, csrf=self.csrf,
                                     withdraw_label=labels["withdraw"])
        else:
            second = DISMISS.format(action=action, csrf=self.csrf,
                                    dismiss_form=conditional_escape(item.dismiss_form),
                                    dismiss_label=labels["dismiss"])
        return DECIDE.format(
            open=" open" if item.confirm_form.is_bound or item.dismiss_form.is_bound else "",
            summary=labels["change"] if confirmed else labels["confirm_or_dismiss"],
            name=name,
            action=action,
            csrf=self.csrf,
            confirm_form=conditional_escape(item.confirm_form),
            confirm_label=labels["confirm"],
            second=second,
        )
