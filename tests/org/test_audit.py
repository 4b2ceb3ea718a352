"""The audit log: every change to official records says who did it and what changed.

The same stories run on SQLite and on PostgreSQL (DATABASE_URL=postgres://…): the changes are
stored as JSON and must read back identically on both.
"""

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import make_user
from trienkhai.audit.models import AuditEntry
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.org import services
from trienkhai.org.models import Access, AccessRole, PositionRole, Unit, UnitKind

JUL_1 = dt.date(2025, 7, 1)
Action = AuditEntry.Action


def last_entry(obj) -> AuditEntry:
    return audit_entries_for(obj).first()


# --- every write service leaves an entry ---------------------------------------------------------
# Each story makes one change as the city secretary and names the record, the action and (some
# of) the [before, after] pairs the entry must hold.
def create_cell(t, actor):
    unit = services.unit_create(
        actor=actor, parent=t.ward, kind=UnitKind.PARTY_CELL, name="Chi bộ Khu phố 2"
    )
    return unit, Action.CREATE, {"name": [None, "Chi bộ Khu phố 2"], "kind": [None, "party_cell"]}


def correct_a_typo(t, actor):
    services.unit_update(actor=actor, unit=t.board, name="Ban Tuyên giáo Thành ủy Bến Tre")
    return (
        t.board,
        Action.UPDATE,
        {"name": ["Ban Tuyên giáo Thành ủy", "Ban Tuyên giáo Thành ủy Bến Tre"]},
    )


def rename(t, actor):
    services.unit_rename(
        actor=actor, unit=t.ward, name="Đảng ủy Phường Phú Tân", short_name="", effective_on=JUL_1
    )
    return (
        t.ward,
        Action.REORGANISE,
        {"name": ["Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Tân"]},
    )


def move(t, actor):
    services.unit_move(actor=actor, unit=t.cell, new_parent=t.sibling, effective_on=JUL_1)
    return (
        t.cell,
        Action.REORGANISE,
        {"parent": ["Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"]},
    )


def merge(t, actor):
    services.unit_merge(actor=actor, sources=[t.sibling], into=t.ward, effective_on=JUL_1)
    return t.sibling, Action.END, {"ended_on": [None, "2025-07-01"], "end_reason": [None, "merged"]}


def split(t, actor):
    services.unit_split(
        actor=actor,
        source=t.sibling,
        parts=[{"name": "Phần Bắc"}, {"name": "Phần Nam"}],
        effective_on=JUL_1,
    )
    return t.sibling, Action.END, {"end_reason": [None, "split"]}


def dissolve(t, actor):
    services.unit_dissolve(actor=actor, unit=t.sibling, effective_on=JUL_1)
    return t.sibling, Action.END, {"end_reason": [None, "dissolved"]}


def create_term(t, actor):
    term = services.term_save(
        actor=actor, unit=t.city, name="Khóa XII", start_on=dt.date(2020, 10, 1)
    )
    return term, Action.CREATE, {"name": [None, "Khóa XII"], "start_on": [None, "2020-10-01"]}


def close_term(t, actor):
    term = services.term_save(
        actor=None, unit=t.city, name="Khóa XII", start_on=dt.date(2020, 10, 1)
    )
    services.term_save(actor=actor, unit=t.city, term=term, end_on=dt.date(2025, 9, 30))
    return term, Action.UPDATE, {"end_on": [None, "2025-09-30"]}


def create_person(t, actor):
    person = services.person_save(actor=actor, full_name="Nguyễn Văn An", home_unit=t.city)
    return person, Action.CREATE, {"full_name": [None, "Nguyễn Văn An"]}


def change_person(t, actor):
    person = services.person_save(actor=None, full_name="Nguyễn Văn An", home_unit=t.city)
    services.person_save(actor=actor, person=person, email="an@bentre.gov.vn", home_unit=t.ward)
    return (
        person,
        Action.UPDATE,
        {
            "email": ["", "an@bentre.gov.vn"],
            "home_unit": ["Thành ủy Bến Tre", "Đảng ủy Phường An Hội"],
        },
    )


def appoint(t, actor):
    person = services.person_save(actor=None, full_name="Nguyễn Văn An", home_unit=t.city)
    position = services.position_save(
        actor=actor,
        person=person,
        unit=t.city,
        role=PositionRole.SECRETARY,
        start_on=dt.date(2020, 10, 1),
    )
    return position, Action.CREATE, {"role": [None, "secretary"], "person": [None, "Nguyễn Văn An"]}


def end_appointment(t, actor):
    person = services.person_save(actor=None, full_name="Nguyễn Văn An", home_unit=t.city)
    position = services.position_save(
        actor=None,
        person=person,
        unit=t.city,
        role=PositionRole.SECRETARY,
        start_on=dt.date(2020, 10, 1),
    )
    services.position_save(actor=actor, position=position, end_on=dt.date(2025, 9, 30))
    return position, Action.UPDATE, {"end_on": [None, "2025-09-30"]}


def grant(t, actor):
    user = make_user("canbo_moi")
    access = services.access_grant(actor=actor, user=user, unit=t.ward, role=AccessRole.EDITOR)
    return access, Action.GRANT, {"role": [None, "editor"]}


