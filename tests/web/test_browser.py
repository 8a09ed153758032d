"""Real-browser tests: Debian's Chromium (Playwright) against ``osteotrials serve``.

The patient journey fills in the intake as a person with HR+/HER2-low
bone-only disease after a CDK4/6 inhibitor, reads the grouped results, answers
the next question, opens a trial, builds the visit sheet and reads the
downloaded PDF. Screenshots go to the ``artifacts_dir`` fixture.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from web.conftest import Server
from web.pdftext import pdf_text

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def group(page: Page, name: str) -> Any:
    return page.get_by_role("group", name=name)


def fill_intake(page: Page, server: Server, shots: Path | None = None) -> None:
    """Answer the intake as the HR+/HER2-low, bone-only, post-CDK4/6 patient."""
    page.goto(server.url + "/")
    page.get_by_role("link", name="Start the questions").first.click()

    def next_step(slug: str, button: str = "Next") -> None:
        if shots is not None:
            page.screenshot(path=str(shots / f"web-intake-{slug}.png"), full_page=True)
        page.get_by_role("button", name=button).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("About me")
    page.get_by_label("How old are you?").fill("63")
    group(page, "What sex were you assigned at birth?").get_by_label("Female").check()
    page.get_by_label("Yes, they stopped for good (after menopause)").check()
    group(page, "Are you pregnant or breastfeeding?").get_by_label("No", exact=True).check()
    next_step("about")

    expect(page.get_by_role("heading", level=1)).to_have_text("My cancer")
    page.get_by_label("Yes, ER-positive").check()
    page.get_by_label("Yes, PR-positive").check()
    page.get_by_label("HER2-low: score 1+").check()
    page.get_by_label("No, it came back and spread later").check()
    next_step("cancer")

    expect(page.get_by_role("heading", level=1)).to_have_text("Where it has spread")
    page.get_by_label("Only in my bones").check()
    group(page, "Has the cancer spread to the brain?").get_by_label("No", exact=True).check()
    page.get_by_label("No, it is not measurable").check()
    next_step("spread")

    expect(page.get_by_role("heading", level=1)).to_have_text("My treatments so far")
    group(page, "Since the cancer spread, have you had any medicine for it?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Your first treatment after the cancer spread").fill("letrozole and Ibrance")
    group(page, "How did your first treatment end?").get_by_label(
        "The cancer grew while I was on it"
    ).check()
    page.get_by_label("Before the cancer spread, which medicines").fill("anastrozole")
    page.get_by_label("Denosumab (Xgeva)").check()
    group(page, "Have you had radiotherapy (radiation treatment) to a bone?").get_by_label(
        "Yes", exact=True
    ).check()
    next_step("treatments")

    expect(page.get_by_role("heading", level=1)).to_have_text("How I am doing day to day")
    page.get_by_label("I can't do heavy work").check()
    next_step("daily")

    expect(page.get_by_role("heading", level=1)).to_have_text("Recent blood tests (optional)")
    next_step("bloods")  # optional: left empty

    expect(page.get_by_role("heading", level=1)).to_have_text("Where I live")
    page.get_by_label("United States", exact=True).check()
    page.get_by_label("Your ZIP code").fill("02115")
    page.get_by_label("Any distance").check()
    next_step("where", "See my trials")
    expect(page).to_have_url(re.compile(r"/results$"))


def group_text(page: Page, verdict: str) -> str:
    return page.locator(f"section.group-{verdict}").inner_text()


def test_patient_journey(page: Page, server: Server, artifacts_dir: Path) -> None:
    fill_intake(page, server, artifacts_dir)

    # grouped results, each group with its plain heading
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    for label in (
        "You may be able to join",
        "You might be able to join: questions to answer first",
        "Probably not a fit",
    ):
        assert any(h.startswith(label) for h in headings), headings
    possibly = page.locator("section.group-possibly_eligible article.card")
    assert possibly.count() > 0
    ineligible = page.locator("section.group-ineligible article.card")
    assert ineligible.count() > 0
    # every card says what it tests, the phase, randomisation, placebo, site and record date
    first = possibly.first.inner_text()
    for label in ("What it tests", "Phase", "Randomisation", "Placebo", "Nearest site"):
        assert label in first
    assert re.search(r"record (of|updated) \d{4}-\d{2}-\d{2}|record version sha256:", first)
    assert "Why it is probably not a fit (the trial's own words)" in ineligible.first.inner_text()
    page.screenshot(path=str(artifacts_dir / "web-results.png"), full_page=True)

    # the next question: answer it, the list updates
    question = page.locator("section.next-question")
    expect(question).to_be_visible()
    asked = question.locator("legend").inner_text()
    before = group_text(page, "possibly_eligible") + group_text(page, "ineligible")
    question.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Answer and update my list").click()
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("Thank you. You answered:")
    expect(notice).to_contain_text(re.compile(r"moved to|fewer questions left"))
    after = group_text(page, "possibly_eligible") + group_text(page, "ineligible")
    assert after != before
    if page.locator("section.next-question legend").count():
        assert page.locator("section.next-question legend").inner_text() != asked
    page.screenshot(path=str(artifacts_dir / "web-results-after-answer.png"), full_page=True)

    # a trial page: every criterion with its status for this patient
    card = page.locator("section.group-possibly_eligible article.card").first
    title = card.locator("h3").inner_text()
    card.locator("h3 a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    criteria = page.locator("li.criterion")
    assert criteria.count() > 3
    badges = set(page.locator("li.criterion .badge").all_inner_texts())
    assert badges and badges <= {"fits", "does not fit", "not known yet", "does not apply"}
    assert "not known yet" in badges  # a possibly-eligible trial has unknowns
    page.screenshot(path=str(artifacts_dir / "web-trial.png"), full_page=True)
    nct_id = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name="Add to my visit sheet").click()
    expect(page.get_by_role("button", name="Remove from my visit sheet")).to_be_visible()

    # the visit sheet, then its PDF
    page.get_by_role("link", name="Visit sheet (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Clinical trials to discuss with my oncologist"
    )
    sheet = page.locator("main").inner_text()
    assert title in sheet and nct_id in sheet
    assert "Questions to ask my oncologist" in sheet and "2026-01-05" in sheet
    assert "Still unknown for me" in sheet
    page.screenshot(path=str(artifacts_dir / "web-visit-sheet.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this sheet as a PDF").click()
    download = download_info.value
    pdf_path = artifacts_dir / "web-visit-sheet.pdf"
    download.save_as(str(pdf_path))
    text = " ".join(pdf_text(pdf_path.read_bytes()).split())
    assert nct_id in text
    assert " ".join(title.split()[:4]) in text
    for words in (
        "Clinical trials to discuss with my oncologist",
        "What I told the trial finder",
        "Still unknown for me",
        "Questions about this trial",
        "Can we find out these facts from my records",
        "Questions to ask my oncologist",
        "Costs",
        "not medical advice",
        "2026-01-05",
    ):
        assert words in text, words

    # nothing about the patient reached the server's output (no access log, no data)
    output = server.output()
    for secret in ("02115", "Ibrance", "letrozole", "anastrozole", "HER2"):
        assert secret not in output


def test_results_on_a_phone(browser: Browser, server: Server, artifacts_dir: Path) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        fill_intake(page, server)
        # no sideways scrolling on a narrow screen
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        page.screenshot(path=str(artifacts_dir / "web-results-phone.png"), full_page=False)
        page.goto(server.url + "/intake/cancer")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(artifacts_dir / "web-intake-phone.png"), full_page=True)
    finally:
        context.close()


def focused(page: Page) -> dict[str, str]:
    result = page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), id: el.id || '', name: el.name || '',
                    text: (el.innerText || el.value || '').trim().slice(0, 60),
                    outline: style.outlineStyle, type: el.type || ''};
        }"""
    )
    assert isinstance(result, dict)
    return result


