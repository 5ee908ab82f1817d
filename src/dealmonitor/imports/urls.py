from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("sjabloon/<str:kind>.xlsx", views.template, name="template"),
    path("<uuid:uuid>/", views.job, name="job"),
    path("<uuid:uuid>/kolommen/", views.mapping, name="mapping"),
    path("<uuid:uuid>/voortgang/", views.progress, name="progress"),
    path("<uuid:uuid>/importeren/", views.run, name="run"),
]
