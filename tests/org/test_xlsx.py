"""Import and export of the organisation tree and positions as XLSX."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from trienkhai.audit.models import AuditEntry
from trienkhai.org import selectors, services, xlsx
from trienkhai.org.models import Person, Position, PositionRole, Unit, UnitKind, UnitPeriod

UNIT_HEADERS = [
    "Mã tham chiếu",
    "Tên",
    "Tên viết tắt",
    "Loại đơn vị",
    "Mã chính thức",
    "Đơn vị cấp trên",
    "Tên đơn vị cấp trên",
    "Ngày thành lập",
    "Ngày kết thúc",
    "Ghi chú",
]
POSITION_HEADERS = [
    "Họ và tên",
    "Thư điện tử",
    "Điện thoại",
    "Đơn vị",
    "Tên đơn vị",
    "Chức vụ",
    "Chức danh đầy đủ",
    "Từ ngày",
    "Đến ngày",
    "Ghi chú",
]
UNITS, POSITIONS = "Đơn vị", "Chức vụ"


FIELDS = {
    "short_name": "Tên viết tắt",
    "official_code": "Mã chính thức",
    "established_on": "Ngày thành lập",
    "ended_on": "Ngày kết thúc",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
    "title": "Chức danh đầy đủ",
    "end_on": "Đến ngày",
}


def unit_row(ref=None, name=None, kind="Chi bộ", parent=None, **extra):
    values = {"Mã tham chiếu": ref, "Tên": name, "Loại đơn vị": kind, "Đơn vị cấp trên": parent}
    values.update({FIELDS[k]: v for k, v in extra.items()})
    return values


def position_row(name, unit, role="Bí thư", start="01-01-2021", **extra):
    values = {"Họ và tên": name, "Đơn vị": unit, "Chức vụ": role, "Từ ngày": start}
    values.update({FIELDS[k]: v for k, v in extra.items()})
    return values


def book(
    units=(),
    positions=(),
    *,
    unit_headers=UNIT_HEADERS,
    position_headers=POSITION_HEADERS,
    sheets=(UNITS, POSITIONS),
) -> bytes:
    """A workbook in memory; rows are dicts from header to value."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in (
        (UNITS, unit_headers, units),
        (POSITIONS, position_headers, positions),
    ):
        if title not in sheets:
            continue
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        for row in rows:
            ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def counts():
    return (
        Unit.objects.count(),
        Person.objects.count(),
        Position.objects.count(),
        UnitPeriod.objects.count(),
        AuditEntry.objects.count(),
    )


def rejected(actor, target, data, **kwargs) -> list[xlsx.RowError]:
    before = counts()
    with pytest.raises(xlsx.ImportRejected) as info:
        xlsx.import_workbook(actor=actor, target=target, file=io.BytesIO(data), **kwargs)
    assert counts() == before, "a rejected import must change nothing"
    return info.value.errors


def has_error(errors, sheet, row, column, text):
    found = [
        e
        for e in errors
        if (e.sheet, e.row, e.column) == (sheet, row, column) and text in e.message
    ]
    assert found, (
        f"no error {sheet!r} {row} {column} {text!r} in {[(e.sheet, e.row, e.column, e.message) for e in errors]}"
    )


def export_bytes(units) -> bytes:
    out = io.BytesIO()
    xlsx.export_workbook(units, out)
    return out.getvalue()


def parent_of(unit):
    return Unit.objects.get(path=unit.path[: -Unit.steplen])


def shape(unit):
    """(depth below `unit`, name, kind, short name) of the subtree, in name order per level."""
    rows = selectors.subtree(unit).order_by("path")
    return sorted((u.depth - unit.depth, u.name, u.kind, u.short_name) for u in rows)


def staff(tree, actor=None):
    """Two people with positions in the ward's subtree."""
    lan = services.person_save(
        actor=actor, full_name="Nguyễn Thị Lan", email="lan@benthanh.vn", home_unit=tree.ward
    )
    services.position_save(
        actor=actor,
        person=lan,
        unit=tree.ward,
        role=PositionRole.SECRETARY,
        title="Bí thư Đảng ủy phường",
        start_on=dt.date(2020, 10, 1),
    )
    minh = services.person_save(actor=actor, full_name="Trần Văn Minh", home_unit=tree.cell)
    services.position_save(
        actor=actor,
        person=minh,
        unit=tree.cell,
        role=PositionRole.SECRETARY,
        start_on=dt.date(2021, 1, 5),
        end_on=dt.date(2023, 6, 30),
    )
    return lan, minh


