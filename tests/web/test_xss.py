"""XSS probe: a trial whose text carries script payloads is shown as text, in the browser,
and nothing runs (no dialog, no marker set, no injected element)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from osteotrials.model import Trial
from osteotrials.model.trial import Eligibility, Intervention, Location
from osteotrials.sources import read_trials
from osteotrials.store import SNAPSHOT_DATE, SQLiteStore
from paths import SNAPSHOT_JSONL
from web.conftest import Server, running_server
from web.pdftext import pdf_text

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__xss = 'script'; alert('xss-script')</script>"
IMG = "<img src=x onerror=\"window.__xss = 'img'; alert('xss-img')\">"
SVG = "<svg onload=\"window.__xss = 'svg'\"></svg>"
TITLE = f"Bone trial {SCRIPT} and {IMG}"
NCT = "NCT09999901"


def evil_trial() -> Trial:
    criteria = (
        "Inclusion Criteria:\n\n"
        f"* Metastatic breast cancer {SCRIPT}\n"
        f"* Age 18 years or older {IMG}\n\n"
        "Exclusion Criteria:\n\n"
        f"* Brain metastases {SVG}\n"
        f'* "><script>window.__xss = "attr"</script>\n'
    )
    return Trial(
        nct_id=NCT,
        brief_title=TITLE,
        official_title=f"Official {IMG}",
        overall_status="RECRUITING",
        brief_summary=f"Summary {SCRIPT} {SVG}",
        lead_sponsor=f"Sponsor {IMG}",
        phases=["PHASE2"],
        study_type="INTERVENTIONAL",
        conditions=["Breast Cancer", "Bone Metastases"],
        interventions=[Intervention(type="DRUG", name=f"letrozole {IMG}")],
        eligibility=Eligibility(criteria=criteria, sex="ALL", minimum_age="18 Years"),
        locations=[
            Location(
                facility=f"Clinic {SCRIPT}",
                city="Boston",
                zip="02115",
                country="United States",
                status="RECRUITING",
            )
        ],
        record_version="2026-01-05",
        record_version_basis="source_date",
    )


@pytest.fixture(scope="module")
def evil_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("xss")
    db = work / "xss.sqlite"
    store = SQLiteStore(db)
    try:
        real = [t for t in read_trials([SNAPSHOT_JSONL]) if t.is_open][:10]
        store.upsert_trials([evil_trial(), *real])
        store.set_meta("snapshot_date", SNAPSHOT_DATE)
    finally:
        store.close()
    with running_server(db, work) as srv:
        yield srv


@pytest.fixture
def watched_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    events: list[str] = []
    page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: events.append(f"error: {e}"))
    try:
        yield page, events
    finally:
        context.close()


def assert_inert(page: Page, events: list[str]) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img, svg, main script").count() == 0
    assert not [e for e in events if e.startswith("dialog")], events


def test_trial_text_is_shown_as_text_and_never_runs(
    watched_page: tuple[Page, list[str]], evil_server: Server, artifacts_dir: Path
) -> None:
    page, events = watched_page
    page.goto(f"{evil_server.url}/trials/{NCT}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(TITLE)  # the payload is visible, character for character
    body = page.locator("main").inner_text()
    for payload in (SCRIPT, IMG, SVG):
        assert payload in body
    page.wait_for_timeout(300)
    assert_inert(page, events)
    page.screenshot(path=str(artifacts_dir / "web-xss-trial.png"), full_page=True)

    page.goto(f"{evil_server.url}/search?q=bone+trial&status=all")
    expect(page.get_by_role("link", name=re.compile("Bone trial"))).to_have_text(TITLE)
    assert_inert(page, events)

    # the patient path: results card, visit sheet and its PDF
    page.goto(f"{evil_server.url}/intake/about")
    page.get_by_label("How old are you?").fill("60")
    page.get_by_role("button", name="Next").click()
    page.goto(f"{evil_server.url}/results")
    card = page.locator("article.card", has_text="Bone trial")
    expect(card.locator("h3")).to_have_text(TITLE)
    assert_inert(page, events)
    page.goto(f"{evil_server.url}/trials/{NCT}")
    page.get_by_role("button", name="Add to my visit sheet").click()
    page.goto(f"{evil_server.url}/visit-sheet")
    assert TITLE in page.locator("main").inner_text()
    assert_inert(page, events)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download this sheet as a PDF").click()
    text = pdf_text(Path(info.value.path()).read_bytes())
    assert "<script>window.__xss" in " ".join(text.split())
    # the Content-Security-Policy allowed no inline script, so no error came from one
    assert not events, events
