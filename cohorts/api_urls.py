from django.urls import path

from cohorts import api

urlpatterns = [
    path("cohorts/", api.CohortList.as_view(), name="api-cohort-list"),
    path("cohorts/<int:cohort_id>/", api.CohortDetail.as_view(), name="api-cohort-detail"),
    path("cohorts/<int:cohort_id>/members/", api.CohortMembers.as_view(), name="api-cohort-members"),
    path("cohorts/<int:cohort_id>/standings/", api.CohortStandings.as_view(), name="api-cohort-standings"),
]
