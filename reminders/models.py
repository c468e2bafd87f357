"""Reminders keep no table of their own: every reminder is a row of the outbox (notifications.Email),
under the key `reminder:<enrolment>:<week>:<kind>` (see reminders.services)."""
