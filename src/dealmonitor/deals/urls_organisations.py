from django.urls import path

from . import views, views_organisations

# The organisation pages, kept under the name `organisations:` they always had.
app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("dubbel/", views_organisations.duplicates, name="duplicates"),
    path("dubbel/samenvoegen/", views_organisations.merge, name="merge"),
    path("dubbel/<int:pk>/ongedaan-maken/", views_organisations.undo_merge, name="undo_merge"),
    path("<str:slug>/", views.organisation_detail, name="detail"),
]
