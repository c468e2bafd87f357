from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", help_text='Send it as "Authorization: Token <token>".')
    created = serializers.DateTimeField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField(source="__str__")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=["learner", "mentor", "staff"]),
        help_text="What the account may do: every account can learn; mentors and staff have more.",
    )