# --- Export ---------------------------------------------------------------------------------------
def test_export_sheets_headers_and_tree_order(tree, city_secretary, login):
    staff(tree)
    services.unit_update(actor=None, unit=tree.board, official_code="000123", notes="=1+1")
    response = login(city_secretary).get(reverse("org:export"), {"unit": tree.city.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.XLSX_CONTENT_TYPE
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="to-chuc-thu-{today}.xlsx"'
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == [UNITS, POSITIONS]
    ws = wb[UNITS]
    assert [c.value for c in ws[1]] == UNIT_HEADERS
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:J6"
    assert ws.column_dimensions["B"].width > 20
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    refs = [r[0] for r in rows]
    assert refs[0] == tree.city.pk
    assert set(refs) == {u.pk for u in selectors.subtree(tree.city)}
    # every parent comes before its children; the top's parent is outside the file
    assert rows[0][5] is None and rows[0][6] == "Tỉnh ủy Bến Tre"
    for index, row in enumerate(rows[1:], 1):
        assert row[5] in refs[:index]
    by_ref = {r[0]: r for r in rows}
    cell_row = by_ref[tree.cell.pk]
    assert cell_row[1:7] == (
        "Chi bộ Khu phố 1",
        None,
        "Chi bộ",
        None,
        tree.ward.pk,
        "Đảng ủy Phường An Hội",
    )
    board = by_ref[tree.board.pk]
    assert board[4] == "000123" and board[9] == "=1+1"  # text stays text, not a formula
    ward_cell = ws.cell(row=refs.index(tree.ward.pk) + 2, column=8)
    assert ward_cell.value.date() == dt.date(2020, 2, 1)
    assert ward_cell.number_format == "DD-MM-YYYY"

    wp = wb[POSITIONS]
    assert [c.value for c in wp[1]] == POSITION_HEADERS
    assert wp.freeze_panes == "A2"
    positions = list(wp.iter_rows(min_row=2, values_only=True))
    assert len(positions) == 2
    lan = next(p for p in positions if p[0] == "Nguyễn Thị Lan")
    assert lan[1:6] == ("lan@benthanh.vn", None, tree.ward.pk, "Đảng ủy Phường An Hội", "Bí thư")
    assert lan[7].date() == dt.date(2020, 10, 1) and lan[8] is None


def test_export_without_unit_gives_the_users_top_units(tree, ward_clerk, login):
    response = login(ward_clerk).get(reverse("org:export"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    refs = [r[0] for r in wb[UNITS].iter_rows(min_row=2, values_only=True)]
    assert refs == [tree.ward.pk, tree.cell.pk]


def test_export_of_an_invisible_unit_is_not_found(tree, ward_clerk, login):
    client = login(ward_clerk)
    assert client.get(reverse("org:export"), {"unit": tree.sibling.pk}).status_code == 404
    assert client.get(reverse("org:export"), {"unit": tree.city.pk}).status_code == 404
    assert client.get(reverse("org:export"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("org:export"), {"unit": 999999}).status_code == 404
    assert client.get(reverse("org:export"), {"unit": "²"}).status_code == 404
    assert client.get(reverse("org:export"), {"unit": "9" * 30}).status_code == 404
    assert client.get(reverse("org:import"), {"unit": "9" * 30}).status_code == 200
    assert client.get(reverse("org:export"), {"unit": tree.cell.pk}).status_code == 200


def test_template_has_headers_guide_and_validation_lists(tree, viewer, login):
    response = login(viewer).get(reverse("org:template"))
    assert response.status_code == 200
    assert "mau-nhap-to-chuc.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == [UNITS, POSITIONS, "Hướng dẫn"]
    assert [c.value for c in wb[UNITS][1]] == UNIT_HEADERS
    assert [c.value for c in wb[POSITIONS][1]] == POSITION_HEADERS
    assert wb[UNITS].max_row == 1 and wb[POSITIONS].max_row == 1
    guide = [c for row in wb["Hướng dẫn"].iter_rows(values_only=True) for c in row if c]
    for label in [*UnitKind.labels, *PositionRole.labels]:
        assert str(label) in guide
    assert "Mã tham chiếu" in guide and "Đơn vị cấp trên" in guide
    kinds = wb[UNITS].data_validations.dataValidation
    assert len(kinds) == 1 and "D2:D" in str(kinds[0].sqref)
    assert "Hướng dẫn" in kinds[0].formula1
    roles = wb[POSITIONS].data_validations.dataValidation
    assert len(roles) == 1 and "F2:F" in str(roles[0].sqref)


def test_the_template_filled_in_imports(tree, city_secretary):
    wb = load_workbook(io.BytesIO(_template()))
    wb[UNITS].append(["M1", "Chi bộ Khu phố 9", None, "Chi bộ"])
    wb[POSITIONS].append(["Lê Văn Tám", None, None, "M1", None, "Bí thư", None, "02-09-2024"])
    out = io.BytesIO()
    wb.save(out)
    result = xlsx.import_workbook(actor=city_secretary, target=tree.ward, file=out.getvalue())
    assert (result.units_created, result.people_created, result.positions_created) == (1, 1, 1)


def _template() -> bytes:
    out = io.BytesIO()
    xlsx.template_workbook(out)
    return out.getvalue()


# --- Import: what works ---------------------------------------------------------------------------
def test_round_trip_into_another_unit_reproduces_the_structure(tree, city_secretary):
    staff(tree)
    data = export_bytes([tree.ward])
    before_people = Person.objects.count()
    result = xlsx.import_workbook(actor=city_secretary, target=tree.sibling, file=data, as_new=True)
    assert (result.units_created, result.units_updated) == (2, 0)
    assert (result.people_created, result.positions_created) == (2, 2)
    copy = selectors.children(tree.sibling).get()
    assert copy.name == "Đảng ủy Phường An Hội"
    assert shape(copy) == shape(tree.ward)
    assert copy.established_on == dt.date(2020, 2, 1)
    # people outside the target are not reused: new records, kept at the copied units
    assert Person.objects.count() == before_people + 2
    lan = Position.objects.get(unit=copy)
    assert (lan.person.full_name, lan.person.email, lan.person.home_unit) == (
        "Nguyễn Thị Lan",
        "lan@benthanh.vn",
        copy,
    )
    assert (lan.role, lan.title, lan.start_on) == (
        "secretary",
        "Bí thư Đảng ủy phường",
        dt.date(2020, 10, 1),
    )
    cell_copy = selectors.children(copy).get()
    minh = Position.objects.get(unit=cell_copy)
    assert minh.end_on == dt.date(2023, 6, 30)
    # the services audited every creation, and the import itself is on the target's record
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE, object_id=str(copy.pk)
    ).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.IMPORT, object_id=str(tree.sibling.pk), actor=city_secretary
    ).exists()


def test_round_trip_of_the_whole_city_under_the_province(tree, admin_user):
    staff(tree)
    target = services.unit_create(
        actor=None, parent=tree.province, kind=UnitKind.CITY_PARTY_COMMITTEE, name="Thành ủy Mới"
    )
    xlsx.import_workbook(
        actor=admin_user, target=target, file=export_bytes([tree.city]), as_new=True
    )
    copy = selectors.children(target).get()
    assert shape(copy) == shape(tree.city)


def test_reimporting_an_export_changes_nothing_then_applies_edits(tree, city_secretary):
    lan, _minh = staff(tree)
    data = export_bytes([tree.city])
    before = counts()
    result = xlsx.import_workbook(actor=city_secretary, target=tree.city, file=data)
    assert not result.changed
    assert (result.units_unchanged, result.positions_unchanged) == (5, 2)
    assert counts() == before

    wb = load_workbook(io.BytesIO(data))
    ws = wb[UNITS]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == tree.board.pk:
            row[1].value = "Ban Tuyên giáo Thành ủy Bến Tre"  # a correction of the name
            row[2].value = "BTGThU"
            row[4].value = "BTG-01"
    for row in wb[POSITIONS].iter_rows(min_row=2):
        if row[0].value == "Nguyễn Thị Lan":
            row[8].value = "15-03-2025"
    ws.append(["M1", "Chi bộ Khu phố 2", None, "Chi bộ", None, tree.ward.pk])
    out = io.BytesIO()
    wb.save(out)
    result = xlsx.import_workbook(actor=city_secretary, target=tree.city, file=out.getvalue())
    assert (result.units_created, result.units_updated, result.positions_updated) == (1, 1, 1)
    board = Unit.objects.get(pk=tree.board.pk)
    assert (board.name, board.short_name, board.official_code) == (
        "Ban Tuyên giáo Thành ủy Bến Tre",
        "BTGThU",
        "BTG-01",
    )
    assert board.periods.get().name == "Ban Tuyên giáo Thành ủy Bến Tre"
    assert Position.objects.get(person=lan).end_on == dt.date(2025, 3, 15)
    assert parent_of(Unit.objects.get(name="Chi bộ Khu phố 2")) == tree.ward


def test_temporary_references_labels_and_date_forms(tree, city_secretary):
    lan, _minh = staff(tree)
    data = book(
        [
            unit_row(
                "m3", "Chi bộ Tổ 3", kind="party_cell", parent="M2"
            ),  # a child above its parent
            unit_row(
                "M1",
                "Đảng ủy Khối Dân",
                kind="dang uy co so, dang uy xa, phuong",
                established_on="07/08/2021",
                short_name="ĐUKD",
                official_code="A1",
            ),
            unit_row(
                "M2",
                "Chi bộ Tổ 2",
                kind="CHI BỘ",
                parent="m1",
                established_on=dt.datetime(2022, 1, 3),
            ),
            unit_row(
                None,
                "Chi bộ Tổ 4",
                parent=tree.cell.pk,
                established_on="2023-05-06",
                official_code="a2",
            ),
        ],
        [
            position_row(
                "Nguyễn Thị Lan",
                "M1",
                role="pho bi thu",
                email="LAN@benthanh.vn",
                start="01-09-2021",
            ),
            position_row(
                "Phạm Hùng", "M2", role="secretary", start=dt.date(2022, 2, 1), phone="0909 000 111"
            ),
            position_row("Phạm Hùng", "m3", role="Ủy viên Ban Chấp hành", start="2022-02-01"),
        ],
    )
    result = xlsx.import_workbook(actor=city_secretary, target=tree.ward, file=data)
    assert (result.units_created, result.people_created, result.positions_created) == (4, 1, 3)
    m1 = Unit.objects.get(name="Đảng ủy Khối Dân")
    assert parent_of(m1) == tree.ward
    assert (m1.kind, m1.short_name, m1.official_code) == (
        UnitKind.GRASSROOTS_PARTY_COMMITTEE,
        "ĐUKD",
        "A1",
    )
    assert m1.established_on == dt.date(2021, 8, 7)
    m2 = Unit.objects.get(name="Chi bộ Tổ 2")
    assert parent_of(m2) == m1 and m2.established_on == dt.date(2022, 1, 3)
    assert parent_of(Unit.objects.get(name="Chi bộ Tổ 3")) == m2
    t4 = Unit.objects.get(name="Chi bộ Tổ 4")
    assert parent_of(t4).pk == tree.cell.pk and t4.established_on == dt.date(2023, 5, 6)
    # Lan matched by name and e-mail (case of the e-mail ignored); Hùng created once
    assert Position.objects.get(unit=m1).person == lan
    hung = Person.objects.get(full_name="Phạm Hùng")
    assert (hung.home_unit, hung.phone) == (m2, "0909 000 111")
    assert set(Position.objects.filter(person=hung).values_list("role", flat=True)) == {
        "secretary",
        "executive_member",
    }


def test_same_name_with_another_email_is_another_person(tree, city_secretary):
    lan, _minh = staff(tree)
    data = book([], [position_row("Nguyễn Thị Lan", tree.cell.pk, email="lan.khac@benthanh.vn")])
    result = xlsx.import_workbook(actor=city_secretary, target=tree.ward, file=data)
    assert result.people_created == 1
    assert Position.objects.get(unit=tree.cell, start_on=dt.date(2021, 1, 1)).person != lan


# --- Import: every kind of bad input --------------------------------------------------------------
def test_unknown_parent_references(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [
                unit_row("M1", "Chi bộ A", parent="M9"),
                unit_row(None, "Chi bộ B", parent=999999),
            ]
        ),
    )
    has_error(errors, UNITS, 2, "F", "Không tìm thấy mã tham chiếu “M9”")
    has_error(errors, UNITS, 3, "F", "Không có đơn vị nào có mã tham chiếu 999999")


def test_odd_numbers_as_references(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [
                unit_row("²", "Chi bộ A"),
                unit_row(None, "Chi bộ B", parent="9" * 30),
                unit_row(None, "Chi bộ C", parent="³"),
            ],
            [position_row("Lê Văn Tám", "1" * 25)],
        ),
    )
    has_error(errors, UNITS, 3, "F", "Không có đơn vị nào có mã tham chiếu " + "9" * 30)
    has_error(errors, UNITS, 4, "F", "Không tìm thấy mã tham chiếu “³”")
    has_error(errors, POSITIONS, 2, "D", "Không có đơn vị nào có mã tham chiếu")
    assert not [
        e for e in errors if e.row == 2 and e.sheet == UNITS
    ]  # "²" is a temporary reference


def test_parent_outside_the_target(tree, city_secretary):
    errors = rejected(
        city_secretary, tree.ward, book([unit_row(None, "Chi bộ A", parent=tree.sibling.pk)])
    )
    has_error(errors, UNITS, 2, "F", "không nằm trong phạm vi của “Đảng ủy Phường An Hội”")


def test_existing_reference_outside_the_target(tree, city_secretary):
    errors = rejected(city_secretary, tree.ward, book([unit_row(tree.board.pk, "Ban Tuyên giáo")]))
    has_error(errors, UNITS, 2, "A", "không nằm trong phạm vi")
    has_error(errors, UNITS, 2, "A", "Tạo mới toàn bộ")


def test_unknown_numeric_reference(tree, city_secretary):
    errors = rejected(city_secretary, tree.ward, book([unit_row(999999, "Chi bộ A")]))
    has_error(errors, UNITS, 2, "A", "Không có đơn vị nào có mã tham chiếu 999999")


def test_duplicate_reference_and_official_code(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [
                unit_row("M1", "Chi bộ A", official_code="X-1"),
                unit_row("m1", "Chi bộ B", official_code="x-1"),
                unit_row(tree.cell.pk, "Chi bộ Khu phố 1"),
                unit_row(tree.cell.pk, "Chi bộ Khu phố 1"),
            ]
        ),
    )
    has_error(errors, UNITS, 3, "A", "Mã tham chiếu “m1” bị lặp lại: đã dùng ở dòng 2")
    has_error(errors, UNITS, 3, "E", "Mã chính thức “x-1” trùng với dòng 2")
    has_error(errors, UNITS, 5, "A", f"Mã tham chiếu “{tree.cell.pk}” bị lặp lại: đã dùng ở dòng 4")


