from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("confirm-alert/<str:token>/", views.alert_confirm, name="alert-confirm"),
    path("withdraw/", views.withdraw_request, name="withdraw-request"),
    path("withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("manage/", views.manage_request, name="manage-request"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("renew/<str:token>/", views.renew, name="renew"),
]
