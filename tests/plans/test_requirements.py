"""Setting requirements on subordinate units: who must comply is fixed the day it is set.

The story: after the Congress, the City Committee requires every grassroots organisation under
it to issue its working rules (QC) implementing the Congress resolution by the end of 2020.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.documents import services as documents
from trienkhai.documents.models import DocStatus, RelationKind
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind
from trienkhai.plans import requirements
from trienkhai.plans.models import Requirement, RequirementTarget

GRASSROOTS = UnitKind.GRASSROOTS_PARTY_COMMITTEE
CONGRESS_DAY = dt.date(2020, 10, 15)


# --- helpers shared by the plans test files -------------------------------------------------------
def issue(unit, number, day, *, implements=None, kind=RelationKind.IMPLEMENTS, summary=""):
    """Register a document issued by `unit` in its own register, optionally implementing one."""
    document = documents.document_register(
        actor=None,
        owner_unit=unit,
        issuer_unit=unit,
        number_text=number,
        issued_on=day,
        summary=summary or f"Văn bản {number}",
    )
    if implements is not None:
        documents.relation_add(actor=None, source=document, target=implements, kind=kind)
    return document


def set_requirement(actor, unit, *, doc_type="QC", due_on=dt.date(2020, 12, 31), **kwargs):
    kwargs.setdefault("title", f"Ban hành văn bản loại {doc_type}")
    kwargs.setdefault("unit_kinds", [GRASSROOTS])
    return requirements.requirement_create(
        actor=actor, set_by=unit, doc_type=doc_type, due_on=due_on, **kwargs
    )


@pytest.fixture
def congress(tree):
    """The Congress resolution of the city, in the city's register."""
    return issue(
        tree.city,
        "01-NQ/ThU",
        CONGRESS_DAY,
        summary="Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XII",
    )


def targets_of(requirement):
    return set(
        RequirementTarget.objects.filter(requirement=requirement).values_list(
            "unit__name", flat=True
        )
    )


# --- setting one ------------------------------------------------------------------------------------
def test_city_secretary_requires_working_rules_from_every_grassroots_organisation(
    tree, city_secretary, congress
):
    requirement = set_requirement(city_secretary, tree.city, implements=congress)

    assert requirement.parent_unit == tree.city
    assert targets_of(requirement) == {"Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"}
    entry = audit_entries_for(requirement).get()
    assert entry.changes["số đơn vị phải thực hiện"] == [None, 2]
    assert "Áp dụng cho 2 đơn vị" in entry.note


def test_several_kinds_reach_the_cells_of_the_wards_unless_only_direct_units_are_asked(
    tree, city_secretary
):
    kinds = [GRASSROOTS, UnitKind.PARTY_CELL]

    everyone = set_requirement(city_secretary, tree.city, unit_kinds=kinds)
    direct = set_requirement(city_secretary, tree.city, unit_kinds=kinds, direct_only=True)

    assert "Chi bộ Khu phố 1" in targets_of(everyone)
    assert targets_of(direct) == {"Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"}


def test_the_list_of_units_is_fixed_the_day_the_requirement_is_set(
    tree, city_secretary, admin_user
):
    org.unit_dissolve(actor=admin_user, unit=tree.cell, effective_on=dt.date(2020, 11, 1))
    org.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=dt.date(2020, 11, 1))
    requirement = set_requirement(city_secretary, tree.city)
    org.unit_create(actor=None, parent=tree.city, kind=GRASSROOTS, name="Đảng ủy Phường 8")

    assert targets_of(requirement) == {"Đảng ủy Phường An Hội"}


def test_changing_the_deadline_keeps_the_units_and_records_why(tree, city_secretary, congress):
    requirement = set_requirement(city_secretary, tree.city, implements=congress)

    requirements.requirement_update(
        actor=city_secretary,
        requirement=requirement,
        title=requirement.title,
        due_on=dt.date(2021, 1, 31),
        note="Gia hạn theo Công văn 125-CV/ThU",
    )

    requirement.refresh_from_db()
    assert requirement.due_on == dt.date(2021, 1, 31)
    assert len(targets_of(requirement)) == 2
    entry = audit_entries_for(requirement).first()
    assert entry.changes["due_on"] == ["2020-12-31", "2021-01-31"]
    assert entry.note == "Gia hạn theo Công văn 125-CV/ThU"


# --- bad input ----------------------------------------------------------------------------------------
def test_deadline_before_the_implemented_document_is_refused(tree, city_secretary, congress):
    with pytest.raises(ValidationError) as caught:
        set_requirement(city_secretary, tree.city, implements=congress, due_on=dt.date(2020, 10, 1))

    assert caught.value.message_dict["due_on"] == [
        "Thời hạn 1-10-2020 trước ngày ban hành văn bản 01-NQ/ThU (15-10-2020): "
        "không thể cụ thể hóa một văn bản trước khi nó ra đời."
    ]
    assert not Requirement.objects.exists()