def revoke(t, actor):
    user = make_user("canbo_cu", unit=t.ward, role=AccessRole.VIEWER)
    access = Access.objects.get(user=user)
    access_id = access.pk
    services.access_revoke(actor=actor, access=access)
    assert not Access.objects.filter(pk=access_id).exists()
    access.pk = access_id  # delete() cleared it; the entry keeps the old key
    return access, Action.REVOKE, {"role": ["viewer", None]}


STORIES = [
    create_cell,
    correct_a_typo,
    rename,
    move,
    merge,
    split,
    dissolve,
    create_term,
    close_term,
    create_person,
    change_person,
    appoint,
    end_appointment,
    grant,
    revoke,
]


@pytest.mark.parametrize("story", STORIES, ids=[s.__name__ for s in STORIES])
def test_every_change_is_audited_with_its_author_and_before_and_after(tree, city_secretary, story):
    record, action, expected = story(tree, city_secretary)

    entry = last_entry(record)
    assert entry is not None, "no audit entry"
    assert entry.actor == city_secretary
    assert entry.action == action
    for field, pair in expected.items():
        assert entry.changes.get(field) == pair, field


def test_a_merger_audits_the_new_unit_the_moved_cell_and_the_ended_wards(tree, city_secretary):
    _, merged = services.unit_merge(
        actor=city_secretary,
        sources=[tree.ward, tree.sibling],
        new_name="Đảng ủy Phường Bến Tre Mới",
        new_parent=tree.city,
        effective_on=JUL_1,
    )

    assert last_entry(merged).action == Action.CREATE
    assert last_entry(tree.cell).changes == {
        "parent": ["Đảng ủy Phường An Hội", "Đảng ủy Phường Bến Tre Mới"]
    }
    for source in (tree.ward, tree.sibling):
        entry = last_entry(source)
        assert (entry.action, entry.actor) == (Action.END, city_secretary)
        assert "Hợp nhất" in entry.note


def test_saving_without_a_change_adds_no_entry(tree, city_secretary):
    before = AuditEntry.objects.count()

    services.unit_update(actor=city_secretary, unit=tree.board, name="Ban Tuyên giáo Thành ủy")

    assert AuditEntry.objects.count() == before


def test_changes_read_back_exactly_as_written(tree, city_secretary):
    """Vietnamese text, empty values and dates survive the JSON column on every database."""
    services.unit_update(
        actor=city_secretary,
        unit=tree.ward,
        name="Đảng ủy Phường An Hội — Bến Tre",
        official_code="28777",
        established_on=dt.date(2020, 2, 2),
        counterpart=tree.sibling,
    )

    entry = AuditEntry.objects.get(pk=last_entry(tree.ward).pk)
    assert entry.changes == {
        "name": ["Đảng ủy Phường An Hội", "Đảng ủy Phường An Hội — Bến Tre"],
        "official_code": ["", "28777"],
        "established_on": ["2020-02-01", "2020-02-02"],
        "counterpart": [None, "Đảng ủy Phường Phú Khương"],
    }
    assert entry.object_repr == "Đảng ủy Phường An Hội — Bến Tre"
    assert AuditEntry.objects.filter(changes__official_code=["", "28777"]).get() == entry


def test_history_lists_the_newest_change_first(tree, city_secretary):
    services.unit_update(actor=city_secretary, unit=tree.board, short_name="BTG TU")
    services.unit_update(actor=city_secretary, unit=tree.board, short_name="BTGTU")

    shorts = [e.changes["short_name"][1] for e in audit_entries_for(tree.board)[:2]]
    assert shorts == ["BTGTU", "BTG TU"]


# --- the pages show the history -----------------------------------------------------------------
def history_section(page: str) -> str:
    return page.split("Nhật ký thay đổi", 1)[1]


def test_the_unit_page_shows_who_renamed_and_moved_the_ward(
    tree, city_secretary, admin_user, login
):
    client = login(admin_user)  # after the move the ward is out of the city secretary's reach
    rename(tree, city_secretary)
    move_ward = services.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    services.unit_move(
        actor=None, unit=tree.ward, new_parent=move_ward, effective_on=dt.date(2025, 8, 1)
    )

    page = client.get(reverse("org:unit", args=[tree.ward.pk])).content.decode()

    history = history_section(page)
    assert "<strong>Tên</strong>" in history
    assert "<del>Đảng ủy Phường An Hội</del>" in history
    assert "<ins>Đảng ủy Phường Phú Tân</ins>" in history
    assert "<strong>Trực thuộc</strong>" in history
    assert "<ins>Huyện ủy Châu Thành</ins>" in history
    assert "Sắp xếp lại tổ chức" in history
    assert "bithu" in history
    assert "hệ thống" in history  # the move was made by no one in particular


def test_the_unit_page_shows_the_end_of_a_dissolved_ward(tree, city_secretary, login):
    dissolve(tree, city_secretary)

    page = login(city_secretary).get(reverse("org:unit", args=[tree.sibling.pk])).content.decode()

    history = history_section(page)
    assert "<strong>Ngày kết thúc</strong>" in history
    assert "<ins>01-07-2025</ins>" in history
    assert "<strong>Lý do kết thúc</strong>" in history
    assert "<ins>Giải thể</ins>" in history


