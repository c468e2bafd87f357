from django.urls import path

from exercises import api

urlpatterns = [
    path("exercises/", api.ExerciseListView.as_view(), name="api-exercise-list"),
    path("exercises/<int:pk>/", api.ExerciseDetailView.as_view(), name="api-exercise-detail"),
    path("exercises/<int:pk>/runs/", api.RunCreateView.as_view(), name="api-exercise-run-create"),
    path("exercises/<int:pk>/draft/", api.DraftView.as_view(), name="api-exercise-draft"),
    path("exercise-runs/", api.RunListView.as_view(), name="api-exercise-run-list"),
    path("exercise-runs/<int:pk>/", api.RunDetailView.as_view(), name="api-exercise-run-detail"),
]