def tab_to(page: Page, want: Any, limit: int = 60) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if want(state):
            return state
    raise AssertionError("could not reach the element with the Tab key")


def test_keyboard_only_intake(page: Page, server: Server, artifacts_dir: Path) -> None:
    page.goto(server.url + "/intake/about")
    # the first Tab reaches the skip link, which moves focus to the main content
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to the main content"
    page.keyboard.press("Enter")
    state = tab_to(page, lambda s: s["id"] == "age")
    assert state["outline"] != "none"  # the focus is visible
    page.keyboard.type("58")
    # sex: Tab into the radio group, arrow keys choose
    tab_to(page, lambda s: s["name"] == "sex")
    page.keyboard.press("Space")
    assert page.locator("#sex-1").is_checked()  # Female
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.locator("#sex-1").is_checked()
    tab_to(page, lambda s: s["name"] == "menopause")
    page.keyboard.press("ArrowDown")  # moves to and selects the second answer
    assert page.locator("#menopause-2").is_checked()
    page.screenshot(path=str(artifacts_dir / "web-keyboard-about.png"), full_page=True)
    state = tab_to(page, lambda s: s["tag"] == "button")
    assert state["text"] == "Next" and state["outline"] != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/intake/cancer$"))
    # the whole next step by keyboard too, submitted with Enter from a radio button
    tab_to(page, lambda s: s["name"] == "er")
    page.keyboard.press("Space")
    tab_to(page, lambda s: s["name"] == "her2")
    page.keyboard.press("ArrowDown")  # HER2-low 1+
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/intake/spread$"))
    # back to the first step: the answers were kept
    page.goto(server.url + "/intake/about")
    assert page.locator("#age").input_value() == "58"
    assert page.locator("#sex-1").is_checked()
    page.goto(server.url + "/intake/cancer")
    assert page.locator("#er-1").is_checked() and page.locator("#her2-2").is_checked()
