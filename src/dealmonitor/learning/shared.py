"""What the learning app lets other apps read of a deal's learning: the texts of lessons the
whole programme may read and of bottlenecks, with the rule a bottleneck names. Registered in
`LearningConfig.ready()` (deals/registry.py `shared_texts`); the related-deals engine of
`connections` reads it there, without importing this app. Rows flagged as examples (invented
to show a feature in the demo) are left out: their words say nothing about the deal."""

from .constants import Visibility
from .models import Bottleneck, Lesson


def programme_texts(deal_ids=None):
    """(deal_id, (texts...), regulation or "") for each lesson and bottleneck."""
    lessons = Lesson.objects.filter(visibility=Visibility.PROGRAMMA, is_example=False)
    bottlenecks = Bottleneck.objects.filter(is_example=False)
    if deal_ids is not None:
        lessons = lessons.filter(deal_id__in=deal_ids)
        bottlenecks = bottlenecks.filter(deal_id__in=deal_ids)
    for deal_id, title, text in lessons.values_list("deal_id", "title", "text").iterator(
            chunk_size=5000):
        yield deal_id, (title, text), ""
    for deal_id, title, description, rule in bottlenecks.values_list(
            "deal_id", "title", "description", "rule").iterator(chunk_size=5000):
        yield deal_id, (title, description), rule or ""
