from django.urls import include, path

from . import views

app_name = "connections"

# Every page of one deal lives under /deals/<slug>/ (the address tree, deals/urls.py).
deal_urlpatterns = [
    path("verwant/", views.deal_related, name="deal"),
    path("verwant/<slug:other>/", views.decide, name="decide"),
]

urlpatterns = [
    path("verbanden/", views.overview, name="overview"),
    path("verbanden/netwerk/", views.network, name="network"),
    path("verbanden/bijeenkomsten/", views.events, name="events"),
    path("verbanden/bijeenkomsten/<int:pk>/", views.event_detail, name="event"),
    path("deals/<slug:slug>/", include(deal_urlpatterns)),
]
