from django.urls import path

from . import views

# The organisation pages, kept under the name `organisations:` they always had.
app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<str:slug>/", views.organisation_detail, name="detail"),
]
