from django.urls import path

from mentoring import api

urlpatterns = [
    path("mentor/learners/", api.MenteeList.as_view(), name="api-mentee-list"),
    path(
        "mentor/learners/<int:enrolment_id>/schedule/",
        api.MenteeSchedule.as_view(),
        name="api-mentee-schedule",
    ),
    path(
        "mentor/learners/<int:enrolment_id>/progress/",
        api.MenteeProgressList.as_view(),
        name="api-mentee-progress",
    ),
    path(
        "mentor/learners/<int:enrolment_id>/submissions/",
        api.MenteeSubmissionList.as_view(),
        name="api-mentee-submissions",
    ),
    path(
        "mentor/learners/<int:enrolment_id>/feedback/",
        api.MenteeFeedback.as_view(),
        name="api-mentee-feedback",
    ),
    path(
        "mentor/learners/<int:enrolment_id>/phases/<int:number>/review/",
        api.MenteePhaseReview.as_view(),
        name="api-mentee-phase-review",
    ),
]