def test_unknown_kind_and_role(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [unit_row("M1", "Chi bộ A", kind="Hội đồng"), unit_row("M2", "Chi bộ B", kind=None)],
            [
                position_row("Lê Văn Tám", tree.cell.pk, role="Tổng Bí thư"),
                position_row("Lê Văn Tư", tree.cell.pk, role=None),
            ],
        ),
    )
    has_error(errors, UNITS, 2, "D", "Loại đơn vị “Hội đồng” không có trong danh sách")
    has_error(errors, UNITS, 3, "D", "Hãy nhập loại đơn vị")
    has_error(errors, POSITIONS, 2, "F", "Chức vụ “Tổng Bí thư” không có trong danh sách")
    has_error(errors, POSITIONS, 3, "F", "Hãy nhập chức vụ")


def test_dates_that_are_not_dates_and_ends_before_starts(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [
                unit_row("M1", "Chi bộ A", established_on="31-02-2021"),
                unit_row("M2", "Chi bộ B", established_on=43000),
                unit_row("M3", "Chi bộ C", established_on="2031-01-01"),
                unit_row("M4", "Chi bộ D", established_on="01-01-0001"),
            ],
            [
                position_row("Lê Văn Tám", tree.cell.pk, start="hôm qua"),
                position_row("Lê Văn Tư", tree.cell.pk, start="05-05-2022", end_on="04/05/2022"),
                position_row("Lê Văn Năm", tree.cell.pk, start=None),
            ],
        ),
    )
    has_error(errors, UNITS, 2, "H", "“31-02-2021” không phải là ngày")
    has_error(errors, UNITS, 3, "H", "“43000” không phải là ngày")
    has_error(errors, UNITS, 4, "H", "không thể ở tương lai")
    has_error(errors, UNITS, 5, "H", "năm 0001 chắc là gõ nhầm")
    has_error(errors, POSITIONS, 2, "H", "“hôm qua” không phải là ngày")
    has_error(
        errors, POSITIONS, 3, "I", "Ngày thôi giữ chức vụ 4-5-2022 trước ngày bắt đầu 5-5-2022"
    )
    has_error(errors, POSITIONS, 4, "H", "Hãy nhập ngày bắt đầu giữ chức vụ")


