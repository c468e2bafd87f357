"""The messages with arguments of mentoring's Jinja2 templates (mentoring/jinja2/), listed for
makemessages: it reads `{{ _("…") }}` in a template only when the string closes the call, so a message
written `{{ _("Week %(number)s", number=n) }}` is found here instead. Each must be exactly the template's
string (tests/i18n/test_i18n_mentor.py checks that every one is in the catalogue)."""

from django.utils.translation import gettext_noop

JINJA_MESSAGES = (
    # _dashboard.html
    gettext_noop("Page %(number)s of %(pages)s"),
    gettext_noop("No one is flagged “%(flag)s”."),
    # _table_rows.html
    gettext_noop("avg %(percent)s%%"),
    gettext_noop("last attempt %(percent)s%%"),
    gettext_noop("best %(percent)s%%"),
    gettext_noop("retention %(percent)s%% (%(phases)s)"),
    # _learner_weeks.html
    gettext_noop("<strong>%(author)s</strong> replied (%(day)s):"),
    gettext_noop("<strong>%(author)s</strong> (%(day)s):"),
    gettext_noop("Feedback on week %(number)s"),
)
