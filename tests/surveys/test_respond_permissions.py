"""Who reaches what: the respondent's pages need no login and give a logged-in person nothing
more; the printable form is for the survey's managers, and for the editors of a unit with a
quota, limited to that unit's own codes."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from trienkhai.surveys.models import Response

from . import respond_world
from .builders import congress_survey
from .respond_world import answer_all, form_url

w = respond_world.w
_fresh_throttle = respond_world._fresh_throttle


# --- the respondent's pages -----------------------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "outsider", "ward_clerk", "admin_user"])
def test_the_respondent_pages_are_open_to_anyone_holding_a_code(request, client, login, w, who):
    browser = client if who == "anonymous" else login(request.getfixturevalue(who))
    for url in ("/s/", form_url(w.codes[0]), "/s/cam-on/"):
        assert browser.get(url).status_code == 200, url
    assert answer_all(browser, w, w.codes[0]).status_code == 302
    assert Response.objects.count() == 1


def test_a_page_shows_no_one_elses_answers(client, w):
    respond_world.post(client, w.codes[0], 0, "save", {f"q{w.q_idea.pk}": "ý kiến riêng"})
    respond_world.post(client, w.codes[0], 1, "save", {f"q{w.q_idea.pk}": "ý kiến riêng"})
    # Another code, another person: their page starts empty.
    assert "ý kiến riêng" not in client.get(form_url(w.codes[1])).content.decode()


def test_the_thank_you_page_tells_nothing_about_the_last_form(client, w):
    answer_all(client, w, w.codes[0])
    page = client.get("/s/cam-on/").content.decode()
    assert w.codes[0].code not in page and w.survey.title not in page


# --- the printable form ---------------------------------------------------------------------------
def _pdf_url(w, allocation=None) -> str:
    url = reverse("surveys:form_pdf", kwargs={"pk": w.survey.pk})
    return url + (f"?allocation={allocation.pk}" if allocation else "")


def _codes_in(response) -> set[str]:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return {prefix for prefix in ("WARD", "SIBL") if f"Mã phiếu: {prefix}" in text}


@pytest.mark.parametrize(
    "who, part, status, prints",
    [
        # The owning unit's managers and editors print every code, or any part.
        ("admin_user", None, 200, {"WARD", "SIBL"}),
        ("city_secretary", None, 200, {"WARD", "SIBL"}),
        ("propaganda_officer", None, 200, {"WARD", "SIBL"}),
        ("propaganda_officer", "sibling", 200, {"SIBL"}),
        # A ward with a quota prints its own codes only.
        ("ward_clerk", None, 200, {"WARD"}),
        ("ward_clerk", "ward", 200, {"WARD"}),
        ("ward_clerk", "sibling", 403, None),
        # Seeing the survey is not enough; not seeing it at all hides it.
        ("viewer", None, 403, None),
        ("viewer", "ward", 403, None),
        ("outsider", None, 404, None),
        ("outsider", "ward", 404, None),
    ],
)
def test_who_may_print_the_paper_form(request, login, w, who, part, status, prints):
    allocation = {"ward": w.ward_alloc, "sibling": w.sibling_alloc, None: None}[part]
    response = login(request.getfixturevalue(who)).get(_pdf_url(w, allocation))
    assert response.status_code == status
    if prints is not None:
        assert _codes_in(response) == prints


def test_printing_needs_a_login(client, w):
    response = client.get(_pdf_url(w))
    assert response.status_code == 302 and "/accounts/" in response.url


def test_an_allocation_of_another_survey_is_not_found(login, city_secretary, tree, w):
    other = congress_survey(tree, codes_per_allocation=0)  # a real allocation, elsewhere
    url = reverse("surveys:form_pdf", kwargs={"pk": w.survey.pk})
    response = login(city_secretary).get(f"{url}?allocation={other.ward_alloc.pk}")
    assert response.status_code == 404
