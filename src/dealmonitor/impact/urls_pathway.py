from django.urls import path

from . import views_pathway

urlpatterns = [
    path("veranderpad/", views_pathway.pathway, name="pathway"),
    path("effecten/", views_pathway.effects, name="effects"),
]
