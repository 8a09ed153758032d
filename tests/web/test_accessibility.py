"""Accessibility: axe-core (vendored from npm) in Chromium on every page, plus checks
of our own for labels and heading order.

axe runs the WCAG 2.0/2.1 A and AA rules (labels, names, colour contrast ...) and its
best-practice rules (heading order, landmarks, one h1). The page is loaded with
``bypass_csp`` only so the test can inject axe; the app itself allows no inline script.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from web.conftest import Server
from web.test_browser import fill_intake

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def a11y_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        TAGS,
    )
    assert isinstance(result, list)
    return result


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in violations
        ],
        indent=1,
    )


def own_checks(page: Page) -> None:
    """Every form control has a label; headings never skip a level."""
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name || el.id)"""
    )
    assert unlabelled == []
    levels = page.evaluate(
        "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
    )
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    for previous, current in itertools.pairwise(levels):
        assert current <= previous + 1, levels


def test_every_page_passes_axe(a11y_page: Page, server: Server, artifacts_dir: Path) -> None:
    page = a11y_page
    checked: dict[str, int] = {}

    def check(url: str | None = None) -> None:
        if url is not None:
            page.goto(server.url + url)
        where = page.url.removeprefix(server.url)
        violations = axe_violations(page)
        assert violations == [], f"{where}: {describe(violations)}"
        own_checks(page)
        checked[where] = 0

    for url in ("/", "/about", "/privacy", "/search?q=bone+metastases", "/api/docs"):
        check(url)
    for slug in ("about", "cancer", "spread", "treatments", "daily", "bloods", "where"):
        check(f"/intake/{slug}")
    # an answer with errors: the error summary and the marked fields
    page.goto(server.url + "/intake/about")
    page.get_by_label("How old are you?").fill("7")
    page.get_by_role("button", name="Next").click()
    assert page.get_by_role("alert").count() == 1
    check()
    # the patient's own pages
    fill_intake(page, server)
    check()  # results
    page.locator("article.card h3 a").first.click()
    check()  # trial page with statuses
    page.get_by_role("button", name="Add to my visit sheet").click()
    check("/visit-sheet")
    (artifacts_dir / "web-axe-pages.json").write_text(json.dumps(sorted(checked), indent=1))
    assert len(checked) >= 15
