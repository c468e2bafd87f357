import pytest


@pytest.fixture(autouse=True)
def _subjects_as_given(settings):
    """The outbox's mechanics are tested on the subjects the tests give; the site-name prefix every
    subject gets is tested on its own (test_outbox.py) and on the product's e-mails (test_site_url.py)."""
    settings.SITE_NAME = ""
