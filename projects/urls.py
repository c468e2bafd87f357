from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("weeks/<int:number>/", views.project_page, name="project"),
    path("weeks/<int:number>/draft/", views.draft_save, name="draft"),
    path("versions/<int:version_id>/", views.version_page, name="version"),
    path("versions/<int:version_id>/submit/", views.version_submit, name="submit"),
    path("versions/<int:version_id>/attachments/", views.attachment_add, name="attachment-add"),
    path("versions/<int:version_id>/review/", views.review_create, name="review"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("queue/", views.review_queue, name="queue"),
]
