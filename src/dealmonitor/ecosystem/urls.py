from django.urls import path

from . import views

app_name = "ecosystem"

urlpatterns = [
    path("vraag-en-aanbod/", views.posts, name="list"),
    path("vraag-en-aanbod/<int:pk>/", views.post_detail, name="detail"),
    path("vraag-en-aanbod/<int:pk>/bewerken/", views.post_edit, name="edit"),
    path("deals/<slug:slug>/vraag-en-aanbod/", views.deal_posts, name="deal"),
    path("organisaties/<str:organisation>/vraag-en-aanbod/", views.organisation_posts, name="organisation"),
]