def test_unit_end_before_start_and_new_units_cannot_be_ended(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [
                unit_row("M1", "Chi bộ A", established_on="01-01-2021", ended_on="01-01-2020"),
            ]
        ),
    )
    has_error(errors, UNITS, 2, "I", "Ngày kết thúc 1-1-2020 trước ngày thành lập 1-1-2021")
    has_error(errors, UNITS, 2, "I", "Đơn vị mới không thể có ngày kết thúc")


def test_missing_names(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [unit_row("M1", None), unit_row(tree.cell.pk, "  ")],
            [position_row(None, tree.cell.pk)],
        ),
    )
    has_error(errors, UNITS, 2, "B", "Thiếu tên đơn vị")
    has_error(errors, UNITS, 3, "B", "Thiếu tên đơn vị")
    has_error(errors, POSITIONS, 2, "A", "Thiếu họ và tên")


def test_cycle_among_new_rows(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [
                unit_row("M1", "Chi bộ A", parent="M2"),
                unit_row("M2", "Chi bộ B", parent="M1"),
                unit_row("M3", "Chi bộ C", parent="M3"),
                unit_row("M4", "Chi bộ D", parent="M1"),
            ]
        ),
    )
    has_error(
        errors, UNITS, 2, "F", "Vòng lặp trong quan hệ cấp trên giữa các đơn vị mới: M1 → M2 → M1"
    )
    has_error(errors, UNITS, 3, "F", "Vòng lặp")
    has_error(errors, UNITS, 4, "F", "không thể là cấp trên của chính nó")
    assert not [e for e in errors if e.row == 5]  # only hangs under the cycle


