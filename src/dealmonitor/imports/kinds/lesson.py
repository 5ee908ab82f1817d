"""The sheet Leerervaringen: lessons with the indicators and bottlenecks they concern; its
columns, what an import writes and the rows an export gives. The checks are in
imports/checking/lesson.py. A lesson is known by deal, title and the date it was learned."""

from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.constants import Phase
from dealmonitor.deals.models import Theme
from dealmonitor.impact.models import Indicator
from dealmonitor.learning import services as learning_services
from dealmonitor.learning.constants import LessonKind, Visibility
from dealmonitor.learning.models import Bottleneck
from dealmonitor.utils.text_limits import LONG_TEXT

from .base import CHOICE, DATE, DEAL_ID, EXAMPLE, LIST, REASON, TEXT, Column, SheetKind, same, yes

LESSONS = SheetKind("lessons", "Leerervaringen", _("Lessons"), [
    DEAL_ID,
    Column("titel", _("title of the lesson"), TEXT, True, aliases=("title",), max_length=300),
    Column("datum", _("date the lesson was learned"), DATE, True, aliases=("date", "learned on")),
    Column("soort", _("kind of lesson"), CHOICE, True, choices=LessonKind, aliases=("kind",)),
    Column("fase", _("phase of the deal"), CHOICE, choices=Phase, aliases=("phase",)),
    Column("les", _("the lesson"), TEXT, True, aliases=("lesson", "tekst", "text"),
           max_length=LONG_TEXT),
    Column("themas", _("themes, separated by semicolons"), LIST, aliases=("themes", "thema's")),
    Column("tags", _("tags, separated by commas"), TEXT, max_length=500),
    Column("zichtbaarheid", _("visible to"), CHOICE, choices=Visibility,
           aliases=("visibility", "zichtbaar voor")),
    Column("indicatoren", _("names of the deal's indicators it concerns, separated by semicolons"),
           LIST, aliases=("indicators",)),
    Column("knelpunten", _("titles of the deal's bottlenecks it concerns, separated by semicolons"),
           LIST, aliases=("bottlenecks",)),
    EXAMPLE,
])

KINDS = (LESSONS,)


def rows(scope):
    """Lessons with the indicators and bottlenecks they concern (only bottlenecks the export
    holds, so that the file refers to nothing outside it)."""
    shown = set(scope.bottlenecks.values_list("pk", flat=True))
    for lesson in scope.lessons.select_related("deal").prefetch_related(
            "themes", "indicators", "bottlenecks").order_by("deal__slug", "learned_on", "id"):
        yield {"deal_id": lesson.deal.slug, "titel": lesson.title, "datum": lesson.learned_on,
               "soort": lesson.kind, "fase": lesson.phase, "les": lesson.text,
               "themas": "; ".join(sorted(t.name for t in lesson.themes.all())), "tags": lesson.tags,
               "zichtbaarheid": lesson.visibility,
               "indicatoren": "; ".join(sorted(i.name for i in lesson.indicators.all())),
               "knelpunten": "; ".join(sorted(b.title for b in lesson.bottlenecks.all() if b.pk in shown)),
               "voorbeeld": yes(lesson.is_example)}


EXPORTS = ((LESSONS, rows),)


def write(w):
    for (deal_slug, _title, _date), item in w.plan.lessons.items():
        d = w.deal(deal_slug)
        themes = [Theme.objects.get_or_create(name=name)[0] for name in item["themes"]]
        linked = [w.indicators.get((deal_slug, name)) or Indicator.objects.get(deal=d, name=name)
                  for name in item["indicators"]]
        blocking = [w.bottlenecks.get(key) or Bottleneck.objects.get(deal=d, title=key[1], signalled_on=key[2])
                    for key in item["bottlenecks"]]
        lesson = item["existing"]
        if lesson is not None and same(lesson, item["fields"]) and (
            {t.pk for t in themes} == set(lesson.themes.values_list("pk", flat=True))
            and {i.pk for i in linked} == set(lesson.indicators.values_list("pk", flat=True))
            and {b.pk for b in blocking} == set(lesson.bottlenecks.values_list("pk", flat=True))
        ):
            w.step()
            continue  # unchanged: no history entry
        learning_services.save_lesson(actor=w.actor, deal=d, lesson=lesson, themes=themes,
                                      indicators=linked, bottlenecks=blocking, reason=REASON,
                                      **item["fields"])
        w.step()
