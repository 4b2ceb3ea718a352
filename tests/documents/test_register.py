"""Entering issued documents in the register: numbers, duplicates, issuers, relations, signing.

Party numbers restart every term (no year in the number); State numbers every calendar year.
The City Committee's term XI ran until 30-9-2020, term XII from 1-10-2020.
"""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.documents.builders import draft, register
from trienkhai.documents import services
from trienkhai.documents.models import DocStatus, Document, DocumentRelation, RelationKind
from trienkhai.org import services as org_services

D = dt.date


@pytest.fixture
def terms(tree):
    """Terms XI and XII of the City Committee."""
    tree.term_xi = org_services.term_save(
        actor=None,
        unit=tree.city,
        name="Khóa XI",
        number=11,
        start_on=D(2015, 10, 1),
        end_on=D(2020, 9, 30),
    )
    tree.term_xii = org_services.term_save(
        actor=None, unit=tree.city, name="Khóa XII", number=12, start_on=D(2020, 10, 1)
    )
    return tree


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def register_form(**fields):
    data = {
        "number_text": "07-KH/ThU",
        "issued_on": "07-08-2020",
        "summary": "Kế hoạch triển khai thực hiện Nghị quyết Đại hội đại biểu Đảng bộ thành phố",
        "status": "issued",
    }
    data.update(fields)
    return data


