from django.urls import path

from privacy import api

urlpatterns = [
    path("me/data-exports/", api.MyDataExports.as_view(), name="api-my-data-exports"),
    path("me/data-exports/download/", api.MyDataExportDownload.as_view(), name="api-my-data-export-download"),
    path("me/data-exports/<int:pk>/", api.MyDataExport.as_view(), name="api-my-data-export"),
    path("me/deletion/", api.MyDeletion.as_view(), name="api-my-deletion"),
]
