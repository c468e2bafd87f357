from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.my_data, name="data"),
    path("export/", views.export_start, name="export-start"),
    path("export/status/", views.export_status, name="export-status"),
    path("export/download/<str:token>/", views.export_download, name="export-download"),
    path("delete/", views.delete_account, name="delete"),
    path("delete/cancel/", views.delete_cancel, name="delete-cancel"),
]
