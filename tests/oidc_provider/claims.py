"""The identity provider's claims: e-mail, whether it verified it (members of the "unverified" group
are people whose address it never checked), and the name."""

from oauth2_provider.oauth2_validators import OAuth2Validator

UNVERIFIED_GROUP = "unverified"


class ClaimsValidator(OAuth2Validator):
    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.groups.filter(name=UNVERIFIED_GROUP).exists(),
            "name": user.get_full_name(),
            "given_name": user.first_name,
            "family_name": user.last_name,
            "preferred_username": user.username,
        }
