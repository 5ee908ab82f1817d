from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("gebieden/", views.area_list, name="list"),
    path("gebieden/cijfers-inlezen/", views.upload_figures, name="upload"),
    path("gebieden/<str:code>/", views.area_detail, name="detail"),
    path("deals/<slug:slug>/gebied/", views.deal_context, name="deal"),
]
