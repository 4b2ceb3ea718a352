"""One-time codes: as many as the quota per allocation, unguessable, unique, typed easily; the
file for mail merge; batches in the audit log, never the use of a code."""

import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from trienkhai.audit.models import AuditEntry
from trienkhai.surveys import audience
from trienkhai.surveys.models import Code, CodeKind, Survey, SurveyStatus
from trienkhai.surveys.responses import code_display, normalize_code, response_submit

from .builders import DURING, congress_survey, full_answers

CODE_RE = re.compile(r"^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{10}$")


@pytest.fixture
def world(tree):
    """The Congress survey with a quota of 25 + 15 forms and no codes yet."""
    w = congress_survey(tree, codes_per_allocation=0, status=SurveyStatus.DRAFT)
    w.ward_alloc.forms, w.sibling_alloc.forms = 25, 15
    w.ward_alloc.save()
    w.sibling_alloc.save()
    Survey.objects.filter(pk=w.survey.pk).update(total_forms=40)
    return w


def test_codes_are_made_for_each_allocation_up_to_its_forms(world):
    made = audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.PAPER)
    assert len(made) == 40
    assert Code.objects.filter(allocation=world.ward_alloc).count() == 25
    assert Code.objects.filter(allocation=world.sibling_alloc).count() == 15
    texts = list(Code.objects.values_list("code", flat=True))
    assert len(set(texts)) == 40
    assert all(CODE_RE.match(t) for t in texts)
    assert set(Code.objects.values_list("batch", flat=True)) == {1}
    assert set(Code.objects.values_list("kind", flat=True)) == {CodeKind.PAPER}


def test_codes_are_shown_in_two_groups_and_typed_back_in_any_form():
    assert code_display("ABCDEFGHJK") == "ABCDE-FGHJK"
    assert normalize_code("abcde-fghjk ") == "ABCDEFGHJK"
    assert normalize_code(" ABCDE FGHJK") == "ABCDEFGHJK"


def test_codes_draw_at_least_forty_bits_and_differ(world):
    assert len(audience.CODE_ALPHABET) ** audience.CODE_LENGTH >= 2**40
    assert not set("IO01") & set(audience.CODE_ALPHABET)
    drawn = {audience.code_new() for _i in range(2000)}
    assert len(drawn) == 2000


def test_a_code_already_taken_is_drawn_again(world, monkeypatch):
    Code.objects.create(
        survey=world.survey, allocation=world.ward_alloc, code="AAAAAAAAAA", kind="paper"
    )
    draws = iter(["AAAAAAAAAA", "BBBBBBBBBB"])
    monkeypatch.setattr(audience, "code_new", lambda: next(draws))
    world.sibling_alloc.forms = 1
    world.sibling_alloc.save()
    made = audience.codes_generate(
        actor=None, survey=world.survey, kind=CodeKind.PAPER, allocation=world.sibling_alloc
    )
    assert [c.code for c in made] == ["BBBBBBBBBB"]


def test_no_second_batch_beyond_the_quota_unless_asked(world):
    audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.PAPER)
    with pytest.raises(ValidationError, match="Đã tạo đủ mã"):
        audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.PAPER)
    assert Code.objects.count() == 40
    # Spares for one unit, when asked: a new batch.
    spares = audience.codes_generate(
        actor=None,
        survey=world.survey,
        kind=CodeKind.PAPER,
        allocation=world.ward_alloc,
        extra=3,
    )
    assert len(spares) == 3 and {c.batch for c in spares} == {2}
    assert Code.objects.filter(allocation=world.ward_alloc).count() == 28
    with pytest.raises(ValidationError):
        audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.PAPER, extra=3)


def test_a_raised_quota_gets_only_the_missing_codes_in_the_next_batch(world):
    audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.PAPER)
    audience.allocations_update(
        actor=None, survey=world.survey, forms_by_id={world.sibling_alloc.pk: 20}
    )
    made = audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.LINK)
    assert len(made) == 5
    assert {(c.allocation_id, c.batch, c.kind) for c in made} == {
        (world.sibling_alloc.pk, 2, CodeKind.LINK)
    }


def test_personal_links_open_the_form_for_the_code(world, settings):
    settings.TRIENKHAI_SITE_URL = "https://trienkhai.bentre.vn"
    link = audience.code_link("ABCDEFGHJK")
    assert link.startswith("https://trienkhai.bentre.vn/s/")
    assert "ABCDEFGHJK" in link


