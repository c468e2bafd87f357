"""Where a sign-up's time goes (issue 40: "the sign-up POST takes 2.6 s").

    .venv/bin/python bench/signup.py                 # 5 sign-ups a way, a 300 ms mail server
    .venv/bin/python bench/signup.py --rounds 9 --mail-delay 0.5

On a scratch SQLite database (the run command's), in one process, interleaved:
- the whole sign-up POST through Django's test client, with the confirmation e-mail
  * sent in the request, as allauth sends it (before: `DefaultAccountAdapter.send_mail`), to a mail
    server that takes `--mail-delay` seconds to accept a message;
  * put in the outbox (now: `accounts.adapter`), whose worker sends it after the request (a broker
    that only queues the task here: the request's time is what a user waits for);
- its parts alone: the password hash (Django's default hasher, PBKDF2-SHA256 at Django's iterations),
  the password validators.
Prints the medians in ms and each part's share of the sign-up.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "a-long-unusual-passphrase-42"


class SlowMailServer:
    """An e-mail backend whose server takes `delay` seconds per message (a remote SMTP round trip)."""

    delay = 0.3

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: list) -> int:
        time.sleep(self.delay * len(messages))
        return len(messages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mail-delay", type=float, default=0.3)
    args = parser.parse_args()
    SlowMailServer.delay = args.mail_delay

    folder = tempfile.mkdtemp(prefix="bench-signup-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lms.settings",
        LOCAL="true",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        EMAIL_BACKEND="bench.signup.SlowMailServer",
        CELERY_BROKER_URL="memory://",  # a broker: the sending task is queued, as in production
        CELERY_RESULT_BACKEND="cache+memory://",
    )
    import django

    django.setup()
    from allauth.account.adapter import DefaultAccountAdapter
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password
    from django.core.management import call_command
    from django.test import Client

    from accounts.adapter import AccountAdapter
    from notifications.models import Email

    call_command("migrate", verbosity=0)
    client = Client()
    client.get("/accounts/signup/")  # templates, validators' word lists: loaded once, as in a server
    counter = iter(range(1_000_000))

    def sign_up() -> float:
        email = f"bench-{next(counter)}@example.com"
        data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        started = time.perf_counter()
        response = client.post("/accounts/signup/", data)
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        client.logout()
        return elapsed

    def sign_up_sending_in_the_request() -> float:
        original = AccountAdapter.send_mail
        AccountAdapter.send_mail = DefaultAccountAdapter.send_mail  # type: ignore[method-assign]
        try:
            return sign_up()
        finally:
            AccountAdapter.send_mail = original  # type: ignore[method-assign]

    def timed(function, *arguments) -> float:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        function(*arguments)
        return time.perf_counter() - started

    times: dict[str, list[float]] = {"before": [], "now": [], "hash": [], "validators": []}
    for _ in range(args.rounds):
        times["before"].append(sign_up_sending_in_the_request())
        queued = Email.objects.count()
        times["now"].append(sign_up())
        assert Email.objects.count() == queued + 1, "the confirmation was not put in the outbox"
        times["hash"].append(timed(make_password, PASSWORD))
        times["validators"].append(timed(validate_password, PASSWORD))
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    print(f"{args.rounds} rounds, a mail server taking {args.mail_delay * 1000:.0f} ms a message")
    for name, words in [
        ("before", "sign-up, confirmation sent in the request (before)"),
        ("now", "sign-up, confirmation through the outbox (now)"),
        ("hash", "the password hash alone"),
        ("validators", "the password validators alone"),
    ]:
        print(f"  {words:<55} {median[name]:8.1f} ms")
    print(f"  now / before: {median['now'] / median['before']:.2f}")
    print(f"  the hash's share of a sign-up now: {median['hash'] / median['now']:.0%}")


if __name__ == "__main__":
    main()
