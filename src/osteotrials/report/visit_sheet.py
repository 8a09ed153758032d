"""The visit sheet: a printable page (HTML) and a PDF to take to the oncologist.

It lists the trials the person chose, what is still unknown for each, the
reasons a trial may not fit (in the trial's own words), questions to ask the
oncologist, the data snapshot date and a plain disclaimer.

The sheet is built from a :class:`VisitSheet` (plain data: the web app and the
API fill it from a match result); this module only lays it out. Trial text is
untrusted and is always escaped (Jinja2 autoescape). The PDF is made with
WeasyPrint from the same HTML, with local fonts only (nothing is fetched).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel, Field

__all__ = [
    "DISCLAIMER",
    "GENERAL_QUESTIONS",
    "STYLESHEET",
    "SheetTrial",
    "VisitSheet",
    "render_html",
    "render_pdf",
]

TEMPLATE_DIR = Path(str(resources.files("osteotrials.report").joinpath("templates/visit_sheet")))
STYLESHEET = TEMPLATE_DIR / "visit_sheet.css"

DISCLAIMER = (
    "This sheet was made by a computer program from public trial records. It is not "
    "medical advice and it does not decide whether you can join a trial: only the trial "
    "team can, after checking your records. Trial records change often, so ask the trial "
    "team for the latest version. Your answers were not sent anywhere."
)

#: Questions worth asking about any trial (goal, randomisation, daily-life burden,
#: leaving, costs), in plain words.
GENERAL_QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "The goal of the trial",
        (
            "What is this trial trying to find out?",
            "How is the treatment different from what I would get anyway?",
            "What could I gain, and what are the main risks and side effects?",
        ),
    ),
    (
        "Randomisation and placebo",
        (
            "Will a computer decide by chance which treatment I get (randomisation)?",
            "Is there a placebo (a dummy treatment)? Would I still get a real treatment?",
            "Will I or my doctors know which treatment I am getting?",
        ),
    ),
    (
        "Daily life",
        (
            "How often would I need to come in for visits, and how long does a visit take?",
            "How many scans, blood draws or biopsies (taking a small piece of tissue) are needed?",
            "How far would I travel, and is help with travel or a place to stay offered?",
            "Can I keep my bone-strengthening medicine and my other medicines?",
        ),
    ),
    (
        "Leaving the trial",
        (
            "Can I stop whenever I want, and what happens to my care if I do?",
            "When would the trial team take me off the treatment (for example if the "
            "cancer grows)?",
            "What treatment could I have after the trial?",
        ),
    ),
    (
        "Costs",
        (
            "What does the trial pay for, and what would I or my insurance pay?",
            "Are travel, parking or time off work paid back?",
        ),
    ),
)


class SheetTrial(BaseModel):
    """One chosen trial as shown on the sheet (all text plain, untrusted trial text kept)."""

    nct_id: str
    title: str
    verdict: str | None = Field(None, description="eligible / possibly_eligible / ineligible")
    verdict_text: str | None = None
    what_it_tests: str = ""
    phase: str = ""
    randomisation: str = ""
    placebo: str = ""
    status: str = ""
    nearest_site: str | None = None
    #: the record version as the person reads it ("record of 2026-01-05")
    record_version: str = ""
    #: what is still unknown for this person (plain labels)
    unknowns: list[str] = Field(default_factory=list)
    #: criteria that may rule the person out, in the trial's own words
    blocking: list[str] = Field(default_factory=list)
    #: when only washouts block: when they would be over, in plain words
    after_washout: str | None = None
    #: trial-specific questions to ask
    questions: list[str] = Field(default_factory=list)
    url: str = ""


class VisitSheet(BaseModel):
    """Everything the sheet shows."""

    made_on: date = Field(default_factory=date.today)
    snapshot_date: str
    #: a few facts from the person's answers, as (label, value) pairs
    summary: list[tuple[str, str]] = Field(default_factory=list)
    trials: list[SheetTrial] = Field(default_factory=list)
    #: open questions from the matcher ("What is your HER2 score?"), plain language
    open_questions: list[str] = Field(default_factory=list)
    general_questions: list[tuple[str, list[str]]] = Field(
        default_factory=lambda: [(t, list(qs)) for t, qs in GENERAL_QUESTIONS]
    )
    disclaimer: str = DISCLAIMER


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(
    sheet: VisitSheet, *, stylesheet_href: str | None = None, for_pdf: bool = False
) -> str:
    """The sheet as one HTML page.

    ``stylesheet_href`` links the stylesheet (for a server whose Content-Security-Policy
    forbids inline styles); without it the styles are written into the page, so a saved
    copy looks the same offline.
    """
    context: dict[str, Any] = {
        "sheet": sheet,
        "stylesheet_href": stylesheet_href,
        "inline_css": None if stylesheet_href else STYLESHEET.read_text(encoding="utf-8"),
        "for_pdf": for_pdf,
    }
    return _environment().get_template("sheet.html").render(context)


def render_pdf(sheet: VisitSheet) -> bytes:
    """The sheet as a PDF (WeasyPrint; no network access: every URL fetch is refused)."""
    import weasyprint

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the visit sheet does not load outside resources ({url[:40]})")

    html = weasyprint.HTML(
        string=render_html(sheet, for_pdf=True), url_fetcher=no_fetch, base_url="."
    )
    pdf = html.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
