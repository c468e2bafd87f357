from django.urls import path

from progress import api

urlpatterns = [
    path("me/enrolment/", api.MyEnrolmentView.as_view(), name="api-my-enrolment"),
    path("me/enrolment/replan/", api.ReplanView.as_view(), name="api-my-replan"),
    path("me/enrolment/pace/", api.PaceChangeView.as_view(), name="api-my-pace"),
    path("me/enrolment/leave/", api.LeaveView.as_view(), name="api-my-leave"),
    path("me/schedule/", api.MyScheduleView.as_view(), name="api-my-schedule"),
    path("me/progress/", api.MyProgressList.as_view(), name="api-my-progress"),
    path("me/progress/<int:number>/", api.MyWeekProgressView.as_view(), name="api-my-week-progress"),
]
