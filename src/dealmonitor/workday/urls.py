from django.urls import path

from . import views

app_name = "workday"

urlpatterns = [
    path("mijn-deals/", views.mine, name="mine"),
    # before deals/<slug>/ (deals/urls.py); "nieuw" is never a deal's identifier
    path("deals/nieuw/", views.new_deal, name="new_deal"),
]
