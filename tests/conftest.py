"""Fixtures shared by every test folder.

:func:`browser` is here, not in ``tests/browser/conftest.py``, because Playwright's
sync API runs one event loop per thread: a second ``sync_playwright()`` while the
session's is open fails ("using Playwright Sync API inside the asyncio loop"), so
every real-browser test (``tests/browser``, ``tests/deploy``) shares this one.
"""

import os

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole session (skipped where it is missing)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(apt-get install chromium) to run the real-browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is missing")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
