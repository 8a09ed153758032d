"""The visit sheet: content, escaping of trial text, offline PDF with readable text."""

from __future__ import annotations

import re
from datetime import date

from osteotrials.report.visit_sheet import (
    DISCLAIMER,
    GENERAL_QUESTIONS,
    SheetTrial,
    VisitSheet,
    render_html,
    render_pdf,
)
from web.pdftext import pdf_fonts, pdf_text

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def sheet() -> VisitSheet:
    return VisitSheet(
        made_on=date(2026, 1, 20),
        snapshot_date="2026-01-05",
        summary=[("HER2", "low"), ("Cancer only in the bones", "yes")],
        trials=[
            SheetTrial(
                nct_id="NCT06263543",
                title=f"SERIES trial {PAYLOAD}",
                verdict="possibly_eligible",
                verdict_text="You might be able to join: questions to answer first",
                what_it_tests="An antibody-drug conjugate.",
                phase="Phase 2: tests whether the treatment works.",
                randomisation="Not randomised.",
                placebo="No placebo is mentioned in the record.",
                nearest_site="Dana-Farber, Boston: about 1 km (1 miles) away",
                record_version="record of 2026-01-05",
                unknowns=["HER2 status on a recent biopsy", "creatinine clearance"],
                blocking=[f"Prior sacituzumab govitecan {PAYLOAD}"],
            )
        ],
        open_questions=["What was the HER2 result of your tumour test?"],
    )


def test_html_has_every_part_and_escapes_trial_text() -> None:
    html = render_html(sheet())
    assert "<script>" not in html.split("</style>", 1)[1]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img" not in html
    for text in (
        "NCT06263543",
        "Still unknown for me",
        "HER2 status on a recent biopsy",
        "creatinine clearance",
        "Rules that may rule me out (the trial's own words)",
        "Questions to ask my oncologist",
        "What was the HER2 result of your tumour test?",
        "2026-01-05",
        "Made on 2026-01-20",
        "NCT06263543 · record of 2026-01-05",
    ):
        assert text in html, text
    for topic, questions in GENERAL_QUESTIONS:
        assert topic in html
        assert all(q.replace("'", "&#39;") in html for q in questions)
    assert DISCLAIMER.replace("'", "&#39;") in html or DISCLAIMER in html


def test_html_styles_inline_or_linked() -> None:
    inline = render_html(sheet())
    assert "<style>" in inline and "@page" in inline and "&#34;" not in inline.split("</style>")[0]
    linked = render_html(sheet(), stylesheet_href="/visit-sheet.css")
    assert '<link rel="stylesheet" href="/visit-sheet.css">' in linked
    assert "<style>" not in linked
    # no outside resources either way
    for html in (inline, linked):
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_sheet_without_trials_still_helps() -> None:
    html = render_html(VisitSheet(snapshot_date="2026-01-05"))
    assert "I have not chosen any trials yet" in html
    assert "Questions to ask my oncologist" in html


def test_pdf_text() -> None:
    pdf = render_pdf(sheet())
    assert pdf.startswith(b"%PDF-")
    text = " ".join(pdf_text(pdf).split())
    for words in (
        "Clinical trials to discuss with my oncologist",
        'SERIES trial <script>alert("x")</script>',
        "NCT06263543",
        "HER2 status on a recent biopsy",
        "Prior sacituzumab govitecan",
        "Questions to ask my oncologist",
        "What does the trial pay for",
        "2026-01-05",
        "not medical advice",
    ):
        assert words in text, words


def test_pdf_uses_local_fonts_only() -> None:
    pdf = render_pdf(sheet())
    fonts = pdf_fonts(pdf)
    assert fonts and all(f.startswith(("DejaVu", "Liberation")) for f in fonts), fonts
