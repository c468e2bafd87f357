from django.urls import path

from projects import api

urlpatterns = [
    path("projects/", api.ProjectList.as_view(), name="api-project-list"),
    path("projects/<int:project_id>/", api.ProjectDetail.as_view(), name="api-project-detail"),
    path("me/project-versions/", api.MyVersionList.as_view(), name="api-my-project-versions"),
    path(
        "me/project-versions/<int:version_id>/", api.MyVersionDetail.as_view(), name="api-my-project-version"
    ),
    path(
        "me/project-versions/<int:version_id>/submit/",
        api.MyVersionSubmit.as_view(),
        name="api-my-project-version-submit",
    ),
    path(
        "me/project-versions/<int:version_id>/attachments/",
        api.MyVersionAttachments.as_view(),
        name="api-my-project-version-attachments",
    ),
    path(
        "attachments/<int:attachment_id>/", api.AttachmentDownload.as_view(), name="api-attachment-download"
    ),
    path("mentor/project-queue/", api.MentorQueue.as_view(), name="api-mentor-project-queue"),
    path(
        "mentor/learners/<int:enrolment_id>/project-versions/",
        api.MenteeVersionList.as_view(),
        name="api-mentee-project-versions",
    ),
    path(
        "mentor/project-versions/<int:version_id>/review/",
        api.VersionReview.as_view(),
        name="api-project-review",
    ),
]
