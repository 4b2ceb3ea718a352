"""Double entry: two people type each paper form; agreeing typings are recorded, differing ones
wait side by side until someone settles them against the paper."""

import pytest
from django.urls import reverse

from trienkhai.surveys import paper_typing
from trienkhai.surveys.models import Answer, Code, PaperEntry, Response
from trienkhai.surveys.structure import load

from .test_paper_entry import entry_url, field, open_today, typing


@pytest.fixture
def w(tree):
    w = open_today(tree)
    w.survey.double_entry = True
    w.survey.save()
    return w


def mismatches_url(w):
    return reverse("surveys:paper_mismatches", args=[w.survey.pk])


def resolve_url(w, code="WARD000000"):
    return reverse("surveys:paper_resolve", args=[w.survey.pk, Code.objects.get(code=code).pk])


def _page(response):
    return response.content.decode()


def test_the_first_typing_waits_for_a_second_person(w, login, propaganda_officer):
    response = login(propaganda_officer).post(entry_url(w), typing(w), follow=True)
    assert "Đã lưu lần nhập thứ nhất của phiếu WARD0-00000" in _page(response)
    entry = PaperEntry.objects.get()
    assert entry.entered_by == propaganda_officer and entry.code.code == "WARD000000"
    assert not Response.objects.exists() and not Code.objects.filter(used=True).exists()
    assert "1 phiếu đã nhập một lần, chờ người thứ hai" in _page(response)


def test_the_same_person_cannot_type_a_form_twice(w, login, propaganda_officer):
    client = login(propaganda_officer)
    client.post(entry_url(w), typing(w))
    response = client.post(entry_url(w), typing(w))
    assert "cần người thứ hai nhập để đối chiếu" in _page(response)
    assert 'value="4"' in _page(response)  # the typing is kept on the screen
    assert PaperEntry.objects.count() == 1 and not Response.objects.exists()


def test_two_agreeing_typings_record_the_form(w, login, propaganda_officer, city_secretary):
    login(propaganda_officer).post(entry_url(w), typing(w))
    # the same answers, typed another way
    second = typing(
        w,
        **{
            field(w.q_source): "4 1",
            field(w.q_years): "12,0",
            field(w.q_source, "_other"): " Qua  bạn bè",
        },
    )
    response = login(city_secretary).post(entry_url(w), second, follow=True)
    assert "Đã nhập phiếu WARD0-00000: hai lần nhập khớp nhau (phiếu thứ 1 hôm nay)." in _page(
        response
    )
    assert Response.objects.get().channel == "paper"
    assert Code.objects.get(code="WARD000000").used
    assert not PaperEntry.objects.exists()


def test_differing_typings_are_listed_side_by_side(w, login, propaganda_officer, city_secretary):
    login(propaganda_officer).post(entry_url(w), typing(w))
    response = login(city_secretary).post(
        entry_url(w),
        typing(
            w, **{field(w.q_trust): "5", field(w.q_source): "1", field(w.q_source, "_other"): ""}
        ),
        follow=True,
    )
    assert "Phiếu WARD0-00000: hai lần nhập khác nhau ở 2 câu" in _page(response)
    assert PaperEntry.objects.count() == 2 and not Response.objects.exists()
    assert "1 phiếu cần đối chiếu" in _page(response)
    page = _page(login(city_secretary).get(mismatches_url(w)))
    assert "Phiếu WARD0-00000" in page
    assert "4. Đồng ý" in page and "5. Hoàn toàn đồng ý" in page
    assert "1. Sinh hoạt chi bộ; 4. Khác (ghi rõ): Qua bạn bè" in page
    assert "Xây dựng Đảng" not in page  # questions typed alike are not listed
    assert resolve_url(w) in page


def test_a_third_typing_of_a_form_waiting_for_resolution_is_refused(
    w, login, propaganda_officer, city_secretary, admin_user
):
    login(propaganda_officer).post(entry_url(w), typing(w))
    login(city_secretary).post(entry_url(w), typing(w, **{field(w.q_trust): "5"}))
    response = login(admin_user).post(entry_url(w), typing(w))
    assert "đang chờ đối chiếu" in _page(response)
    assert PaperEntry.objects.count() == 2


