from django.urls import include, path

from . import views

app_name = "learning"

# The programme's pages, under /leren/.
programme_urlpatterns = [
    path("", views.programme, name="programme"),
    path("bewijslacunes/", views.evidence_gaps, name="evidence_gaps"),
    path("sleutelpersonen/", views.key_persons, name="key_persons"),
    path("knelpunten/", views.bottleneck_list, name="bottlenecks"),
    path("lessen/", views.lesson_list, name="lessons"),
    path("zelfevaluatie/sjablonen/", views.templates, name="templates"),
    path("zelfevaluatie/sjablonen/<int:pk>/nieuwe-versie/", views.template_version,
         name="template_version"),
]

# Every page of one deal lives under /deals/<slug>/ (the address tree, deals/urls.py).
deal_urlpatterns = [
    path("leren/", views.deal_learning, name="deal"),
    path("knelpunten/nieuw/", views.bottleneck_create, name="bottleneck_create"),
    path("knelpunten/<int:pk>/", views.bottleneck_detail, name="bottleneck"),
    path("knelpunten/<int:pk>/wijzigen/", views.bottleneck_edit, name="bottleneck_edit"),
    path("lessen/nieuw/", views.lesson_create, name="lesson_create"),
    path("lessen/<int:pk>/", views.lesson_detail, name="lesson"),
    path("lessen/<int:pk>/wijzigen/", views.lesson_edit, name="lesson_edit"),
    path("zelfevaluaties/nieuw/", views.round_open, name="round_open"),
    path("zelfevaluaties/<int:pk>/", views.round_detail, name="round"),
    path("zelfevaluaties/<int:pk>/invullen/", views.round_answer, name="round_answer"),
    path("zelfevaluaties/<int:pk>/afsluiten/", views.round_close, name="round_close"),
    path("doorwerking/nieuw/", views.uptake_create, name="uptake_create"),
    path("producten/nieuw/", views.deliverable_create, name="deliverable_create"),
    path("producten/<int:pk>/gebruik/", views.adoption_create, name="adoption_create"),
    path("opschalingsplan/", views.scaling_plan, name="scaling_plan"),
    path("startgesprek/", views.start_conversation, name="start_conversation"),
    path("mijlpalen/nieuw/", views.milestone_form, name="milestone_create"),
    path("mijlpalen/<int:pk>/wijzigen/", views.milestone_form, name="milestone_edit"),
    path("experimenten/nieuw/", views.experiment_form, name="experiment_create"),
    path("experimenten/<int:pk>/wijzigen/", views.experiment_form, name="experiment_edit"),
]

urlpatterns = [
    path("leren/", include(programme_urlpatterns)),
    path("deals/<slug:slug>/", include(deal_urlpatterns)),
]
