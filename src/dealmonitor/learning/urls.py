from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("bewijslacunes/", views.evidence_gaps, name="evidence_gaps"),
    path("sleutelpersonen/", views.key_persons, name="key_persons"),
    path("knelpunten/", views.bottleneck_list, name="bottlenecks"),
    path("knelpunten/<int:pk>/", views.bottleneck_detail, name="bottleneck"),
    path("knelpunten/<int:pk>/wijzigen/", views.bottleneck_edit, name="bottleneck_edit"),
    path("lessen/", views.lesson_list, name="lessons"),
    path("lessen/<int:pk>/", views.lesson_detail, name="lesson"),
    path("lessen/<int:pk>/wijzigen/", views.lesson_edit, name="lesson_edit"),
    path("zelfevaluatie/sjablonen/", views.templates, name="templates"),
    path("zelfevaluatie/sjablonen/<int:pk>/nieuwe-versie/", views.template_version,
         name="template_version"),
    path("zelfevaluaties/<int:pk>/", views.round_detail, name="round"),
    path("zelfevaluaties/<int:pk>/invullen/", views.round_answer, name="round_answer"),
    path("zelfevaluaties/<int:pk>/afsluiten/", views.round_close, name="round_close"),
    path("mijlpalen/<int:pk>/wijzigen/", views.milestone_form, name="milestone_edit"),
    path("experimenten/<int:pk>/wijzigen/", views.experiment_form, name="experiment_edit"),
    path("producten/<int:pk>/gebruik/", views.adoption_create, name="adoption_create"),
    path("deals/<slug:slug>/", views.deal_learning, name="deal"),
    path("deals/<slug:slug>/knelpunten/nieuw/", views.bottleneck_create, name="bottleneck_create"),
    path("deals/<slug:slug>/lessen/nieuw/", views.lesson_create, name="lesson_create"),
    path("deals/<slug:slug>/zelfevaluaties/nieuw/", views.round_open, name="round_open"),
    path("deals/<slug:slug>/doorwerking/nieuw/", views.uptake_create, name="uptake_create"),
    path("deals/<slug:slug>/producten/nieuw/", views.deliverable_create, name="deliverable_create"),
    path("deals/<slug:slug>/opschalingsplan/", views.scaling_plan, name="scaling_plan"),
    path("deals/<slug:slug>/startgesprek/", views.start_conversation, name="start_conversation"),
    path("deals/<slug:slug>/mijlpalen/nieuw/", views.milestone_form, name="milestone_create"),
    path("deals/<slug:slug>/experimenten/nieuw/", views.experiment_form, name="experiment_create"),
]
