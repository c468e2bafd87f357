from django.urls import path

from curriculum import views

app_name = "curriculum"

urlpatterns = [
    path("", views.curriculum_overview, name="overview"),
    path("weeks/<int:number>/", views.week_detail, name="week-detail"),
]
