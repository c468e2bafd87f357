"""The API's mentor access, shared by every app with mentor endpoints (mentoring, projects): the
permission that lets mentors and staff in, and the one lookup of a mentee's enrolment by id (through
`scope.mentee_enrolments_for`, so a former mentor or another mentor gets a 404)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from progress.models import Enrolment
from progress.scope import can_mentor, mentee_enrolments_for


class IsMentorOrStaff(BasePermission):
    message = gettext_lazy("This is for mentors.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(can_mentor(request.user))  # type: ignore[arg-type]


MENTOR = [IsAuthenticated, IsMentorOrStaff]


def mentee(request: Request, enrolment_id: int) -> Enrolment:
    return get_object_or_404(mentee_enrolments_for(user=request.user), pk=enrolment_id)  # type: ignore[arg-type]