# --- registering -----------------------------------------------------------------------------------
def test_city_clerk_registers_the_citys_plan_07_kh_thu(terms, propaganda_officer, login):
    response = login(propaganda_officer).post(
        reverse("documents:register_new"),
        register_form(issuer_unit=terms.city.pk, signer_name="Nguyễn Văn A", signer_title="Bí thư"),
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("documents:detail", args=[document.pk])
    assert (document.number_text, document.number, document.doc_type) == ("07-KH/ThU", 7, "KH")
    assert document.system == "party"
    assert document.issuer_name == "Thành ủy Bến Tre"
    assert document.owner_unit == terms.city and not document.is_external
    assert document.term == terms.term_xi
    assert document.status == DocStatus.ISSUED
    assert document.issued_on == D(2020, 8, 7)
    assert document.status_changes.get().to_status == DocStatus.ISSUED


def test_a_clerk_types_the_number_loosely_and_the_register_writes_it_properly(
    terms, propaganda_officer, login
):
    login(propaganda_officer).post(
        reverse("documents:register_new"),
        register_form(number_text="số 7 - kh / thu", issuer_unit=terms.city.pk),
    )

    assert Document.objects.get().number_text == "07-KH/ThU"


def test_the_city_office_registers_a_central_regulation_without_a_file(
    tree, propaganda_officer, login
):
    """127-QĐ/TW of the Secretariat: an external issuer, in the city's register."""
    response = login(propaganda_officer).post(
        reverse("documents:register_new"),
        register_form(
            number_text="127-QĐ/TW",
            issued_on="01-03-2020",
            issuer_name="Ban Bí thư Trung ương Đảng",
            summary="Quy định về luân chuyển cán bộ",
        ),
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert document.is_external and document.issuer_unit is None
    assert document.issuer_name == "Ban Bí thư Trung ương Đảng"
    assert document.owner_unit == tree.city  # the officer keeps one register: the city's
    assert document.files.count() == 0


def test_a_state_decision_keeps_its_state_number(tree, propaganda_officer, login):
    login(propaganda_officer).post(
        reverse("documents:register_new"),
        register_form(
            number_text="123/QD-UBND",
            issued_on="15-09-2020",
            issuer_name="Ủy ban nhân dân tỉnh Bến Tre",
        ),
    )

    document = Document.objects.get()
    assert (document.system, document.number_text, document.doc_type) == (
        "state",
        "123/QĐ-UBND",
        "QĐ",
    )


# --- duplicates ---------------------------------------------------------------------------------------
def test_the_same_party_number_twice_in_one_term_is_refused_with_a_link(
    terms, propaganda_officer, login
):
    first = register(terms.city, "07-KH/ThU", D(2020, 8, 7))

    response = login(propaganda_officer).post(
        reverse("documents:register_new"),
        register_form(
            issuer_unit=terms.city.pk, issued_on="20-09-2020", summary="Một kế hoạch khác"
        ),
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "Số này đã được dùng trong cùng sổ" in page
    assert f'href="{reverse("documents:detail", args=[first.pk])}"' in page
    assert "Một kế hoạch khác" in page  # what was typed is still there
    assert Document.objects.count() == 1


def test_the_same_party_number_in_the_next_term_is_a_new_document(terms):
    register(terms.city, "07-KH/ThU", D(2020, 8, 7))

    later = register(terms.city, "07-KH/ThU", D(2021, 3, 1), "Kế hoạch của khóa XII")

    assert later.term == terms.term_xii
    assert Document.objects.filter(number_text="07-KH/ThU").count() == 2


def test_the_same_party_number_in_the_same_term_is_refused_by_the_service(terms):
    existing = register(terms.city, "07-KH/ThU", D(2016, 1, 5))

    with pytest.raises(ValidationError) as caught:
        register(terms.city, "07-KH/ThU", D(2020, 8, 7))

    message = caught.value.message_dict["number_text"][0]
    assert reverse("documents:detail", args=[existing.pk]) in message


def test_another_type_with_the_same_number_is_no_duplicate(terms):
    register(terms.city, "07-KH/ThU", D(2020, 8, 7))

    other = register(terms.city, "07-BC/ThU", D(2020, 8, 7), "Báo cáo")

    assert other.number_text == "07-BC/ThU"


def test_a_state_number_is_taken_once_per_calendar_year(tree):
    ubnd = "Ủy ban nhân dân tỉnh Bến Tre"
    register(tree.city, "123/QĐ-UBND", D(2020, 2, 1), issuer_name=ubnd)

    with pytest.raises(ValidationError):
        register(tree.city, "123/QĐ-UBND", D(2020, 11, 1), issuer_name=ubnd.upper())
    next_year = register(tree.city, "123/QĐ-UBND", D(2021, 1, 4), issuer_name=ubnd)

    assert next_year.issued_on.year == 2021


def test_a_state_number_of_another_body_is_no_duplicate(tree):
    register(tree.city, "123/QĐ-UBND", D(2020, 2, 1), issuer_name="Ủy ban nhân dân tỉnh Bến Tre")

    other = register(
        tree.city, "123/QĐ-UBND", D(2020, 2, 1), issuer_name="Ủy ban nhân dân thành phố Bến Tre"
    )

    assert other.pk


# --- the next free number --------------------------------------------------------------------------
def test_the_register_form_suggests_the_next_free_number_of_the_term(
    terms, propaganda_officer, login
):
    register(terms.city, "07-KH/ThU", D(2020, 8, 7))
    register(terms.city, "08-KH/ThU", D(2020, 9, 1))
    register(terms.city, "09-BC/ThU", D(2020, 9, 1), "Báo cáo")
    client = login(propaganda_officer)
    url = reverse("documents:next_number")

    in_term_xi = text_of(
        client.get(url, {"issuer_unit": terms.city.pk, "doc_type": "KH", "issued_on": "15-09-2020"})
    )
    in_term_xii = text_of(
        client.get(url, {"issuer_unit": terms.city.pk, "doc_type": "KH", "issued_on": "15-10-2020"})
    )

    assert "09-KH/ThU" in in_term_xi and "nhiệm kỳ Khóa XI" in in_term_xi
    assert "01-KH/ThU" in in_term_xii and "Khóa XII" in in_term_xii


def test_the_next_number_follows_the_number_being_typed(terms, propaganda_officer, login):
    register(terms.city, "07-KH/ThU", D(2020, 8, 7))

    page = text_of(
        login(propaganda_officer).get(
            reverse("documents:next_number"),
            {"issuer_unit": terms.city.pk, "number_text": "1-KH/ThU", "issued_on": "01-09-2020"},
        )
    )

    assert "08-KH/ThU" in page


def test_the_next_state_number_counts_the_calendar_year(tree):
    ubnd = "Ủy ban nhân dân tỉnh Bến Tre"
    register(tree.city, "123/QĐ-UBND", D(2020, 2, 1), issuer_name=ubnd)
    register(tree.city, "124/KH-UBND", D(2020, 3, 1), issuer_name=ubnd)

    in_2020 = services.next_number(
        system="state",
        issuer_unit=None,
        issuer_name=ubnd,
        issuer_code="UBND",
        doc_type="QĐ",
        issued_on=D(2020, 6, 1),
    )
    in_2021 = services.next_number(
        system="state",
        issuer_unit=None,
        issuer_name=ubnd,
        issuer_code="UBND",
        doc_type="QĐ",
        issued_on=D(2021, 6, 1),
    )

    assert (in_2020, in_2021) == (125, 1)


def test_without_a_term_no_party_number_is_guessed(tree, propaganda_officer, login):
    page = text_of(
        login(propaganda_officer).get(
            reverse("documents:next_number"),
            {"issuer_unit": tree.city.pk, "doc_type": "KH", "issued_on": "15-09-2020"},
        )
    )

    assert "chưa khai báo nhiệm kỳ" in page


def test_the_register_form_shows_the_hint_after_an_error(terms, propaganda_officer, login):
    register(terms.city, "07-KH/ThU", D(2020, 8, 7))

    page = text_of(
        login(propaganda_officer).post(
            reverse("documents:register_new"), register_form(issuer_unit=terms.city.pk)
        )
    )

    assert "Số tiếp theo còn trống" in page and "08-KH/ThU" in page


# --- the issuer as it was -----------------------------------------------------------------------------
def test_the_issuer_keeps_the_name_it_had_on_the_issue_date(tree, admin_user, ward_clerk, login):
    resolution = register(tree.ward, "01-NQ/ĐU", D(2020, 10, 15), "Nghị quyết Đại hội")

    org_services.unit_rename(
        actor=admin_user,
        unit=tree.ward,
        name="Đảng ủy Phường Phú Tân",
        short_name="ĐU",
        effective_on=D(2025, 7, 1),
    )
    registered_later = register(tree.ward, "02-NQ/ĐU", D(2020, 12, 1), "Nghị quyết chuyên đề")

    resolution.refresh_from_db()
    assert resolution.issuer_name == "Đảng ủy Phường An Hội"
    assert registered_later.issuer_name == "Đảng ủy Phường An Hội"
    page = text_of(login(ward_clerk).get(reverse("documents:detail", args=[resolution.pk])))
    assert "Đảng ủy Phường An Hội" in page
    assert "nay là" in page and "Đảng ủy Phường Phú Tân" in page


def test_a_document_of_a_dissolved_committee_still_reads_right(
    tree, admin_user, city_secretary, login
):
    plan = register(tree.sibling, "03-KH/ĐU", D(2020, 9, 1), "Kế hoạch tuyên truyền")

    org_services.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=D(2025, 7, 1))

    page = text_of(login(city_secretary).get(reverse("documents:detail", args=[plan.pk])))
    assert "Đảng ủy Phường Phú Khương" in page
    assert "đã kết thúc" in page
    assert f'href="{reverse("org:unit", args=[tree.sibling.pk])}"' in page


# --- relations ---------------------------------------------------------------------------------------
@pytest.fixture
def regulations(tree):
    """98-QĐ/TW (2004) and 127-QĐ/TW (2020) of the Secretariat, registered by the city."""
    secretariat = "Ban Bí thư Trung ương Đảng"
    tree.old = register(
        tree.city, "98-QĐ/TW", D(2004, 3, 22), "Quy định về luân chuyển cán bộ",
        issuer_name=secretariat,
    )  # fmt: skip
    tree.new = register(
        tree.city, "127-QĐ/TW", D(2020, 3, 1), "Quy định về luân chuyển cán bộ (thay thế)",
        issuer_name=secretariat,
    )  # fmt: skip
    return tree


def test_replacing_an_issued_regulation_marks_it_superseded(regulations, propaganda_officer, login):
    response = login(propaganda_officer).post(
        reverse("documents:relation_new", args=[regulations.new.pk]),
        {"kind": RelationKind.REPLACES, "target": regulations.old.pk},
    )

    regulations.old.refresh_from_db()
    assert response.status_code == 302
    assert regulations.old.status == DocStatus.SUPERSEDED
    assert regulations.old.status_changes.last().note == "Bị thay thế bởi 127-QĐ/TW"
    page = text_of(
        login(propaganda_officer).get(reverse("documents:detail", args=[regulations.old.pk]))
    )
    assert "bị thay thế bởi" in page and "127-QĐ/TW" in page


def test_amending_marks_the_document_amended(regulations):
    services.relation_add(
        actor=None, source=regulations.new, target=regulations.old, kind=RelationKind.AMENDS
    )

    regulations.old.refresh_from_db()
    assert regulations.old.status == DocStatus.AMENDED


def test_a_replacement_loop_is_refused(regulations, propaganda_officer, login):
    """127 replaces 98; 98 replacing 127 would make A replaces B replaces A."""
    services.relation_add(
        actor=None, source=regulations.new, target=regulations.old, kind=RelationKind.REPLACES
    )

    response = login(propaganda_officer).post(
        reverse("documents:relation_new", args=[regulations.old.pk]),
        {"kind": RelationKind.REPLACES, "target": regulations.new.pk, "note": "nhầm"},
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "quan hệ này sẽ tạo vòng lặp" in page
    assert "nhầm" in page
    assert DocumentRelation.objects.count() == 1


def test_a_longer_loop_through_amendments_is_refused(tree):
    a = register(tree.city, "01-QĐ/ThU", D(2020, 1, 2), "A")
    b = register(tree.city, "02-QĐ/ThU", D(2020, 1, 3), "B")
    c = register(tree.city, "03-QĐ/ThU", D(2020, 1, 4), "C")
    services.relation_add(actor=None, source=a, target=b, kind=RelationKind.AMENDS)
    services.relation_add(actor=None, source=b, target=c, kind=RelationKind.REPLACES)

    with pytest.raises(ValidationError, match="vòng lặp"):
        services.relation_add(actor=None, source=c, target=a, kind=RelationKind.REPLACES)


def test_the_page_shows_how_far_a_resolution_has_been_made_concrete(tree, city_secretary, login):
    resolution = register(tree.city, "01-NQ/ThU", D(2020, 8, 1), "Nghị quyết Đại hội")
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch thực hiện Nghị quyết")
    ward_plan = register(tree.ward, "05-KH/ĐU", D(2020, 9, 1), "Kế hoạch của phường An Hội")
    cell_plan = register(tree.cell, "02-KH/CB", D(2020, 9, 20), "Kế hoạch của chi bộ khu phố 1")
    services.relation_add(actor=None, source=plan, target=resolution, kind=RelationKind.IMPLEMENTS)
    services.relation_add(actor=None, source=ward_plan, target=plan, kind=RelationKind.IMPLEMENTS)
    services.relation_add(
        actor=None, source=cell_plan, target=ward_plan, kind=RelationKind.IMPLEMENTS
    )

    page = text_of(login(city_secretary).get(reverse("documents:detail", args=[resolution.pk])))

    tree_part = page.split("Cụ thể hóa, triển khai thực hiện", 1)[1]
    assert "3 văn bản triển khai thực hiện, của 3 đơn vị" in tree_part
    for number in ("07-KH/ThU", "05-KH/ĐU", "02-KH/CB"):
        assert number in tree_part
    assert tree_part.index("07-KH/ThU") < tree_part.index("05-KH/ĐU") < tree_part.index("02-KH/CB")


# --- signing a draft ------------------------------------------------------------------------------------
def test_signing_a_draft_gives_it_the_next_number_of_the_term(terms, city_secretary):
    register(terms.city, "01-QC/ThU", D(2020, 10, 5), "Quy chế làm việc của Ban Thường vụ")
    rules_draft = draft(terms.city, "Quy chế làm việc của Ban Chấp hành Đảng bộ thành phố")
    programme = draft(terms.city, "Chương trình làm việc toàn khóa", doc_type="CTr")

    signed = services.document_sign(
        actor=city_secretary, document=rules_draft, issued_on=D(2020, 10, 20)
    )
    programme = services.document_sign(
        actor=city_secretary, document=programme, issued_on=D(2020, 10, 20)
    )

    assert signed.number_text == "02-QC/ThU"
    assert signed.status == DocStatus.ISSUED and signed.term == terms.term_xii
    assert programme.number_text == "01-CTr/ThU"
    assert [s.to_status for s in signed.status_changes.all()] == ["draft", "issued"]


def test_signing_a_draft_that_replaces_another_supersedes_it(terms, city_secretary):
    old = register(terms.city, "01-QC/ThU", D(2016, 1, 5), "Quy chế làm việc khóa XI")
    new = draft(terms.city, "Quy chế làm việc khóa XII")
    services.relation_add(actor=None, source=new, target=old, kind=RelationKind.REPLACES)
    old.refresh_from_db()
    assert old.status == DocStatus.ISSUED  # a draft replaces nothing yet

    services.document_sign(actor=city_secretary, document=new, issued_on=D(2020, 10, 20))

    old.refresh_from_db()
    assert old.status == DocStatus.SUPERSEDED


# --- the record's life ------------------------------------------------------------------------------------
def test_the_city_clerk_marks_a_plan_expired(tree, propaganda_officer, login):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7))

    response = login(propaganda_officer).post(
        reverse("documents:status", args=[plan.pk]),
        {"status": DocStatus.EXPIRED, "note": "Hết nhiệm kỳ"},
    )

    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.status == DocStatus.EXPIRED
    page = text_of(login(propaganda_officer).get(reverse("documents:detail", args=[plan.pk])))
    assert "Hết hiệu lực" in page and "Hết nhiệm kỳ" in page


def test_the_city_clerk_corrects_the_summary_and_the_change_is_in_the_log(
    tree, propaganda_officer, login
):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch triển khai")
    client = login(propaganda_officer)

    response = client.post(
        reverse("documents:edit", args=[plan.pk]),
        {
            "revision": plan.revision,
            "summary": "Kế hoạch triển khai thực hiện Nghị quyết Đại hội XI",
            "issued_on": "07-08-2020",
            "signer_name": "Nguyễn Văn A",
            "signer_title": "Phó Bí thư Thường trực",
        },
    )

    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.summary == "Kế hoạch triển khai thực hiện Nghị quyết Đại hội XI"
    assert plan.signer_title == "Phó Bí thư Thường trực"
    assert plan.revision == 2
    page = text_of(client.get(reverse("documents:detail", args=[plan.pk])))
    assert "Phó Bí thư Thường trực" in page.split("Nhật ký thay đổi", 1)[1]
