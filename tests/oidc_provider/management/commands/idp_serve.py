"""Set the provider up (tables, the LMS as a client, its people) and serve it on 127.0.0.1:<port>."""

import json

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application

from tests.oidc_provider.claims import UNVERIFIED_GROUP


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uris", required=True, help="space-separated")
        parser.add_argument("--people", required=True, help="JSON: [{email, password, name, verified}]")

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        Application.objects.create(
            name="LMS",
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=options["redirect_uris"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,  # no consent page: the organisation's own application
        )
        unverified = Group.objects.create(name=UNVERIFIED_GROUP)
        for person in json.loads(options["people"]):
            first, _, last = person["name"].partition(" ")
            user = User.objects.create_user(
                username=person["email"].split("@")[0],
                email=person["email"],
                password=person["password"],
                first_name=first,
                last_name=last,
            )
            if not person["verified"]:
                user.groups.add(unverified)
        call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False, use_threading=True)
