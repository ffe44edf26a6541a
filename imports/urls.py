from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.upload, name="upload"),
    path("imports/template/", views.template, name="template"),
    path("imports/<str:token>/", views.confirm, name="confirm"),
]