def test_a_generated_code_records_one_form(world):
    made = audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.LINK)
    Survey.objects.filter(pk=world.survey.pk).update(status=SurveyStatus.OPEN)
    code = made[0]
    response_submit(
        code_text=code_display(code.code).lower(), data=full_answers(world), today=DURING
    )
    assert Code.objects.get(pk=code.pk).used


def test_a_closed_survey_gets_no_new_codes(world):
    Survey.objects.filter(pk=world.survey.pk).update(status=SurveyStatus.CLOSED)
    with pytest.raises(ValidationError, match="đã đóng"):
        audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.PAPER)


def test_the_audit_log_records_batches_not_codes(world, propaganda_officer):
    made = audience.codes_generate(
        actor=propaganda_officer, survey=world.survey, kind=CodeKind.LINK
    )
    entry = AuditEntry.objects.filter(object_id=str(world.survey.pk)).latest("id")
    assert entry.actor == propaganda_officer
    assert entry.changes["count"] == [None, 40]
    assert "Đảng ủy Phường An Hội" in entry.note and "25" in entry.note
    everything = str(list(AuditEntry.objects.values_list("note", "changes")))
    assert not any(c.code in everything for c in made)
    # Using a code leaves no entry at all.
    before = AuditEntry.objects.count()
    Survey.objects.filter(pk=world.survey.pk).update(status=SurveyStatus.OPEN)
    response_submit(code_text=made[0].code, data=full_answers(world), today=DURING)
    assert AuditEntry.objects.count() == before


# --- pages ---------------------------------------------------------------------------------------
def test_the_codes_page_makes_a_batch_and_counts_made_and_used(world, propaganda_officer, login):
    client = login(propaganda_officer)
    url = reverse("surveys:codes", args=[world.survey.pk])
    response = client.post(url, {"kind": "link", "allocation": "", "extra": ""})
    assert response.status_code == 302
    assert Code.objects.filter(kind=CodeKind.LINK).count() == 40
    Survey.objects.filter(pk=world.survey.pk).update(status=SurveyStatus.OPEN)
    response_submit(
        code_text=Code.objects.filter(allocation=world.ward_alloc).first().code,
        data=full_answers(world),
        today=DURING,
    )
    page = client.get(url)
    lines = {a.pk: (a.forms, a.made, a.used) for a in page.context["allocations"]}
    assert lines == {world.ward_alloc.pk: (25, 25, 1), world.sibling_alloc.pk: (15, 15, 0)}
    text = page.content.decode()
    assert "Đường dẫn riêng" in text
    # The page shows counts, never which code was used.
    assert not any(c in text for c in Code.objects.values_list("code", flat=True))
    response = client.post(url, {"kind": "paper", "allocation": "", "extra": ""})
    assert "Đã tạo đủ mã" in response.content.decode()
    assert Code.objects.count() == 40


def test_the_export_holds_code_link_unit_and_group_for_mail_merge(world, propaganda_officer, login):
    audience.codes_generate(actor=None, survey=world.survey, kind=CodeKind.LINK)
    audience.codes_generate(
        actor=None, survey=world.survey, kind=CodeKind.PAPER, allocation=world.ward_alloc, extra=2
    )
    client = login(propaganda_officer)
    url = reverse("surveys:codes_export", args=[world.survey.pk])
    response = client.get(url, {"batch": 1})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Mã phiếu", "Đường dẫn", "Đơn vị", "Đối tượng", "Đợt", "Loại")
    assert len(rows) == 41
    code, link, unit, group, batch, _kind = rows[1]
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert link.endswith(f"/s/{code.replace('-', '')}/") or code.replace("-", "") in link
    assert {r[2] for r in rows[1:]} == {"Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"}
    assert {r[3] for r in rows[1:]} == {world.members.name, world.cadres.name}
    assert {r[4] for r in rows[1:]} == {1}
    # Nothing says which code was used.
    assert not any("dùng" in str(h).lower() for h in rows[0])

    response = client.get(url, {"batch": 2, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 3 and lines[1][2] == "Đảng ủy Phường An Hội"
    response = client.get(url, {"allocation": world.sibling_alloc.pk, "format": "csv"})
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 16