def test_position_in_unknown_or_outside_unit_and_bad_email(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [],
            [
                position_row("Lê Văn Tám", "M7"),
                position_row("Lê Văn Tư", tree.board.pk),
                position_row("Lê Văn Năm", tree.cell.pk, email="nam@"),
                position_row("Lê Văn Sáu", tree.ward.pk, start="01-01-2019"),
            ],
        ),
    )
    has_error(errors, POSITIONS, 2, "D", "Không tìm thấy mã tham chiếu “M7”")
    has_error(errors, POSITIONS, 3, "D", "không nằm trong phạm vi")
    has_error(errors, POSITIONS, 4, "B", "Thư điện tử “nam@” không hợp lệ")
    has_error(errors, POSITIONS, 5, "H", "trước ngày thành lập 1-2-2020")


def test_duplicate_position_rows(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [],
            [
                position_row("Lê Văn Tám", tree.cell.pk),
                position_row("Lê Văn Tám", tree.cell.pk, title="Bí thư chi bộ"),
            ],
        ),
    )
    has_error(errors, POSITIONS, 3, "A", "Trùng với dòng 2")


def test_importing_the_same_new_units_twice_is_refused(tree, city_secretary):
    data = book([unit_row("M1", "Chi bộ Khu phố 7"), unit_row(None, "Tổ Đảng 1", parent="M1")])
    xlsx.import_workbook(actor=city_secretary, target=tree.ward, file=data)
    errors = rejected(city_secretary, tree.ward, data)
    has_error(
        errors,
        UNITS,
        2,
        "B",
        "“Đảng ủy Phường An Hội” đã có đơn vị trực thuộc tên “Chi bộ Khu phố 7”",
    )
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [
                unit_row("M1", "Chi bộ Khu phố 8"),
                unit_row(None, "Chi bo khu pho 8"),
                unit_row(None, "Tổ 1", parent="M1"),
                unit_row(None, "Tổ 1", parent="M1"),
            ]
        ),
    )
    has_error(errors, UNITS, 3, "B", "Trùng tên với đơn vị mới ở dòng 2")
    has_error(errors, UNITS, 5, "B", "Trùng tên với đơn vị mới ở dòng 4")