def test_no_unit_kind_is_refused(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        set_requirement(city_secretary, tree.city, unit_kinds=[])

    assert caught.value.message_dict["unit_kinds"] == [
        "Hãy chọn ít nhất một loại đơn vị phải thực hiện."
    ]


def test_a_parent_unit_outside_the_setting_units_scope_is_refused(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        set_requirement(city_secretary, tree.ward, parent_unit=tree.sibling)

    assert (
        "không thuộc phạm vi của “Đảng ủy Phường An Hội”"
        in (caught.value.message_dict["parent_unit"][0])
    )


def test_ward_clerk_cannot_set_a_requirement_for_the_city(tree, ward_clerk):
    with pytest.raises(ValidationError) as caught:
        set_requirement(ward_clerk, tree.city)

    assert "cần quyền biên tập đơn vị này" in caught.value.message_dict["set_by"][0]


def test_a_draft_cannot_be_the_document_to_implement(tree, city_secretary):
    draft = documents.document_create_draft(
        actor=None,
        owner_unit=tree.city,
        system="party",
        doc_type="NQ",
        summary="Dự thảo nghị quyết",
        issuer_unit=tree.city,
    )
    assert draft.status == DocStatus.DRAFT

    with pytest.raises(ValidationError) as caught:
        set_requirement(city_secretary, tree.city, implements=draft)

    assert "chưa ban hành" in caught.value.message_dict["implements"][0]


def test_a_requirement_that_reaches_no_unit_is_refused(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        set_requirement(city_secretary, tree.city, unit_kinds=[UnitKind.COMMUNE])

    assert caught.value.message_dict["unit_kinds"] == [
        "Không có đơn vị nào thuộc loại “Xã, phường, đặc khu” đang hoạt động trong "
        "“Thành ủy Bến Tre”."
    ]


# --- the pages ---------------------------------------------------------------------------------------
def form_data(tree, congress, **changes):
    data = {
        "title": "Ban hành quy chế làm việc",
        "set_by": tree.city.pk,
        "unit_kinds": [GRASSROOTS],
        "doc_type": "QC",
        "implements": congress.pk,
        "due_on": "31-12-2020",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_city_secretary_sets_a_requirement_through_the_page(tree, city_secretary, congress, login):
    response = login(city_secretary).post(
        reverse("plans:requirement_new"), form_data(tree, congress)
    )

    requirement = Requirement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("plans:requirement", args=[requirement.pk])
    assert requirement.implements == congress
    assert len(targets_of(requirement)) == 2


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"due_on": "01-10-2020"}, "trước ngày ban hành văn bản 01-NQ/ThU (15-10-2020)"),
        ({"unit_kinds": None}, "Hãy chọn ít nhất một loại đơn vị phải thực hiện."),
        ({"due_on": "31-13-2020"}, "Ngày không hợp lệ."),
        ({"doc_type": ""}, "Hãy chọn loại văn bản các đơn vị phải ban hành."),
        ({"title": "  "}, "Hãy nhập nội dung yêu cầu."),
    ],
    ids=["deadline-before-document", "no-kind", "bad-date", "no-type", "no-title"],
)
def test_bad_input_on_the_page_says_what_is_wrong_and_keeps_what_was_typed(
    tree, city_secretary, congress, login, changes, field_message
):
    data = form_data(tree, congress, **changes)

    response = login(city_secretary).post(reverse("plans:requirement_new"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert field_message in page
    assert "Ban hành quy chế làm việc" in page or changes.get("title")
    assert not Requirement.objects.exists()


def test_a_parent_unit_outside_the_users_scope_is_refused_on_the_page(
    tree, city_secretary, congress, login
):
    data = form_data(tree, congress, parent_unit=tree.province.pk)

    response = login(city_secretary).post(reverse("plans:requirement_new"), data)

    assert "Không tìm thấy đơn vị đã chọn, hoặc bạn không có quyền với đơn vị đó." in (
        response.content.decode()
    )
    assert not Requirement.objects.exists()


def test_the_form_can_start_from_the_document_to_implement(tree, city_secretary, congress, login):
    page = (
        login(city_secretary)
        .get(reverse("plans:requirement_new"), {"document": congress.pk})
        .content.decode()
    )

    assert f'value="{congress.pk}" checked' in page
    assert "01-NQ/ThU" in page


def test_document_picker_offers_issued_documents_only(tree, city_secretary, congress, login):
    documents.document_create_draft(
        actor=None,
        owner_unit=tree.city,
        system="party",
        doc_type="NQ",
        summary="Dự thảo nghị quyết đại hội sửa đổi",
        issuer_unit=tree.city,
    )

    page = (
        login(city_secretary)
        .get(reverse("plans:requirement_pick_document"), {"q": "nghi quyet dai hoi"})
        .content.decode()
    )

    assert "01-NQ/ThU" in page
    assert "sửa đổi" not in page


def test_editing_the_deadline_on_the_page(tree, city_secretary, congress, login):
    requirement = set_requirement(city_secretary, tree.city, implements=congress)
    client = login(city_secretary)

    bad = client.post(
        reverse("plans:requirement_edit", args=[requirement.pk]),
        {"title": requirement.title, "due_on": "01-01-2020"},
    )
    good = client.post(
        reverse("plans:requirement_edit", args=[requirement.pk]),
        {"title": requirement.title, "due_on": "15-01-2021", "note": "Gia hạn"},
    )

    assert "trước ngày ban hành văn bản 01-NQ/ThU" in bad.content.decode()
    assert good.status_code == 302
    requirement.refresh_from_db()
    assert requirement.due_on == dt.date(2021, 1, 15)


def test_requirement_list_shows_progress(tree, city_secretary, congress, login):
    requirement = set_requirement(city_secretary, tree.city, implements=congress)
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    page = login(city_secretary).get(reverse("plans:requirements")).content.decode()

    assert requirement.title in page
    assert "1/2" in page
    assert "(50,0%)" in page  # Vietnamese decimal comma
