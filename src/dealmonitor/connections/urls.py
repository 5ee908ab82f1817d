from django.urls import path

from . import views

app_name = "connections"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("deals/<slug:slug>/", views.deal_related, name="deal"),
    path("deals/<slug:slug>/<slug:other>/", views.decide, name="decide"),
    path("netwerk/", views.network, name="network"),
    path("bijeenkomsten/", views.events, name="events"),
    path("bijeenkomsten/<int:pk>/", views.event_detail, name="event"),
]
