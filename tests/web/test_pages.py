"""Patient pages without a browser: intake answers, CSRF, sessions, escaping."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from osteotrials.patient import derive, parse_patient
from osteotrials.web import intake
from osteotrials.web.session import COOKIE_NAME


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def post_step(client: TestClient, slug: str, data: dict[str, object]) -> object:
    token = csrf_of(client.get(f"/intake/{slug}").text)
    return client.post(
        f"/intake/{slug}", data={"csrf_token": token, **data}, follow_redirects=False
    )


def test_every_question_offers_i_dont_know(browser_client: TestClient) -> None:
    for step in intake.STEPS:
        html = browser_client.get(f"/intake/{step.slug}").text
        for q in step.questions:
            if q.kind in ("radio", "checkbox"):
                assert f'name="{q.name}" value="unknown"' in html, q.name
            else:
                assert f'name="{q.name}__unknown"' in html, q.name
        # every input has a label
        ids = re.findall(r'<input[^>]* id="([^"]+)"', html)
        for input_id in ids:
            assert f'for="{input_id}"' in html, input_id


def test_intake_builds_the_patient_from_plain_answers(browser_client: TestClient) -> None:
    steps = {
        "about": {"age": "63", "sex": "female", "menopause": "post", "pregnant": "no"},
        "cancer": {"er": "positive", "pr": "positive", "her2": "1+", "presentation": "recurrent"},
        "spread": {"spread": "only_bone", "brain": "none", "measurable": "no"},
        "treatments": {
            "treated": "yes",
            "line1_drugs": "Femara and Ibrance",
            "line1_stop": "progression",
            "adjuvant_drugs": "anastrozole",
            "bone_agent": "denosumab",
            "bone_radiation": "unknown",
        },
        "daily": {"ecog": "1"},
        "bloods": {"hemoglobin": "12.1", "platelets__unknown": "1"},
        "where": {"country": "US", "zip": "02115", "travel": "250"},
    }
    for i, (slug, data) in enumerate(steps.items()):
        response = post_step(browser_client, slug, data)
        assert response.status_code == 303  # type: ignore[attr-defined]
        location = response.headers["location"]  # type: ignore[attr-defined]
        expected = f"/intake/{intake.STEPS[i + 1].slug}" if i + 1 < len(steps) else "/results"
        assert location == expected
    answers_file = browser_client.post(
        "/my-answers", data={"csrf_token": csrf_of(browser_client.get("/intake/where").text)}
    )
    assert answers_file.status_code == 200
    assert "attachment" in answers_file.headers["content-disposition"]
    import yaml

    doc = yaml.safe_load(answers_file.text)
    patient = parse_patient(doc).patient
    facts = derive(patient)
    assert facts.her2_category == "low" and facts.hr_positive is True
    assert facts.bone_only is True and facts.measurable_disease is False
    assert [r.drugs for r in patient.regimens or []] == [
        ["anastrozole"],
        ["letrozole", "palbociclib"],
    ]
    assert facts.lines.total.minimum == 1
    assert patient.performance.ecog == 1 and patient.postal_code == "02115"
    assert [(lab.analyte, lab.value) for lab in patient.labs] == [("hemoglobin", 12.1)]
    # "I don't know" left the fact unknown instead of assuming it
    assert patient.radiotherapy is None and patient.cns.status == "none"


def test_bad_answers_are_shown_next_to_the_question(browser_client: TestClient) -> None:
    for odd in ("nan", "inf", "1e400", "-0x1"):
        odd_response = post_step(browser_client, "about", {"age": odd})
        assert odd_response.status_code == 400, odd  # type: ignore[attr-defined]
    response = post_step(browser_client, "about", {"age": "7", "sex": "robot"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert "between 18 and 120" in html and "Please choose one of the answers." in html
    assert 'aria-invalid="true"' in html
    treatments = post_step(browser_client, "treatments", {"line1_drugs": "zzqx"})
    assert "did not recognise a medicine" in treatments.text  # type: ignore[attr-defined]
    zip_code = post_step(browser_client, "where", {"zip": "2115"})
    assert "five digits" in zip_code.text  # type: ignore[attr-defined]


def test_forms_need_the_session_csrf_token(browser_client: TestClient) -> None:
    browser_client.get("/intake/about")
    no_token = browser_client.post("/intake/about", data={"age": "50"}, follow_redirects=False)
    assert no_token.status_code == 403
    wrong = browser_client.post(
        "/intake/about", data={"age": "50", "csrf_token": "x" * 43}, follow_redirects=False
    )
    assert wrong.status_code == 403
    # a token from another session is refused too
    with TestClient(browser_client.app, base_url="http://127.0.0.1") as other:
        token = csrf_of(other.get("/intake/about").text)
    stolen = browser_client.post(
        "/intake/about", data={"age": "50", "csrf_token": token}, follow_redirects=False
    )
    assert stolen.status_code == 403
    cross_site = browser_client.post(
        "/intake/about",
        data={"age": "50", "csrf_token": csrf_of(browser_client.get("/intake/about").text)},
        headers={"Origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert cross_site.status_code == 403


def test_session_cookie_is_random_httponly_and_holds_no_answers(
    browser_client: TestClient,
) -> None:
    response = browser_client.get("/intake/about")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(value) >= 40
    post_step(browser_client, "about", {"age": "63"})
    assert browser_client.cookies.get(COOKIE_NAME) == value  # answers did not go in it


def test_forget_deletes_the_answers(browser_client: TestClient) -> None:
    post_step(browser_client, "about", {"age": "63", "sex": "female"})
    assert 'value="63"' in browser_client.get("/intake/about").text
    token = csrf_of(browser_client.get("/intake/about").text)
    response = browser_client.post("/forget", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert 'value="63"' not in browser_client.get("/intake/about").text
    assert browser_client.get("/results", follow_redirects=False).headers["location"] == ("/intake")


def test_static_pages_explain_terms(browser_client: TestClient) -> None:
    about = browser_client.get("/about").text
    for words in ("Phase 1", "placebo", "Costs", "Leaving a trial", "Biopsies", "Age limits"):
        assert words in about
    home = browser_client.get("/").text
    assert "metastatic breast cancer" in home and "eligibility criteria" in home
    assert "<script" not in home and "<script" not in about


def test_search_page_escapes_and_links(browser_client: TestClient) -> None:
    html = browser_client.get("/search", params={"q": '<b>bone</b> "metastases"'}).text
    assert "<b>bone</b>" not in html and "&lt;b&gt;bone&lt;/b&gt;" in html
    assert re.search(r'href="/trials/NCT\d{8}"', html)


def test_unknown_pages_are_friendly_404s(browser_client: TestClient) -> None:
    assert browser_client.get("/intake/nowhere").status_code == 404
    response = browser_client.get("/trials/NCT99999999")
    assert response.status_code == 404 and "No such trial" in response.text


def _syllables(word: str) -> int:
    """A common English syllable estimate (vowel groups, silent final e)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def reading_grade(html: str) -> float:
    """Flesch-Kincaid grade of the page's paragraphs, list items and definitions."""
    import html as html_lib

    main = html[html.index("<main") : html.index("</main>")]
    parts = re.findall(r"<(p|dd|li)[^>]*>(.*?)</\1>", main, flags=re.S)
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)) for _tag, body in parts)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if re.search("[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


def test_plain_language_reading_level(browser_client: TestClient) -> None:
    """The explanations aim at an 8th-grade reading level (Flesch-Kincaid grade)."""
    urls = ["/", "/about", "/privacy"] + [f"/intake/{s.slug}" for s in intake.STEPS]
    grades = {url: reading_grade(browser_client.get(url).text) for url in urls}
    assert all(grade <= 8.5 for grade in grades.values()), grades


def load_example(client: TestClient, name: str) -> tuple[str, httpx.Response]:
    """Upload an example patient file on the home page: (the form token, the response)."""
    from paths import EXAMPLE_PATIENTS

    example = EXAMPLE_PATIENTS / f"{name}.yaml"
    token = csrf_of(client.get("/").text)
    response = client.post(
        "/load",
        data={"csrf_token": token},
        files={"file": ("patient.yaml", example.read_bytes(), "application/x-yaml")},
        follow_redirects=False,
    )
    return token, response


def test_load_a_saved_patient_file(browser_client: TestClient) -> None:
    token, response = load_example(browser_client, "hr-her2low-bone-only-post-cdk46")
    assert response.status_code == 303 and response.headers["location"] == "/results"
    results = browser_client.get("/results").text
    assert "Probably not a fit" in results and 'class="card"' in results
    bad = browser_client.post(
        "/load",
        data={"csrf_token": token},
        files={"file": ("p.yaml", b"receptors:\n  er_percent: 140\n", "application/x-yaml")},
    )
    assert bad.status_code == 400
    assert "receptors.er_percent" in bad.text and "0-100" in bad.text


def test_visit_sheet_choice_never_redirects_off_site(browser_client: TestClient) -> None:
    token = csrf_of(browser_client.get("/").text)
    for back, expected in (
        ("/trials/NCT06263543#top", "/trials/NCT06263543#top"),
        ("//evil.example/", "/results"),
        ("/\\evil.example", "/results"),
        ("https://evil.example/", "/results"),
    ):
        response = browser_client.post(
            "/choose",
            data={"csrf_token": token, "nct_id": "NCT06263543", "back": back},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == expected
    sheet = browser_client.get("/visit-sheet").text
    assert "NCT06263543" in sheet


def test_sessions_expire_and_are_bounded() -> None:
    import time

    from osteotrials.web.session import SessionStore

    store = SessionStore(ttl=0.05, max_sessions=3)
    first = store.create()
    assert store.get(first.id) is first
    time.sleep(0.1)
    assert store.get(first.id) is None  # idle too long: gone
    ids = [store.create().id for _ in range(5)]
    assert len(store) == 3  # the oldest were dropped
    assert store.get(ids[0]) is None and store.get(ids[-1]) is not None
    assert store.get("not-a-session") is None and store.get(None) is None


def test_forgetting_removes_the_session_from_memory(browser_client: TestClient) -> None:
    sessions = browser_client.app.state.sessions  # type: ignore[attr-defined]
    post_step(browser_client, "about", {"age": "63"})
    session_id = browser_client.cookies.get(COOKIE_NAME)
    assert sessions.get(session_id) is not None
    token = csrf_of(browser_client.get("/intake/about").text)
    browser_client.post("/forget", data={"csrf_token": token}, follow_redirects=False)
    assert sessions.get(session_id) is None


def test_results_page_summarises_the_answers(browser_client: TestClient) -> None:
    post_step(browser_client, "cancer", {"er": "positive", "her2": "1+"})
    post_step(browser_client, "spread", {"spread": "only_bone", "brain": "none"})
    post_step(browser_client, "treatments", {"treated": "no"})
    html = browser_client.get("/results").text
    summary = html[html.index("What you told us") : html.index("Change my answers")]
    assert "<dt>HER2</dt><dd>low</dd>" in summary
    assert "<dt>Cancer only in the bones</dt><dd>yes</dd>" in summary
    assert "<dt>Treatments since it spread (lines)</dt><dd>0</dd>" in summary
    assert "<dt>Day-to-day activity (ECOG)</dt><dd>not known</dd>" in summary


def test_next_question_with_a_typed_answer(browser_client: TestClient) -> None:
    # knowing only "ER-positive", the most useful question is the age: a typed number
    post_step(browser_client, "cancer", {"er": "positive"})
    html = browser_client.get("/results").text
    assert 'name="field" value="age"' in html and 'name="answer_value"' in html
    token = csrf_of(html)

    def answer(value: str) -> str:
        return browser_client.post(
            "/question", data={"csrf_token": token, "field": "age", "answer_value": value}
        ).text

    refused = answer("200")
    assert "We could not use that answer" in refused and "120" in refused
    assert 'name="field" value="age"' in refused  # still asked
    assert "Please write a number" in answer("sixty")
    assert "Please write a number" in answer("nan")
    accepted = answer("58")
    assert "Thank you. You answered: 58." in accepted
    assert 'name="field" value="age"' not in accepted
    summary = accepted[accepted.index("What you told us") :]
    assert "<dt>Age</dt><dd>58</dd>" in summary


def test_typed_answers_are_typed_by_the_patient_model() -> None:
    from osteotrials.web.results import field_input

    assert field_input("receptors.er_percent") == "number"
    assert field_input("age_years") == "number"
    assert field_input("diagnosis.metastatic_diagnosis_date") == "date"
    for path in ("labs", "regimens", "cns.status", "receptors.her2_ihc", "nope", None):
        assert field_input(path) is None


def test_any_form_input_gives_an_answer_not_a_crash(web_db: object) -> None:
    """Random text in every field of every step: saved (303) or explained (400), then the
    results page still works. Never a server error."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from osteotrials.api.app import create_app

    text = st.one_of(
        st.text(max_size=40),
        st.sampled_from(["", "unknown", "1+", "2+neg", "only_bone", "-1", "1e9", "02115"]),
    )
    with TestClient(create_app(web_db), base_url="http://127.0.0.1") as client:  # type: ignore[arg-type]

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        @given(step=st.sampled_from(intake.STEPS), data=st.data())
        def check(step: intake.Step, data: st.DataObject) -> None:
            client.cookies.clear()  # a new visitor each time
            form = {q.name: data.draw(text) for q in step.questions}
            token = csrf_of(client.get(f"/intake/{step.slug}").text)
            response = client.post(
                f"/intake/{step.slug}",
                data={"csrf_token": token, **form},
                follow_redirects=False,
            )
            assert response.status_code in (303, 400), response.text[:300]
            assert client.get("/results").status_code == 200

        check()


def test_trials_only_a_washout_blocks_say_when_they_may_open(browser_client: TestClient) -> None:
    """The HER2 example is on capecitabine today: recruiting trials that ask for a break
    from chemotherapy first are listed first among "probably not a fit", with when they
    may open, and the visit sheet asks the oncologist about it."""
    token, response = load_example(browser_client, "her2-positive-treated-brain-mets")
    assert response.status_code == 303
    results = browser_client.get("/results").text
    ineligible = results[results.index('id="group-ineligible"') :]
    first_card = ineligible[ineligible.index('class="card"') :]
    first_card = first_card[: first_card.index("</article>")]
    assert 'class="after-washout"' in first_card
    assert "may open" in first_card and "after stopping capecitabine" in first_card
    nct = re.search(r'id="t-(NCT\d{8})"', first_card)
    assert nct is not None
    browser_client.post(
        "/choose",
        data={"csrf_token": token, "nct_id": nct.group(1), "back": "/results"},
        follow_redirects=False,
    )
    sheet = browser_client.get("/visit-sheet").text
    assert "asks for a break from capecitabine" in sheet
    assert "after stopping capecitabine" in sheet
