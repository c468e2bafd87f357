"""Every URL of the project for every role, against an explicit table of expected status codes.

The URLs come from walking the URLconf (pages, API, allauth, admin), so a new URL cannot escape: one
that is missing from the table fails the test with its name. Each request runs in a savepoint that is
rolled back, so the POSTs (pause, rotate, feedback …) change nothing for the requests after them.

How the big third-party URL sets are handled:
- allauth: one explicit row per URL name (a setting that adds a route adds a row to decide).
- admin: one rule per kind of admin URL (changelist, add, change, …: staff only, everybody else is sent
  to the admin log-in), with explicit exceptions (read-only models, site-wide admin views). A new model
  registered in admin is covered by the rule; a new kind of admin URL fails like any unknown URL.

Rows are (anonymous, learner, other_learner, mentor, other_mentor, former_mentor, completed_mentor,
staff): the former mentor had the learner's current enrolment before the mentor, the completed mentor
had the learner's earlier, completed enrolment; neither sees anything of the learner now. Objects in
URLs are the learner's: their enrolment (mentor: `mentor`), submission, week 3, calendar and unsubscribe
tokens. The other learner is enrolled too (with the other mentor), so their own pages answer 200.
"""

import copy
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.admin.options import ModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, SolarSchedule
from rest_framework.authtoken.models import Token

from assessments import autograding
from assessments import services as assessment_services
from assessments.models import Quiz, Submission
from cards.services import desired_retention_set
from cohorts.services import cohort_create
from credentials import portfolio_services
from credentials import services as credentials_services
from curriculum.models import Phase, Week
from exercises import services as exercise_services
from exercises.models import Exercise, Run
from invitations.services import learner_onboard
from mentoring import services as mentoring_services
from notifications.models import Email as OutboxEmail
from notifications.models import Notice
from privacy.exports import token_hash
from privacy.models import DataExport, DeletionRequest
from progress import services as progress_services
from progress.models import Enrolment, ScheduleChange
from projects import services as project_services
from projects.models import Project
from reminders.tokens import unsubscribe_token_for
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.cards.conftest import card_for
from tests.conftest import ROLES, mentor_history
from tests.factories import PASSWORD

WEEK = 3
EXERCISE = 6  # a fixture exercise (week 5, BPE merges)
PROJECT_WEEK = 21
# A valid review of the week 21 project (fixture rows: criteria 1-4, each with levels 4n-3 … 4n, the
# second of which is "Developing", 3 to 5 points).
PROJECT_DRAFT = {"repository_url": "https://github.com/a/b", "commit": "abc1234", "report": "r"}
PROJECT_REVIEW: dict[str, object] = {"decision": "changes_requested", "comment": "Add the hardware."}
for _criterion in range(1, 5):
    PROJECT_REVIEW |= {f"level_{_criterion}": 4 * _criterion - 2, f"points_{_criterion}": 3}
EXPORT_TOKEN = "the-learners-export-link-secret"
PROJECT_REVIEW_API = {
    "decision": "changes_requested",
    "comment": "Add the hardware.",
    "scores": [{"criterion": n, "level": 4 * n - 2, "points": 3} for n in range(1, 5)],
}

