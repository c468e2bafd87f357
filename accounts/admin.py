"""The admin's one "Accounts" section: users (their admin is mentoring's, with the mentees), e-mail
addresses, groups (Mentors) and API tokens, moved here from the sections of allauth, auth and DRF. The
Sites section goes: the site's name and address come from settings (SITE_NAME, SITE_URL)."""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress as AllauthEmailAddress
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.sites.models import Site
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts.models import ApiToken, EmailAddress, Group, User

admin.site.register(User, UserAdmin)

for moved in (AllauthEmailAddress, AuthGroup, TokenProxy, Site):
    if admin.site.is_registered(moved):
        admin.site.unregister(moved)
admin.site.register(EmailAddress, EmailAddressAdmin)
admin.site.register(Group, GroupAdmin)
admin.site.register(ApiToken, TokenAdmin)
