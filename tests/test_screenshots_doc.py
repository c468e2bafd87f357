"""The README's screenshots (docs/screenshots/, written by tests/e2e/test_polish.py): every link points at
a committed PNG of a reasonable size, and every PNG there is linked."""

import re

from tests.conftest import REPO


def test_every_screenshot_is_linked_from_the_readme_and_every_link_has_its_png():
    readme = (REPO / "README.md").read_text()
    linked = set(re.findall(r"\((docs/screenshots/[^)]+\.png)\)", readme))
    committed = {str(path.relative_to(REPO)) for path in (REPO / "docs" / "screenshots").glob("*.png")}
    assert linked
    assert linked == committed
    for name in committed:
        data = (REPO / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
        assert len(data) < 600_000, f"{name} is {len(data)} bytes: compress it"