def test_existing_units_are_not_moved_or_retyped(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.city,
        book(
            [
                unit_row(tree.cell.pk, "Chi bộ Khu phố 1", parent=tree.sibling.pk),
                unit_row(
                    tree.ward.pk,
                    "Đảng ủy Phường An Hội",
                    kind="Chi bộ",
                    established_on="01-02-2021",
                ),
            ]
        ),
    )
    has_error(errors, UNITS, 2, "F", "Nhập tệp không chuyển trực thuộc")
    has_error(errors, UNITS, 3, "D", "Không thể đổi loại đơn vị")
    has_error(errors, UNITS, 3, "H", "Không thể đổi ngày thành lập")


def test_every_error_is_reported_at_once(tree, city_secretary):
    errors = rejected(
        city_secretary,
        tree.ward,
        book(
            [
                unit_row("M1", None),
                unit_row("M2", "Chi bộ B", kind="?"),
                unit_row("M3", "C", parent="M8"),
            ],
            [position_row("A", "M1", role="?"), position_row("B", tree.cell.pk, start="x")],
        ),
    )
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        (UNITS, 2, "B"),
        (UNITS, 3, "D"),
        (UNITS, 4, "F"),
        (POSITIONS, 2, "F"),
        (POSITIONS, 3, "H"),
    ]


def test_a_service_refusing_midway_rolls_everything_back(tree, city_secretary, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"start_on": "Từ chối để thử."})

    monkeypatch.setattr(services, "position_save", refuse)
    data = book(
        [unit_row("M1", "Chi bộ Khu phố 5"), unit_row(None, "Tổ 1", parent="M1")],
        [position_row("Lê Văn Tám", "M1")],
    )
    errors = rejected(city_secretary, tree.ward, data)
    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [
        (POSITIONS, 2, "H", "Từ chối để thử.")
    ]


