from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("withdraw/", views.withdraw_request, name="withdraw-request"),
    path("withdraw/<str:token>/", views.withdraw, name="withdraw"),
]