def test_editing_a_unit_on_its_page_is_audited(tree, propaganda_officer, login):
    response = login(propaganda_officer).post(
        reverse("org:unit_edit", args=[tree.board.pk]),
        {"name": "Ban Tuyên giáo Thành ủy Bến Tre", "short_name": "BTG", "notes": "Ghi chú"},
    )
    assert response.status_code == 302

    entry = last_entry(tree.board)
    assert entry.actor == propaganda_officer
    assert entry.changes["name"] == ["Ban Tuyên giáo Thành ủy", "Ban Tuyên giáo Thành ủy Bến Tre"]
    assert entry.changes["notes"] == ["", "Ghi chú"]


def test_editing_a_person_on_their_page_is_audited_and_shown(tree, propaganda_officer, login):
    an = services.person_save(actor=None, full_name="Nguyen Van An", home_unit=tree.city)
    client = login(propaganda_officer)

    response = client.post(
        reverse("org:person_edit", args=[an.pk]),
        {
            "full_name": "Nguyễn Văn An",
            "email": "an@bentre.gov.vn",
            "phone": "",
            "home_unit": tree.city.pk,
        },
    )
    assert response.status_code == 302

    entry = last_entry(an)
    assert (entry.action, entry.actor) == (Action.UPDATE, propaganda_officer)
    assert entry.changes == {
        "full_name": ["Nguyen Van An", "Nguyễn Văn An"],
        "email": ["", "an@bentre.gov.vn"],
    }
    history = history_section(client.get(reverse("org:person", args=[an.pk])).content.decode())
    assert "<strong>Họ và tên</strong>" in history
    assert "<del>Nguyen Van An</del>" in history
    assert "<ins>Nguyễn Văn An</ins>" in history
    assert "<strong>Thư điện tử</strong>" in history
    assert "tuyengiao" in history


def test_editing_a_term_on_its_page_records_before_and_after(tree, propaganda_officer, login):
    term = services.term_save(
        actor=None, unit=tree.city, name="Khóa XII", start_on=dt.date(2020, 10, 1)
    )

    response = login(propaganda_officer).post(
        reverse("org:term_edit", args=[tree.city.pk, term.pk]),
        {"name": "Khóa XII", "number": "12", "start_on": "01-10-2020", "end_on": "30-09-2025"},
    )
    assert response.status_code == 302

    entry = last_entry(term)
    assert entry.action == Action.UPDATE
    assert entry.changes == {"number": [None, 12], "end_on": [None, "2025-09-30"]}


def test_ending_an_appointment_on_its_page_records_before_and_after(
    tree, propaganda_officer, login
):
    an = services.person_save(actor=None, full_name="Nguyễn Văn An", home_unit=tree.city)
    position = services.position_save(
        actor=None,
        person=an,
        unit=tree.city,
        role=PositionRole.SECRETARY,
        start_on=dt.date(2020, 10, 1),
    )

    response = login(propaganda_officer).post(
        reverse("org:position_edit", args=[tree.city.pk, position.pk]),
        {"person": an.pk, "role": "secretary", "start_on": "01-10-2020", "end_on": "30-09-2025"},
    )
    assert response.status_code == 302

    entry = last_entry(position)
    assert entry.action == Action.UPDATE
    assert entry.changes == {"end_on": [None, "2025-09-30"]}


def test_granting_access_on_the_page_is_audited(tree, city_secretary, login):
    make_user("canbo_moi")
    response = login(city_secretary).post(
        reverse("org:access", args=[tree.ward.pk]), {"username": "canbo_moi", "role": "editor"}
    )
    assert response.status_code == 302

    access = Access.objects.get(user__username="canbo_moi")
    entry = last_entry(access)
    assert (entry.action, entry.actor) == (Action.GRANT, city_secretary)
    assert "canbo_moi" in entry.note and "Đảng ủy Phường An Hội" in entry.note


def test_nothing_is_audited_when_a_form_is_refused(tree, propaganda_officer, login):
    before = AuditEntry.objects.count()

    login(propaganda_officer).post(
        reverse("org:unit_edit", args=[tree.board.pk]),
        {"name": "", "established_on": "31-02-2020"},
    )

    assert AuditEntry.objects.count() == before
    assert Unit.objects.get(pk=tree.board.pk).name == "Ban Tuyên giáo Thành ủy"


def test_the_unit_that_took_over_wards_names_them_on_its_page(tree, city_secretary, login):
    """The change holds a list of names: shown joined, where it once broke the page."""
    services.unit_merge(
        actor=city_secretary, sources=[tree.sibling], into=tree.ward, effective_on=JUL_1
    )

    response = login(city_secretary).get(reverse("org:unit", args=[tree.ward.pk]))

    assert response.status_code == 200
    history = history_section(response.content.decode())
    assert "<strong>Tiếp nhận từ</strong>:  → <ins>Đảng ủy Phường Phú Khương</ins>" in history