def test_missing_sheets_and_headers(tree, city_secretary):
    wb = Workbook()
    wb.active.title = "Trang 1"
    wb.active.append(["Tên"])
    out = io.BytesIO()
    wb.save(out)
    errors = rejected(city_secretary, tree.ward, out.getvalue())
    assert len(errors) == 1 and "không có trang tính “Đơn vị” hay “Chức vụ”" in errors[0].message

    headers = [h for h in UNIT_HEADERS if h not in {"Loại đơn vị", "Đơn vị cấp trên"}]
    errors = rejected(city_secretary, tree.ward, book([unit_row("M1", "A")], unit_headers=headers))
    has_error(errors, UNITS, 1, "", "thiếu cột: “Loại đơn vị”, “Đơn vị cấp trên”")

    errors = rejected(city_secretary, tree.ward, book([], [], sheets=(UNITS,)))
    assert "không có dòng dữ liệu nào" in errors[0].message


def test_headers_may_be_reordered_and_extra_columns_ignored(tree, city_secretary):
    headers = ["Ghi chú thêm", "Loại đơn vị", "Tên", "Đơn vị cấp trên", "Mã tham chiếu"]
    data = book(
        [unit_row("M1", "Chi bộ A"), unit_row(None, "Chi bộ B", parent="M1", kind="?")],
        unit_headers=headers,
        sheets=(UNITS,),
    )
    errors = rejected(city_secretary, tree.ward, data)
    has_error(errors, UNITS, 3, "B", "Loại đơn vị “?” không có")


