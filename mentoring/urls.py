from django.urls import path

from mentoring import cohort_views, history_views, views

app_name = "mentoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("workspace/", views.workspace, name="workspace"),
    path("earlier/", history_views.ended_enrolments, name="ended-enrolments"),
    path("mentees.csv", views.dashboard_csv, name="dashboard-csv"),
    path("learners/<int:enrolment_id>/", views.learner_detail, name="learner"),
    path("learners/<int:enrolment_id>/weeks/<int:number>/feedback/", views.feedback_create, name="feedback"),
    path("weeks/<int:number>/reply/", views.feedback_reply, name="feedback-reply"),
    path("learners/<int:enrolment_id>/phases/<int:number>/review/", views.phase_review, name="phase-review"),
    # Staff: cohorts (cohort_views.py).
    path("cohorts/", cohort_views.cohort_list, name="cohorts"),
    path("cohorts/<int:cohort_id>/", cohort_views.cohort_detail, name="cohort"),
    path("cohorts/<int:cohort_id>/learners.csv", cohort_views.cohort_csv, name="cohort-csv"),
]