# fmt: off
#                                          anon learner other mentor other_m former completed staff
EXPECTED: dict[str, tuple[int, int, int, int, int, int, int, int]] = {
    # Public pages and probes.
    "home":                                 (200, 200, 200, 200, 200, 200, 200, 200),
    "healthz":                              (200, 200, 200, 200, 200, 200, 200, 200),
    # lms.health: public, no secrets; 503 here because no beat has ever run on the test database.
    "health":                               (503, 503, 503, 503, 503, 503, 503, 503),
    "ping":                                 (200, 200, 200, 200, 200, 200, 200, 200),
    "favicon":                              (301, 301, 301, 301, 301, 301, 301, 301),
    # The scripts' translations (djangojs) for a language: public, like the scripts themselves.
    "javascript-catalog":                   (200, 200, 200, 200, 200, 200, 200, 200),
    "curriculum:overview":                  (200, 200, 200, 200, 200, 200, 200, 200),
    "curriculum:week-detail":               (200, 200, 200, 200, 200, 200, 200, 200),
    # Learner pages: log-in required; the user's own enrolment (mentors and staff have none: enrol).
    "learner:dashboard":                   (302, 200, 200, 302, 302, 302, 302, 302),
    "progress:enrol":                       (302, 302, 302, 200, 200, 200, 200, 200),
    "learner:schedule":                    (302, 200, 200, 302, 302, 302, 302, 302),
    # The re-plan's preview: the learner of the world is on track (after a re-plan) and sent back.
    "progress:replan":                      (302, 302, 302, 302, 302, 302, 302, 302),
    "progress:replan-undo":                 (405, 405, 405, 405, 405, 405, 405, 405),
    "progress:pause":                       (405, 405, 405, 405, 405, 405, 405, 405),
    "progress:resume":                      (405, 405, 405, 405, 405, 405, 405, 405),
    "learner:week":                        (302, 200, 200, 302, 302, 302, 302, 302),
    "progress:settings":                    (302, 200, 200, 302, 302, 302, 302, 302),
    "progress:pace":                        (405, 405, 405, 405, 405, 405, 405, 405),
    "progress:leave":                       (302, 200, 200, 302, 302, 302, 302, 302),
    "progress:calendar-rotate":             (405, 405, 405, 405, 405, 405, 405, 405),
    # The secret token is the credential.
    "progress:calendar-feed":               (200, 200, 200, 200, 200, 200, 200, 200),
    "reminders:unsubscribe":                (200, 200, 200, 200, 200, 200, 200, 200),
    # Someone's schedule: themselves, their mentor, staff.
    "learner:learner-schedule":            (302, 200, 404, 200, 404, 404, 404, 200),
    # The progress page: the learner's own; anyone's for themselves, their mentor, staff.
    "learner:progress":                       (302, 200, 200, 302, 302, 302, 302, 302),
    "learner:learner-progress":                    (302, 200, 404, 200, 404, 404, 404, 200),
    # Quizzes and submissions.
    "assessments:quiz-take":                (302, 200, 200, 200, 200, 200, 200, 200),
    "assessments:submission-list":          (302, 200, 200, 200, 200, 200, 200, 200),
    "assessments:submission-detail":        (302, 200, 404, 200, 404, 404, 404, 200),
    "assessments:submission-review":        (302, 404, 404, 200, 404, 404, 404, 200),
    # Review cards: the learner's own (any user may have cards); a card's page for its learner, their
    # mentor and staff.
    "cards:review":                         (302, 200, 200, 200, 200, 200, 200, 200),
    "cards:answer":                         (302, 405, 405, 405, 405, 405, 405, 405),
    "cards:rate":                           (302, 405, 405, 405, 405, 405, 405, 405),
    "cards:card-list":                      (302, 200, 200, 200, 200, 200, 200, 200),
    "cards:card-add":                       (302, 405, 405, 405, 405, 405, 405, 405),
    "cards:card-detail":                    (302, 200, 404, 200, 404, 404, 404, 200),
    "cards:card-retire":                    (302, 405, 405, 405, 405, 405, 405, 405),
    "cards:settings":                       (302, 405, 405, 405, 405, 405, 405, 405),
    "api-my-cards-due":                     (401, 200, 200, 200, 200, 200, 200, 200),
    "api-my-card-stats":                    (401, 200, 200, 200, 200, 200, 200, 200),
    "api-my-card-review":                   (401, 405, 405, 405, 405, 405, 405, 405),
    "api-card-detail":                      (401, 200, 404, 200, 404, 404, 404, 200),
    # Mentoring: mentors (and staff), and only their own learners.
    "mentoring:dashboard":                  (302, 403, 403, 200, 200, 200, 200, 200),
    "mentoring:dashboard-csv":              (302, 403, 403, 200, 200, 200, 200, 200),
    "mentoring:workspace":                  (302, 403, 403, 200, 200, 200, 200, 200),
    # Ended enrolments a mentor mentored until the end (each lists its own; staff every one).
    "mentoring:ended-enrolments":           (302, 403, 403, 200, 200, 200, 200, 200),
    "mentoring:learner":                    (302, 403, 403, 200, 404, 404, 404, 200),
    "mentoring:feedback":                   (405, 405, 405, 405, 405, 405, 405, 405),
    "mentoring:feedback-reply":             (405, 405, 405, 405, 405, 405, 405, 405),
    "mentoring:phase-review":               (405, 405, 405, 405, 405, 405, 405, 405),
    # Certificates: the learner's own (their mentor and staff see them too); staff revoke and re-issue.
    "credentials:mine":                     (302, 200, 200, 200, 200, 200, 200, 200),
    "credentials:certificate":              (302, 200, 404, 200, 404, 404, 404, 200),
    "credentials:pdf":                      (302, 200, 404, 200, 404, 404, 404, 200),
    "credentials:revoke":                   (405, 405, 405, 405, 405, 405, 405, 405),
    "credentials:reissue":                  (405, 405, 405, 405, 405, 405, 405, 405),
    # Public: verification by the unguessable id, the issuer's profile, keys and revocation list.
    "credentials:verify":                   (200, 200, 200, 200, 200, 200, 200, 200),
    "credentials:credential":               (200, 200, 200, 200, 200, 200, 200, 200),
    "credentials:issuer":                   (200, 200, 200, 200, 200, 200, 200, 200),
    "credentials:jwks":                     (200, 200, 200, 200, 200, 200, 200, 200),
    "credentials:status-list":              (200, 200, 200, 200, 200, 200, 200, 200),
    # Portfolios: everyone's own settings and export; the learner's public page (published here).
    "credentials:portfolio":                (302, 200, 200, 200, 200, 200, 200, 200),
    "credentials:portfolio-export":         (302, 200, 200, 200, 200, 200, 200, 200),
    "credentials:portfolio-print":          (302, 200, 200, 200, 200, 200, 200, 200),
    "credentials:portfolio-public":         (200, 200, 200, 200, 200, 200, 200, 200),
    # Notices: every user their own (a notice id in a URL is the learner's).
    "notifications:list":                   (302, 200, 200, 200, 200, 200, 200, 200),
    "notifications:preferences":            (302, 200, 200, 200, 200, 200, 200, 200),
    "notifications:read":                   (405, 405, 405, 405, 405, 405, 405, 405),
    "notifications:read-all":               (405, 405, 405, 405, 405, 405, 405, 405),
    "api-notice-list":                      (401, 200, 200, 200, 200, 200, 200, 200),
    "api-notice-unread-count":              (401, 200, 200, 200, 200, 200, 200, 200),
    "api-notice-read":                      (401, 405, 405, 405, 405, 405, 405, 405),
    "api-notice-read-all":                  (401, 405, 405, 405, 405, 405, 405, 405),
    # Projects: briefs are public; a version and its files: the learner, their mentor, staff.
    "projects:list":                        (200, 200, 200, 200, 200, 200, 200, 200),
    "projects:project":                     (200, 200, 200, 200, 200, 200, 200, 200),
    "projects:draft":                       (405, 405, 405, 405, 405, 405, 405, 405),
    "projects:version":                     (302, 200, 404, 200, 404, 404, 404, 200),
    "projects:submit":                      (405, 405, 405, 405, 405, 405, 405, 405),
    "projects:attachment-add":              (405, 405, 405, 405, 405, 405, 405, 405),
    "projects:review":                      (405, 405, 405, 405, 405, 405, 405, 405),
    "projects:attachment":                  (302, 200, 404, 200, 404, 404, 404, 200),
    "projects:queue":                       (302, 403, 403, 200, 200, 200, 200, 200),
    "api-notice-preferences":               (401, 200, 200, 200, 200, 200, 200, 200),
    # Code exercises: any user's own page and runs; a learner's run for them, their mentor and staff.
    "exercises:exercise":                   (302, 200, 200, 200, 200, 200, 200, 200),
    "exercises:run-create":                 (302, 405, 405, 405, 405, 405, 405, 405),
    "exercises:run":                        (302, 200, 404, 200, 404, 404, 404, 200),
    "exercises:learner-runs":               (302, 200, 404, 200, 404, 404, 404, 200),
    "api-exercise-list":                    (401, 200, 200, 200, 200, 200, 200, 200),
    "api-exercise-detail":                  (401, 200, 200, 200, 200, 200, 200, 200),
    "api-exercise-run-create":              (401, 405, 405, 405, 405, 405, 405, 405),
    "api-exercise-draft":                   (401, 200, 200, 200, 200, 200, 200, 200),
    "api-exercise-run-list":                (401, 200, 200, 200, 200, 200, 200, 200),
    "api-exercise-run-detail":              (401, 200, 404, 200, 404, 404, 404, 200),
    # A user's own data (privacy): every user their own exports; a download link only for its user.
    "privacy:data":                         (302, 200, 200, 200, 200, 200, 200, 200),
    "privacy:export-start":                 (302, 405, 405, 405, 405, 405, 405, 405),
    "privacy:export-status":                (302, 200, 200, 200, 200, 200, 200, 200),
    "privacy:export-download":              (302, 200, 404, 404, 404, 404, 404, 404),
    "api-my-data-exports":                  (401, 200, 200, 200, 200, 200, 200, 200),
    "api-my-data-export":                   (401, 200, 404, 404, 404, 404, 404, 404),
    "api-my-data-export-download":          (401, 405, 405, 405, 405, 405, 405, 405),
    # Deleting one's account: learners (mentors and staff are told an administrator closes theirs).
    "privacy:delete":                       (302, 200, 200, 200, 200, 200, 200, 200),
    "privacy:delete-cancel":                (302, 405, 405, 405, 405, 405, 405, 405),
    "api-my-deletion":                      (401, 404, 404, 404, 404, 404, 404, 404),
    # The learner's mentor (or staff) endorses an accepted project; the learner's version here is not
    # accepted yet (tests/credentials/test_projects.py has every role on an accepted one).
    "credentials:endorse":                  (302, 404, 404, 404, 404, 404, 404, 404),
    # API: the index and the curriculum are public; the rest needs a user (401 with WWW-Authenticate).
    "api-index":                            (200, 200, 200, 200, 200, 200, 200, 200),
    "phase-list":                           (200, 200, 200, 200, 200, 200, 200, 200),
    "phase-detail":                         (200, 200, 200, 200, 200, 200, 200, 200),
    "week-list":                            (200, 200, 200, 200, 200, 200, 200, 200),
    "week-detail":                          (200, 200, 200, 200, 200, 200, 200, 200),
    "api-my-enrolment":                     (401, 200, 200, 404, 404, 404, 404, 404),
    "api-my-replan":                        (401, 405, 405, 405, 405, 405, 405, 405),
    "api-my-schedule":                      (401, 200, 200, 404, 404, 404, 404, 404),
    "api-my-pace":                          (401, 405, 405, 405, 405, 405, 405, 405),
    "api-my-leave":                         (401, 405, 405, 405, 405, 405, 405, 405),
    "api-my-progress":                      (401, 200, 200, 404, 404, 404, 404, 404),
    "api-my-week-progress":                 (401, 200, 200, 404, 404, 404, 404, 404),
    "api-quiz-list":                        (401, 200, 200, 200, 200, 200, 200, 200),
    "api-quiz-detail":                      (401, 200, 200, 200, 200, 200, 200, 200),
    "api-submission-list":                  (401, 200, 200, 200, 200, 200, 200, 200),
    "api-submission-detail":                (401, 200, 404, 200, 404, 404, 404, 200),
    "api-answer-review":                    (401, 405, 405, 405, 405, 405, 405, 405),
    "api-mentee-list":                      (401, 403, 403, 200, 200, 200, 200, 200),
    "api-mentee-progress":                  (401, 403, 403, 200, 404, 404, 404, 200),
    "api-mentee-submissions":               (401, 403, 403, 200, 404, 404, 404, 200),
    "api-mentee-schedule":                  (401, 403, 403, 200, 404, 404, 404, 200),
    "api-mentee-feedback":                  (401, 403, 403, 405, 405, 405, 405, 405),
    "api-mentee-phase-review":              (401, 403, 403, 405, 405, 405, 405, 405),
    "api-project-list":                     (200, 200, 200, 200, 200, 200, 200, 200),
    "api-project-detail":                   (200, 200, 200, 200, 200, 200, 200, 200),
    "api-my-project-versions":              (401, 200, 200, 200, 200, 200, 200, 200),
    "api-my-project-version":               (401, 200, 404, 404, 404, 404, 404, 404),
    "api-my-project-version-submit":        (401, 405, 405, 405, 405, 405, 405, 405),
    "api-my-project-version-attachments":   (401, 405, 405, 405, 405, 405, 405, 405),
    "api-attachment-download":              (401, 200, 404, 200, 404, 404, 404, 200),
    "api-mentor-project-queue":             (401, 403, 403, 200, 200, 200, 200, 200),
    "api-mentee-project-versions":          (401, 403, 403, 200, 404, 404, 404, 200),
    "api-project-review":                   (401, 403, 403, 405, 405, 405, 405, 405),
    "api-token":                            (401, 405, 405, 405, 405, 405, 405, 405),
    "api-me":                               (401, 200, 200, 200, 200, 200, 200, 200),
    "api-my-sign-in":                       (401, 200, 200, 200, 200, 200, 200, 200),
    "api-my-certificates":                  (401, 200, 200, 200, 200, 200, 200, 200),
    "api-my-portfolio":                     (401, 200, 200, 200, 200, 200, 200, 200),
    "api-certificate-verify":               (200, 200, 200, 200, 200, 200, 200, 200),
    "api-schema":                           (200, 200, 200, 200, 200, 200, 200, 200),
    "api-docs":                             (200, 200, 200, 200, 200, 200, 200, 200),
    # allauth: log-in and sign-up for visitors; account pages for users.
    "account_login":                        (200, 302, 302, 302, 302, 302, 302, 302),
    "account_logout":                       (302, 200, 200, 200, 200, 200, 200, 200),
    "account_inactive":                     (200, 200, 200, 200, 200, 200, 200, 200),
    "account_signup":                       (200, 302, 302, 302, 302, 302, 302, 302),
    "account_reauthenticate":               (302, 200, 200, 200, 200, 200, 200, 200),
    "account_email":                        (302, 200, 200, 200, 200, 200, 200, 200),
    "account_preferences":                  (302, 200, 200, 200, 200, 200, 200, 200),
    "account_settings":                     (302, 200, 200, 200, 200, 200, 200, 200),
    "account_email_verification_sent":      (200, 200, 200, 200, 200, 200, 200, 200),
    "account_change_password":              (302, 200, 200, 200, 200, 200, 200, 200),
    "account_set_password":                 (302, 302, 302, 302, 302, 302, 302, 302),
    "account_reset_password":               (200, 200, 200, 200, 200, 200, 200, 200),
    "account_confirm_login_code":           (302, 302, 302, 302, 302, 302, 302, 302),
    "account_confirm_email":                (200, 200, 200, 200, 200, 200, 200, 200),
    "account_reset_password_from_key_done": (200, 200, 200, 200, 200, 200, 200, 200),
    "account_reset_password_from_key":      (200, 200, 200, 200, 200, 200, 200, 200),
    "account_reset_password_done":          (200, 200, 200, 200, 200, 200, 200, 200),
    # Sign-in providers (allauth.socialaccount): the user's connections; each provider's log-in and
    # callback (none configured here: 404; tests/accounts/test_sso.py runs them against a real one).
    "socialaccount_connections":            (302, 200, 200, 200, 200, 200, 200, 200),
    "socialaccount_signup":                 (302, 302, 302, 302, 302, 302, 302, 302),
    "socialaccount_login_cancelled":        (200, 200, 200, 200, 200, 200, 200, 200),
    "socialaccount_login_error":            (401, 401, 401, 401, 401, 401, 401, 401),
    "github_login":                         (404, 404, 404, 404, 404, 404, 404, 404),
    "github_callback":                      (404, 404, 404, 404, 404, 404, 404, 404),
    "google_login":                         (404, 404, 404, 404, 404, 404, 404, 404),
    "google_callback":                      (404, 404, 404, 404, 404, 404, 404, 404),
    "google_login_by_token":                (404, 404, 404, 404, 404, 404, 404, 404),
    "openid_connect_login":                 (404, 404, 404, 404, 404, 404, 404, 404),
    "openid_connect_callback":              (404, 404, 404, 404, 404, 404, 404, 404),
    # Second factors (allauth.mfa): the user's own. Changing them asks for the password again first
    # (a forced log-in has no recent authentication: 302 to it). The learner has recovery codes.
    "mfa_index":                            (302, 200, 200, 200, 200, 200, 200, 200),
    "mfa_authenticate":                     (302, 302, 302, 302, 302, 302, 302, 302),
    "mfa_reauthenticate":                   (302, 200, 302, 302, 302, 302, 302, 302),
    "mfa_activate_totp":                    (302, 302, 302, 302, 302, 302, 302, 302),
    "mfa_deactivate_totp":                  (302, 404, 404, 404, 404, 404, 404, 404),
    "mfa_view_recovery_codes":              (302, 302, 404, 404, 404, 404, 404, 404),
    "mfa_generate_recovery_codes":          (302, 302, 302, 302, 302, 302, 302, 302),
    "mfa_download_recovery_codes":          (302, 302, 404, 404, 404, 404, 404, 404),
    "mfa_list_webauthn":                    (302, 200, 200, 200, 200, 200, 200, 200),
    "mfa_add_webauthn":                     (302, 302, 302, 302, 302, 302, 302, 302),
    "mfa_reauthenticate_webauthn":          (302, 302, 302, 302, 302, 302, 302, 302),
    "mfa_remove_webauthn":                  (302, 302, 302, 302, 302, 302, 302, 302),
    "mfa_edit_webauthn":                    (302, 302, 302, 302, 302, 302, 302, 302),
    "mfa_login_webauthn":                   (302, 302, 302, 302, 302, 302, 302, 302),
    # Site-wide admin views.
    "admin:index":                          (302, 302, 302, 302, 302, 302, 302, 200),
    # The admin logs in through the site's log-in (lms/urls.py: with its limits and second factor).
    "admin:login":                          (302, 403, 403, 403, 403, 403, 403, 302),
    "admin:logout":                         (302, 302, 302, 302, 302, 302, 302, 405),
    "admin:password_change":                (302, 302, 302, 302, 302, 302, 302, 200),
    "admin:password_change_done":           (302, 302, 302, 302, 302, 302, 302, 200),
    "admin:autocomplete":                   (302, 302, 302, 302, 302, 302, 302, 200),
    "admin:jsi18n":                         (302, 302, 302, 302, 302, 302, 302, 200),
    "admin:view_on_site":                   (302, 302, 302, 302, 302, 302, 302, 302),
    "admin:app_list":                       (302, 302, 302, 302, 302, 302, 302, 200),
    "admin:auth_user_password_change":      (302, 302, 302, 302, 302, 302, 302, 200),
    "admin/<catch-all>":                    (302, 302, 302, 302, 302, 302, 302, 404),
    "admin:assessments_quiz_preview":       (302, 302, 302, 302, 302, 302, 302, 200),
    "admin:projects_project_preview":       (302, 302, 302, 302, 302, 302, 302, 200),
    "admin:exercises_exercise_check":       (302, 302, 302, 302, 302, 302, 302, 200),
    # Admin model URLs that differ from the rule below: read-only models (no add) …
    "admin:notifications_email_add":        (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:notifications_email_delete":     (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:notifications_notice_add":       (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:auditlog_logentry_add":          (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:auditlog_logentry_delete":       (302, 302, 302, 302, 302, 302, 302, 403),
    # … and submissions, which only learners create.
    "admin:assessments_submission_add":     (302, 302, 302, 302, 302, 302, 302, 403),
    # … certificates (issued by sign-offs, revoked on their page) and portfolios (the learner's).
    "admin:credentials_certificate_add":    (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:credentials_certificate_delete": (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:credentials_portfolio_add":      (302, 302, 302, 302, 302, 302, 302, 403),
    # … and project versions and reviews, which only learners and mentors make.
    "admin:projects_version_add":           (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:projects_review_add":            (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:projects_version_delete":        (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:projects_review_delete":         (302, 302, 302, 302, 302, 302, 302, 403),
    # … and runs of code, which only learners (and the check action) start and the sandbox writes.
    "admin:exercises_run_add":              (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:exercises_run_delete":           (302, 302, 302, 302, 302, 302, 302, 403),
    # Review cards change only through their lifecycle's moves, by their learner (cards.lifecycle).
    "admin:cards_card_add":                 (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:cards_card_delete":              (302, 302, 302, 302, 302, 302, 302, 403),
    # … and stored state, which only its service writes (staff read it and recompute it).
    "admin:progress_standing_add":          (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:progress_standing_delete":       (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:assessments_quizrecord_add":     (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:assessments_quizrecord_delete":  (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:mentoring_menteeflags_add":      (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:mentoring_menteeflags_delete":   (302, 302, 302, 302, 302, 302, 302, 403),
    # Cohorts and invitations: an invitation's link is its credential (anyone holding it sees the page);
    # staff import a CSV of learners in admin (a preview, then the import: POST only); invitations are
    # never added or deleted by hand (the import or the API make them, revoking ends them).
    "invitations:accept":                   (200, 200, 200, 200, 200, 200, 200, 200),
    "admin:invitations_invitation_import":  (302, 302, 302, 302, 302, 302, 302, 200),
    "admin:invitations_invitation_process_import": (302, 302, 302, 302, 302, 302, 302, 405),
    "admin:invitations_invitation_add":     (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:invitations_invitation_delete":  (302, 302, 302, 302, 302, 302, 302, 403),
    # Staff's cohort pages and the staff API of cohorts and invitations (mentors filter their own lists).
    "mentoring:cohorts":                    (302, 403, 403, 403, 403, 403, 403, 200),
    "mentoring:cohort":                     (302, 403, 403, 403, 403, 403, 403, 200),
    "mentoring:cohort-csv":                 (302, 403, 403, 403, 403, 403, 403, 200),
    "api-cohort-list":                      (401, 403, 403, 403, 403, 403, 403, 200),
    "api-cohort-detail":                    (401, 403, 403, 403, 403, 403, 403, 200),
    "api-cohort-members":                   (401, 403, 403, 403, 403, 403, 403, 200),
    "api-cohort-standings":                 (401, 403, 403, 403, 403, 403, 403, 200),
    "api-invitation-list":                  (401, 403, 403, 403, 403, 403, 403, 200),
    "api-invitation-resend":                (401, 403, 403, 403, 403, 403, 403, 405),
    "api-invitation-revoke":                (401, 403, 403, 403, 403, 403, 403, 405),
    # … records written through their services (lms.record_admin.ServiceWrittenAdmin): progress, feedback.
    "admin:progress_weekprogress_add":      (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:progress_weekprogress_delete":   (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:mentoring_weekfeedback_add":     (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:mentoring_weekfeedback_delete":  (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:mentoring_phasereview_add":      (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:mentoring_phasereview_delete":   (302, 302, 302, 302, 302, 302, 302, 403),
    # … and a user's data exports and deletion requests, which only the user and the tasks change.
    "admin:privacy_dataexport_add":         (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:privacy_dataexport_delete":      (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:privacy_deletionrequest_add":    (302, 302, 302, 302, 302, 302, 302, 403),
    "admin:privacy_deletionrequest_delete": (302, 302, 302, 302, 302, 302, 302, 403),
}

# Every URL of a ModelAdmin, by kind: staff only; everybody else goes to the admin log-in page.
ADMIN_MODEL_RULES: dict[str, tuple[int, int, int, int, int, int, int, int]] = {
    "changelist":                           (302, 302, 302, 302, 302, 302, 302, 200),
    "add":                                  (302, 302, 302, 302, 302, 302, 302, 200),
    "change":                               (302, 302, 302, 302, 302, 302, 302, 200),
    "delete":                               (302, 302, 302, 302, 302, 302, 302, 200),
    "history":                              (302, 302, 302, 302, 302, 302, 302, 200),
    "object":                               (302, 302, 302, 302, 302, 302, 302, 302),  # redirects to "change"
}

# The documented method of the views that refuse GET, with a valid body, answered per role.
POSTS: dict[str, tuple[dict[str, object], tuple[int, int, int, int, int, int, int, int]]] = {
    "progress:replan":          ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "progress:replan-undo":     ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "progress:pause":           ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "progress:resume":          ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "progress:calendar-rotate": ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "progress:pace":            ({"pace": "0.5"},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "progress:leave":           ({"confirm": "on"},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "api-my-pace":              ({"pace": "0.5"},
                                                            (401, 200, 200, 404, 404, 404, 404, 404)),
    "api-my-leave":             ({},
                                                            (401, 200, 200, 404, 404, 404, 404, 404)),
    "mentoring:feedback":       ({"body": "Well done."},
                                                            (302, 403, 403, 302, 404, 404, 404, 302)),
    "mentoring:feedback-reply": ({"body": "Thanks!"},
                                                            (302, 302, 302, 404, 404, 404, 404, 404)),
    "mentoring:phase-review":   ({"decision": "returned", "comments": "Redo week 1."},
                                                            (302, 403, 403, 302, 404, 404, 404, 302)),
    # Only the card's learner reviews, retires or answers it; a form without its token is refused.
    "cards:answer":             ({},
                                                            (302, 400, 404, 404, 404, 404, 404, 404)),
    "cards:rate":               ({"rating": "3"},
                                                            (302, 302, 404, 404, 404, 404, 404, 404)),
    "cards:card-add":           ({"question": "999999"},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "cards:card-retire":        ({},
                                                            (302, 302, 404, 404, 404, 404, 404, 404)),
    "cards:settings":           ({"desired_retention": "2"},
                                                            (302, 400, 400, 400, 400, 400, 400, 400)),
    "api-my-card-review":       ({"rating": 3},
                                                            (401, 201, 404, 404, 404, 404, 404, 404)),
    "credentials:revoke":       ({"reason": "Issued by mistake."},
                                                            (302, 403, 403, 403, 403, 403, 403, 302)),
    # The learner reissues their own after a name change (409 here: the name is the same, the reason
    # said); their mentor may not; those who cannot see the certificate find none.
    "credentials:reissue":      ({},
                                                            (302, 409, 404, 403, 404, 404, 404, 302)),
    # The learner's version waits for review: no new draft; the other learner may start one; mentors
    # and staff follow no curriculum (400: enrol first).
    "projects:draft":           (PROJECT_DRAFT,
                                                            (302, 400, 302, 400, 400, 400, 400, 400)),
    "projects:submit":          ({},
                                                            (302, 302, 404, 404, 404, 404, 404, 404)),
    "projects:attachment-add":  ({},
                                                            (302, 400, 404, 404, 404, 404, 404, 404)),
    "projects:review":          (PROJECT_REVIEW,
                                                            (302, 403, 404, 302, 404, 404, 404, 302)),
    "api-my-replan":            ({},
                                                            (401, 400, 400, 404, 404, 404, 404, 404)),
    "api-answer-review":        ({"points": "3", "feedback": "Nearly."},
                                                            (401, 403, 404, 200, 404, 404, 404, 200)),
    "api-mentee-feedback":      ({"week": WEEK, "body": "Well done."},
                                                            (401, 403, 403, 201, 404, 404, 404, 201)),
    "api-mentee-phase-review":  ({"decision": "returned", "comments": "Redo week 1."},
                                                            (401, 403, 403, 201, 404, 404, 404, 201)),
    # Anyone may run the examples (the run is rolled back here, never queued).
    "exercises:run-create":     ({"kind": "examples", "code": "print(1)"},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "api-exercise-run-create":  ({"kind": "examples", "code": "print(1)"},
                                                            (401, 201, 201, 201, 201, 201, 201, 201)),
    "notifications:read":       ({},
                                                            (302, 302, 404, 404, 404, 404, 404, 404)),
    "notifications:read-all":   ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "api-notice-read":          ({},
                                                            (401, 200, 404, 404, 404, 404, 404, 404)),
    "api-notice-read-all":      ({},
                                                            (401, 200, 200, 200, 200, 200, 200, 200)),
    "api-my-project-versions":  ({**PROJECT_DRAFT, "project": PROJECT_WEEK},
                                                            (401, 400, 201, 400, 400, 400, 400, 400)),
    "api-my-project-version-submit": ({},
                                                            (401, 400, 404, 404, 404, 404, 404, 404)),
    # Files come as multipart/form-data: a JSON body is refused before anything is read.
    "api-my-project-version-attachments": ({},
                                                            (401, 415, 404, 404, 404, 404, 404, 404)),
    "api-project-review":       (PROJECT_REVIEW_API,
                                                            (401, 403, 403, 201, 404, 404, 404, 201)),
    "api-token":                ({},
                                                            (400, 400, 400, 400, 400, 400, 400, 400)),
    "google_login_by_token":    ({"credential": "not-a-token"},
                                                            (404, 404, 404, 404, 404, 404, 404, 404)),
    "mfa_login_webauthn":       ({"credential": "{}"},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "privacy:export-start":     ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    "api-my-data-exports":      ({},
                                                            (401, 201, 201, 201, 201, 201, 201, 201)),
    # The learner's ready export's link (the world's): theirs once; nobody else's.
    "api-my-data-export-download": ({"token": EXPORT_TOKEN},
                                                            (401, 200, 404, 404, 404, 404, 404, 404)),
    "privacy:delete-cancel":    ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    # Confirmed with the password (tests.factories.PASSWORD); mentors and staff are refused.
    "privacy:delete":           ({"password": PASSWORD},
                                                            (302, 200, 200, 403, 403, 403, 403, 403)),
    "api-my-deletion":          ({"password": PASSWORD},
                                                            (401, 201, 201, 403, 403, 403, 403, 403)),
    "admin:logout":             ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 302)),
    # An empty body: staff are told which fields are missing.
    "api-cohort-list":          ({},
                                                            (401, 403, 403, 403, 403, 403, 403, 400)),
    "api-invitation-list":      ({},
                                                            (401, 403, 403, 403, 403, 403, 403, 400)),
    "api-invitation-resend":    ({},
                                                            (401, 403, 403, 403, 403, 403, 403, 200)),
    "api-invitation-revoke":    ({},
                                                            (401, 403, 403, 403, 403, 403, 403, 200)),
    # No file named: the confirmation form is refused and shown again.
    "admin:invitations_invitation_process_import": ({},
                                                            (302, 302, 302, 302, 302, 302, 302, 200)),
}
# fmt: on


# Query strings that some URLs need to do their job.
QUERIES = {"admin:autocomplete": "?app_label=progress&model_name=enrolment&field_name=learner&term=l"}


@dataclass(frozen=True)
class Route:
    key: str  # the table's key: "namespace:name", or a description for unnamed admin routes
    route: str  # the pattern, prefixes included
    url: str
    admin_kind: str | None  # for ModelAdmin URLs: changelist, add, change, delete, history, object


def walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern), namespace, pattern


ADMIN_KINDS = ("changelist", "add", "change", "delete", "history")


def concrete(route: str, values: dict[str, str]) -> str:
    """The route with every converter or named group filled in from `values` (by kwarg name)."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        assert name in values, f"no value for the URL argument {name!r} of {route}"
        return values[name]

    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", value, route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", value, url)
    return "/" + url.replace("^", "").replace("$", "")


def admin_object_id(model_admin: ModelAdmin) -> str:
    """The first row of the admin's model; a missing one for models without rows here."""
    obj = model_admin.model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj else "999999"


def project_routes(values: dict[str, str], enrolment: Enrolment, quiz: Quiz) -> list[Route]:
    routes = []
    for route, namespace, pattern in walk(get_resolver()):
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        model_admin = getattr(pattern.callback, "model_admin", None)
        kind = None
        if namespace == "admin" and isinstance(model_admin, ModelAdmin):
            if pattern.name:
                suffix = pattern.name.rsplit("_", 1)[-1]
                kind = suffix if suffix in ADMIN_KINDS else None
            elif route.endswith("<path:object_id>/"):
                kind = "object"
        if name is None and namespace == "admin" and "(?P<url>" in route:
            name = "admin/<catch-all>"
        if name is None and kind == "object":
            name = f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_object"
        assert name is not None, f"an unnamed URL pattern: {route} (name it, or give it a rule here)"
        filled = url_values(route, values, enrolment, quiz)
        if isinstance(model_admin, ModelAdmin) and "<path:object_id>" in route:
            filled["object_id"] = admin_object_id(model_admin)
        url = concrete(route, filled) + QUERIES.get(name, "")
        match = resolve(url.split("?")[0])
        if match.func != pattern.callback and match.url_name == pattern.name:
            continue  # a third-party view replaced by the project's own under the same name (log-in)
        assert match.func == pattern.callback, f"{url} resolves to {match.route}, not to {route}"
        routes.append(Route(key=name, route=route, url=url, admin_kind=kind))
    return routes


def expected_for(route: Route) -> tuple[int, ...] | None:
    if route.key in EXPECTED:
        return EXPECTED[route.key]
    if route.admin_kind:
        return ADMIN_MODEL_RULES[route.admin_kind]
    return None


@pytest.fixture
def world(
    learner, other_learner, mentor, other_mentor, former_mentor, completed_mentor, staff, settings, tmp_path
):
    """The learner enrolled with the mentor, with progress, a submission waiting for review, feedback;
    the other learner enrolled with the other mentor. The learner's past (tests.conftest.mentor_history):
    an earlier enrolment, completed, with the completed mentor; the current one was the former mentor's."""
    today = timezone.now().date()
    settings.MEDIA_ROOT = tmp_path  # the certificate's PDF
    _, _, enrolment = mentor_history(
        learner,
        completed_mentor=completed_mentor,
        former_mentor=former_mentor,
        enrol_now=lambda: progress_services.enrolment_create(learner=learner, start_date=today),
    )
    mentoring_services.mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    other = progress_services.enrolment_create(learner=other_learner, start_date=today)
    mentoring_services.mentees_assign(mentor=other_mentor, enrolment_ids=[other.pk])
    week = Week.objects.get(number=WEEK)
    progress_services.week_progress_set(enrolment=enrolment, week=week, status="in_progress", notes="Hm.")
    quiz = make_quiz(week=WEEK, free_text=True)
    submission = assessment_services.submission_create(
        learner=learner, quiz=quiz, answers=perfect_answers(quiz)
    )
    autograding.submission_grade(submission_id=submission.pk)
    mentoring_services.feedback_create(author=mentor, enrolment=enrolment, week=week, body="Good start.")
    ScheduleChange.objects.create(
        enrolment=enrolment, from_week=1, starts_on=today, reason="replan", changed_by=learner
    )
    mentoring_services.phase_review_create(
        reviewer=mentor, enrolment=enrolment, phase=week.phase, decision="returned", comments="Redo week 1."
    )
    settings.MEDIA_ROOT = tmp_path
    version = project_services.draft_save(
        learner=learner, project=Project.objects.get(week__number=PROJECT_WEEK),
        repository_url="https://github.com/a/b", commit="abc1234", report="# Report",
    )  # fmt: skip
    attachment = project_services.attachment_add(
        learner=learner, version_id=version.pk, upload=SimpleUploadedFile("results.csv", b"a,b\n")
    )
    project_services.version_submit(learner=learner, version_id=version.pk)
    # A reviewed version (the other learner's), so that the reviews' admin pages show one.
    theirs = project_services.draft_save(learner=other_learner, **PROJECT_DRAFT, project=version.project)
    project_services.version_submit(learner=other_learner, version_id=theirs.pk)
    project_services.review_create(
        reviewer=other_mentor, version_id=theirs.pk, decision="changes_requested", comment="More.",
        scores=[
            project_services.ScoreInput(criterion_id=n, level_id=4 * n - 2, points=3) for n in range(1, 5)
        ],
    )  # fmt: skip
    mentoring_services.mentor_digest_send(mentor_id=mentor.pk, today=today)  # an outbox row
    # A certificate of the learner's current enrolment (phase 1, signed by the mentor), its PDF stored,
    # listed on the learner's public portfolio; issued at once with the name the learner gave.
    learner.name = learner.name or "Ada Lovelace"
    learner.save(update_fields=["name"])
    certificate, _ = credentials_services.phase_certificate_issue(
        enrolment=enrolment, phase=Phase.objects.get(number=1), signed_by=mentor
    )
    credentials_services.certificate_pdf_store(certificate_id=certificate.pk)
    portfolio_services.portfolio_update(
        portfolio=portfolio_services.portfolio_for(learner=learner), learner=learner, is_public=True,
        slug="ada-public", certificate_ids=[certificate.public_id],
    )  # fmt: skip
    # Rows for the remaining admin models, so that every admin page renders something.
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    Token.objects.create(user=learner)
    # A sign-in provider set up in admin (another organisation's), connected to the learner, and the
    # learner's recovery codes (a second factor's back-up).
    app = SocialApp.objects.create(
        provider="openid_connect", provider_id="other-org", name="Other", client_id="c", secret="s",
        settings={"server_url": "https://idp.example"},
    )  # fmt: skip
    social = SocialAccount.objects.create(user=learner, provider="other-org", uid="ada")
    SocialToken.objects.create(app=app, account=social, token="t")
    RecoveryCodes.activate(learner)
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude=Decimal("51.5"), longitude=Decimal("0"))
    # A submission of code by the learner, under their current enrolment, with its result.
    exercise = Exercise.objects.get(pk=EXERCISE)
    code_run = exercise_services.run_create(
        learner=learner, exercise=exercise, kind="submission", code="x = 1"
    )
    Run.objects.filter(pk=code_run.pk).update(status="done", tests_passed=0, tests_total=1, passed=False)
    cohort = cohort_create(name="Cohort A", start_date=today, mentors=[mentor])
    invited = learner_onboard(
        name="Invited", email="invited@example.org", cohort=cohort, mentor=mentor, invited_by=staff
    )
    invitation_link = OutboxEmail.objects.get(kind="invitation").text
    # A data export of the learner's, ready, with its link (privacy).
    export = DataExport.objects.create(
        user=learner, status="ready", token_hash=token_hash(EXPORT_TOKEN), size=3,
        expires_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    default_storage.save(export.file_name, ContentFile(b"zip"))
    # A deletion the learner asked for and cancelled (pending, their pages would change).
    DeletionRequest.objects.create(user=learner, status="cancelled", erase_after=timezone.now())
    card = card_for(learner, quiz)  # a review card of the learner's (the cards app), and their settings
    desired_retention_set(learner=learner, desired_retention=0.85)
    users = {
        "learner": learner,
        "other_learner": other_learner,
        "mentor": mentor,
        "other_mentor": other_mentor,
        "former_mentor": former_mentor,
        "completed_mentor": completed_mentor,
        "staff": staff,
    }
    values = {
        "number": str(WEEK),
        "pk": str(submission.pk),
        "answer_id": str(submission.answers.get(question__kind="free_text").pk),
        "version_id": str(version.pk),
        "project_id": str(PROJECT_WEEK),
        "attachment_id": str(attachment.pk),
        "enrolment_id": str(enrolment.pk),
        "token": enrolment.calendar_token,
        "id": str(learner.pk),
        "app_label": "progress",
        "content_type_id": str(ContentType.objects.get_for_model(Submission).pk),
        "key": "not-a-real-key",
        "language": "es",
        "card_id": str(card.pk),
        "uidb36": "1",
        "url": "no-such-admin-page/",
        "public_id": certificate.public_id,
        "slug": "ada-public",
        "provider_id": "test-idp",
        "run_id": str(code_run.pk),
        "cohort_id": str(cohort.pk),
        "invitation_id": str(invited.invitation.pk),
        "invitation_token": re.search(r"/invitations/([\w-]+)/", invitation_link)[1],  # type: ignore[index]
        "export_id": str(export.pk),
        "notice_id": str(Notice.objects.filter(recipient=learner).order_by("pk").first().pk),  # type: ignore[union-attr]
    }
    return users, values, enrolment, quiz


def url_values(route: str, values: dict[str, str], enrolment: Enrolment, quiz: Quiz) -> dict[str, str]:
    """A few kwargs mean different objects in different URLs."""
    values = dict(values)
    if route.startswith(("exercises/runs/", "api/v1/exercise-runs/")):
        values["pk"] = values["run_id"]
    elif route.startswith(("exercises/", "api/v1/exercises/")):
        values["pk"] = str(EXERCISE)
    if route.startswith("api/v1/quizzes/"):
        values["pk"] = str(quiz.pk)
    if route.startswith("api/v1/^phases/"):
        values["number"] = str(Phase.objects.order_by("number").first().number)  # type: ignore[union-attr]
    if route.startswith(("api/v1/cards/", "api/v1/me/cards/")):
        values["pk"] = values["card_id"]
    if route.startswith("projects/weeks/"):
        values["number"] = str(PROJECT_WEEK)
    if route.startswith("api/v1/me/data-exports/"):
        values["pk"] = values["export_id"]
    if route.startswith("my/data/export/download/"):
        values["token"] = EXPORT_TOKEN
    if route.startswith("reminders/"):
        values["token"] = unsubscribe_token_for(enrolment_id=enrolment.pk)
    if route.startswith("invitations/"):
        values["token"] = values["invitation_token"]
    if route.startswith("admin/r/"):  # "view on site": the submission's page
        values["object_id"] = values["pk"]
    return values


def answered(client: Client, method: str, url: str, data: dict[str, object] | None = None) -> int:
    """The status of one request, whose writes are rolled back and whose cookies are forgotten (a
    log-out must not log the next request out)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif url.startswith("/api/"):
            response = client.post(url, data or {}, content_type="application/json")
        else:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_table_says(role, world):
    users, values, enrolment, quiz = world
    column = ROLES.index(role)
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(users[role])

    routes = project_routes(values, enrolment, quiz)
    missing = sorted({r.key for r in routes if expected_for(r) is None})
    assert not missing, "URLs missing from the permission table: " + ", ".join(missing)
    stale = sorted(set(EXPECTED) - {r.key for r in routes})
    assert not stale, "rows of the permission table that match no URL: " + ", ".join(stale)

    wrong = []
    for route in routes:
        url = route.url
        expected = expected_for(route)[column]  # type: ignore[index]
        got = answered(client, "GET", url)
        if got != expected:
            wrong.append(f"GET {route.key} ({url}): expected {expected}, got {got}")
        if got == 405 and route.key not in POSTS:
            wrong.append(f"{route.key} refuses GET but has no row in POSTS")
        if route.key in POSTS:
            data, statuses = POSTS[route.key]
            got = answered(client, "POST", url, data)
            if got != statuses[column]:
                wrong.append(f"POST {route.key} ({url}): expected {statuses[column]}, got {got}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