def test_files_that_are_not_xlsx_are_refused(tree, city_secretary, settings):
    for data in [
        b"Ten,Loai\nChi bo A,Chi bo\n",
        b"%PDF-1.4 ...",
        _zip({"word/document.xml": "<w/>", "[Content_Types].xml": "<Types/>"}),
        _zip({"a.txt": "x"}),
    ]:
        errors = rejected(city_secretary, tree.ward, data)
        assert errors[0].message.startswith("Tệp này không phải là tệp Excel dạng .xlsx")
    errors = rejected(city_secretary, tree.ward, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert "tệp Excel đời cũ (.xls)" in errors[0].message
    settings.TRIENKHAI_MAX_IMPORT_BYTES = 1000
    errors = rejected(city_secretary, tree.ward, book([unit_row("M1", "Chi bộ A")]))
    assert "Tệp quá lớn" in errors[0].message


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


# --- Permissions, per row -------------------------------------------------------------------------
def test_an_editor_may_update_and_add_positions_but_not_create_units(tree, ward_clerk):
    errors = rejected(
        ward_clerk,
        tree.ward,
        book(
            [
                unit_row(tree.cell.pk, "Chi bộ Khu phố 1", short_name="KP1"),
                unit_row("M1", "Chi bộ mới"),
                unit_row(None, "Chi bộ mới 2", parent="M1"),
            ]
        ),
    )
    has_error(errors, UNITS, 3, "F", "Bạn không có quyền quản lý “Đảng ủy Phường An Hội”")
    has_error(errors, UNITS, 4, "F", "Bạn không có quyền quản lý")
    assert not [e for e in errors if e.row == 2]

    data = book(
        [unit_row(tree.cell.pk, "Chi bộ Khu phố 1", short_name="KP1")],
        [position_row("Lê Văn Tám", tree.cell.pk)],
    )
    result = xlsx.import_workbook(actor=ward_clerk, target=tree.ward, file=data)
    assert (result.units_updated, result.positions_created) == (1, 1)
    assert Unit.objects.get(pk=tree.cell.pk).short_name == "KP1"
    entry = AuditEntry.objects.filter(
        object_id=str(tree.cell.pk), action=AuditEntry.Action.UPDATE
    ).get()
    assert entry.actor == ward_clerk


def test_rights_are_checked_row_by_row(tree, propaganda_officer):
    # editor of the city, manager of the ward only
    services.access_grant(actor=None, user=propaganda_officer, unit=tree.ward, role="manager")
    data = book(
        [
            unit_row(tree.board.pk, "Ban Tuyên giáo Thành ủy", kind=None, short_name="BTG-ThU"),
            unit_row(None, "Chi bộ Khu phố 3", parent=tree.ward.pk),
            unit_row(None, "Ban Dân vận Thành ủy", kind="Ban đảng, Văn phòng cấp ủy"),
        ]
    )
    errors = rejected(propaganda_officer, tree.city, data)
    assert [(e.row, e.column) for e in errors] == [(4, "F")]
    assert errors[0].message == (
        "Bạn không có quyền quản lý “Thành ủy Bến Tre”, nên không thể thêm đơn vị trực thuộc."
    )


def test_rows_outside_the_editable_scope_are_errors(tree, ward_clerk):
    # the ward clerk also views the whole city, but may change only the ward
    services.access_grant(actor=None, user=ward_clerk, unit=tree.city, role="viewer")
    errors = rejected(ward_clerk, tree.ward, book([], [position_row("Lê Văn Tám", tree.board.pk)]))
    has_error(errors, POSITIONS, 2, "D", "không nằm trong phạm vi")
    errors = rejected(ward_clerk, tree.city, book([unit_row(tree.board.pk, "Ban khác")]))
    assert "Bạn không có quyền biên tập “Thành ủy Bến Tre”" in errors[0].message


# --- Views ----------------------------------------------------------------------------------------
def upload(data: bytes, name="to-chuc.xlsx"):
    return SimpleUploadedFile(name, data, content_type=xlsx.XLSX_CONTENT_TYPE)


def test_import_page_lists_editable_units_and_links(tree, ward_clerk, login):
    response = login(ward_clerk).get(reverse("org:import"), {"unit": tree.cell.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("org:template") in html
    assert f"{reverse('org:export')}?unit={tree.cell.pk}" in html
    options = list(response.context["form"].fields["target"].queryset)
    assert options == [tree.ward, tree.cell]
    assert f'<option value="{tree.cell.pk}" selected>' in html
    assert "Thành ủy Bến Tre" not in html.split("<main")[1]


def test_import_page_success_redirects_with_counts(tree, city_secretary, login):
    data = book(
        [unit_row("M1", "Chi bộ Khu phố 5"), unit_row(None, "Tổ Đảng 1", parent="M1")],
        [position_row("Lê Văn Tám", "M1")],
    )
    client = login(city_secretary)
    response = client.post(reverse("org:import"), {"target": tree.ward.pk, "file": upload(data)})
    assert response.status_code == 302
    assert response["Location"] == reverse("org:unit", args=[tree.ward.pk])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Đã nhập xong vào “Đảng ủy Phường An Hội”: thêm 2 đơn vị, cập nhật 0 đơn vị, thêm 1 cán bộ, "
        "thêm 1 chức vụ, cập nhật 0 chức vụ."
    ]


def test_import_page_shows_every_error_and_keeps_the_target(tree, city_secretary, login):
    data = book([unit_row("M1", None), unit_row("M1", "Chi bộ B", parent="M5")])
    before = counts()
    response = login(city_secretary).post(
        reverse("org:import"), {"target": tree.ward.pk, "file": upload(data)}
    )
    assert response.status_code == 200
    assert counts() == before
    html = response.content.decode()
    assert "Tệp có 3 lỗi. Chưa có dữ liệu nào được nhập." in html
    assert "<td>Đơn vị</td><td>2</td><td>B</td><td>Thiếu tên đơn vị.</td>" in html
    assert "bị lặp lại: đã dùng ở dòng 2" in html and "Không tìm thấy mã tham chiếu “M5”" in html
    assert f'<option value="{tree.ward.pk}" selected>' in html


def test_a_renamed_non_xlsx_file_is_refused(tree, city_secretary, login):
    before = counts()
    response = login(city_secretary).post(
        reverse("org:import"),
        {
            "target": tree.ward.pk,
            "file": upload("Tên;Loại\nChi bộ A;Chi bộ\n".encode(), "danh-sach.xlsx"),
        },
    )
    assert response.status_code == 200
    assert counts() == before
    assert "Tệp này không phải là tệp Excel dạng .xlsx" in response.content.decode()


def test_ward_clerk_cannot_import_into_the_city(tree, ward_clerk, login):
    before = counts()
    response = login(ward_clerk).post(
        reverse("org:import"),
        {"target": tree.city.pk, "file": upload(book([unit_row("M1", "Chi bộ A")]))},
    )
    assert response.status_code == 200
    assert counts() == before
    assert (
        "Không tìm thấy đơn vị đã chọn, hoặc bạn không có quyền với đơn vị đó."
        in response.content.decode()
    )


def test_viewer_cannot_import(tree, viewer, outsider, login):
    client = login(viewer)
    assert client.get(reverse("org:import")).status_code == 403
    data = book([unit_row("M1", "Chi bộ A")])
    before = counts()
    assert (
        client.post(
            reverse("org:import"), {"target": tree.city.pk, "file": upload(data)}
        ).status_code
        == 403
    )
    assert counts() == before
    assert login(outsider).get(reverse("org:import")).status_code == 403


def test_anonymous_is_sent_to_login(tree, client):
    for name in ("org:import", "org:export", "org:template"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("org:import"), {"target": tree.city.pk})
    assert response.status_code == 302


def test_import_page_uses_the_unit_picker_when_many_units_are_editable(tree, ward_clerk, login):
    for number in range(41):
        services.unit_create(actor=None, parent=tree.cell, kind=UnitKind.OTHER, name=f"Tổ {number}")
    response = login(ward_clerk).get(reverse("org:import"), {"unit": tree.ward.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("org:pick") in html
    assert f'name="target" value="{tree.ward.pk}" checked' in html
