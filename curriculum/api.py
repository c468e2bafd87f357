from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from curriculum.selectors import phase_list_with_weeks, week_list
from curriculum.serializers import PhaseSerializer, WeekSerializer


class PhaseViewSet(viewsets.ReadOnlyModelViewSet):
    """The curriculum's phases with their weeks. Public."""

    permission_classes = [AllowAny]
    serializer_class = PhaseSerializer
    queryset = phase_list_with_weeks()
    lookup_field = "number"
    lookup_value_regex = r"\d+"


class WeekViewSet(viewsets.ReadOnlyModelViewSet):
    """The curriculum's weeks with objectives and resources. Public."""

    permission_classes = [AllowAny]
    serializer_class = WeekSerializer
    queryset = week_list()
    lookup_field = "number"
    lookup_value_regex = r"\d+"
    filterset_fields = ["phase__number"]
