"""The old addresses of the learning pages of one row (before every page of a deal moved
under /deals/<slug>/, decision 0006): a permanent redirect, through the gateway."""

from django.urls import path

from dealmonitor.deals.moved import row_page

from .models import AssessmentRound, Bottleneck, Deliverable, Experiment, Lesson, Milestone

app_name = "learning_moved"

urlpatterns = [
    path("leren/lessen/<int:pk>/", row_page(Lesson, "lessen"), name="lesson"),
    path("leren/lessen/<int:pk>/<path:rest>", row_page(Lesson, "lessen"), name="lesson_page"),
    path("leren/knelpunten/<int:pk>/", row_page(Bottleneck, "knelpunten"), name="bottleneck"),
    path("leren/knelpunten/<int:pk>/<path:rest>", row_page(Bottleneck, "knelpunten"),
         name="bottleneck_page"),
    path("leren/zelfevaluaties/<int:pk>/", row_page(AssessmentRound, "zelfevaluaties"),
         name="round"),
    path("leren/zelfevaluaties/<int:pk>/<path:rest>", row_page(AssessmentRound, "zelfevaluaties"),
         name="round_page"),
    path("leren/mijlpalen/<int:pk>/<path:rest>", row_page(Milestone, "mijlpalen"),
         name="milestone"),
    path("leren/experimenten/<int:pk>/<path:rest>", row_page(Experiment, "experimenten"),
         name="experiment"),
    path("leren/producten/<int:pk>/<path:rest>", row_page(Deliverable, "producten"),
         name="deliverable"),
]