@pytest.fixture
def mismatch(w, login, propaganda_officer, city_secretary):
    login(propaganda_officer).post(entry_url(w), typing(w))
    login(city_secretary).post(
        entry_url(w), typing(w, **{field(w.q_trust): "5", field(w.q_level): "3"})
    )
    return w


def test_a_mismatch_is_settled_by_picking_each_value(mismatch, login, admin_user):
    w = mismatch
    client = login(admin_user)
    page = _page(client.get(resolve_url(w)))
    assert "Lần nhập 1: 4. Đồng ý" in page and "Lần nhập 2: 5. Hoàn toàn đồng ý" in page
    response = client.post(
        resolve_url(w), {f"pick_{w.q_trust.pk}": "2", f"pick_{w.q_level.pk}": "1"}, follow=True
    )
    assert "Đã nhập phiếu WARD0-00000 sau khi đối chiếu" in _page(response)
    recorded = Response.objects.get()
    assert Answer.objects.get(response=recorded, question=w.q_trust).choice.value == 5
    assert Answer.objects.get(response=recorded, question=w.q_level).choice.value == 2
    assert Answer.objects.filter(response=recorded).count() == 9
    assert not PaperEntry.objects.exists() and Code.objects.get(code="WARD000000").used


def test_a_mismatch_is_settled_by_typing_the_right_value(mismatch, login, admin_user):
    w = mismatch
    client = login(admin_user)
    response = client.post(
        resolve_url(w),
        {field(w.q_trust): "3", f"pick_{w.q_level.pk}": "typed", field(w.q_level): "1"},
    )
    assert response.status_code == 302
    recorded = Response.objects.get()
    assert Answer.objects.get(response=recorded, question=w.q_trust).choice.value == 3
    assert Answer.objects.get(response=recorded, question=w.q_level).choice.value == 1


def test_a_resolution_needs_a_value_for_each_difference(mismatch, login, admin_user):
    w = mismatch
    response = login(admin_user).post(
        resolve_url(w), {f"pick_{w.q_trust.pk}": "1", field(w.q_level): "9"}
    )
    page = _page(response)
    assert "Câu C7: chỉ có lựa chọn 1–3." in page and 'value="9"' in page
    response = login(admin_user).post(resolve_url(w), {f"pick_{w.q_trust.pk}": "1"})
    assert "Câu C7: xin chọn giá trị đúng." in _page(response)
    assert not Response.objects.exists() and PaperEntry.objects.count() == 2


def test_both_typings_can_be_dropped_to_type_the_form_anew(mismatch, login, admin_user):
    w = mismatch
    response = login(admin_user).post(resolve_url(w), {"discard": "1"}, follow=True)
    assert "Đã xóa cả hai lần nhập phiếu WARD0-00000" in _page(response)
    assert not PaperEntry.objects.exists() and not Code.objects.filter(used=True).exists()


def test_a_settled_form_is_no_longer_offered(mismatch, login, admin_user):
    w = mismatch
    client = login(admin_user)
    client.post(resolve_url(w), {f"pick_{w.q_trust.pk}": "1", f"pick_{w.q_level.pk}": "1"})
    response = client.get(resolve_url(w), follow=True)
    assert "Phiếu “WARD0-00000” không còn chờ đối chiếu." in _page(response)
    assert "Không có phiếu nào cần đối chiếu." in _page(client.get(mismatches_url(w)))


def test_answers_that_mean_the_same_are_not_differences(w):
    structure = load(w.survey)
    first = paper_typing.parse(structure, typing(w)).data
    second = paper_typing.parse(
        structure,
        typing(w, **{field(w.q_source): "41", field(w.q_idea): "Cần chọn  người có đức, có tài "}),
    ).data
    assert paper_typing.differences(structure, first, second) == []
    # an answer to a question not asked is no difference either
    third = paper_typing.parse(structure, typing(w, **{field(w.q_why): "Không"})).data
    assert paper_typing.differences(structure, first, third) == []
