from django.urls import path

from imports import views

urlpatterns = [
    path("imports/", views.upload, name="import-upload"),
    path("imports/template/", views.template, name="import-template"),
    path("imports/<str:token>/", views.confirm, name="import-confirm"),
]
