from rest_framework import serializers

from curriculum.models import Phase, Resource, Week


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = ["title", "url", "kind"]


class WeekSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Week
        fields = ["number", "topic", "focus_area"]


class WeekSerializer(serializers.ModelSerializer):
    phase = serializers.IntegerField(source="phase.number", read_only=True)
    objectives = serializers.ListField(child=serializers.CharField(), read_only=True)
    resources = ResourceSerializer(many=True, read_only=True)

    class Meta:
        model = Week
        fields = [
            "number",
            "phase",
            "topic",
            "focus_area",
            "summary",
            "objectives",
            "estimated_hours",
            "resources",
        ]


class PhaseSerializer(serializers.ModelSerializer):
    weeks = WeekSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Phase
        fields = ["number", "title", "description", "weeks"]
