"""Tasks: assigning, the checks on what is typed, two people saving at once, reporting progress
and status, the progress of a parent derived from its children, and the output document that
closes a task — ending with the scenario's "5 smart" resolution task.

The State side of the persona tree is added here: the city Party committee's counterpart is the
city (State), with its People's Committee; the province has departments.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.documents import services as documents
from trienkhai.documents.models import RelationKind
from trienkhai.org import services as org
from trienkhai.org.models import Unit, UnitKind
from trienkhai.plans import selectors_tasks as selectors
from trienkhai.plans import tasks as services
from trienkhai.plans.forms_tasks import DeadlineError, parse_deadline
from trienkhai.plans.models import Precision, Task, TaskStatus

D = dt.date
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- the world ---------------------------------------------------------------------------------
@pytest.fixture
def state(tree):
    """Tỉnh Bến Tre (State) → UBND tỉnh → two departments; Thành phố Bến Tre → UBND thành phố.
    Thành ủy's counterpart is Thành phố Bến Tre, Tỉnh ủy's is Tỉnh Bến Tre."""
    s = tree
    s.state_province = org.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCE, name="Tỉnh Bến Tre"
    )
    s.province_committee = org.unit_create(
        actor=None,
        parent=s.state_province,
        kind=UnitKind.PEOPLES_COMMITTEE,
        name="UBND tỉnh Bến Tre",
        short_name="UBND tỉnh",
    )
    s.construction = org.unit_create(
        actor=None,
        parent=s.province_committee,
        kind=UnitKind.DEPARTMENT,
        name="Sở Xây dựng tỉnh Bến Tre",
    )
    s.ict = org.unit_create(
        actor=None,
        parent=s.province_committee,
        kind=UnitKind.DEPARTMENT,
        name="Sở Thông tin và Truyền thông tỉnh Bến Tre",
    )
    s.state_city = org.unit_create(
        actor=None, parent=s.state_province, kind=UnitKind.DISTRICT, name="Thành phố Bến Tre"
    )
    s.city_committee = org.unit_create(
        actor=None,
        parent=s.state_city,
        kind=UnitKind.PEOPLES_COMMITTEE,
        name="UBND thành phố Bến Tre",
        short_name="UBND",
    )
    Unit.objects.filter(pk=s.city.pk).update(counterpart=s.state_city)
    Unit.objects.filter(pk=s.province.pk).update(counterpart=s.state_province)
    for name in ("city", "province"):
        setattr(s, name, Unit.objects.get(pk=getattr(s, name).pk))
    return s


def make_task(tree, **kwargs) -> Task:
    """A task the city assigns to the ward, unless told otherwise."""
    data = {
        "title": "Xây dựng kế hoạch thực hiện Nghị quyết",
        "assigned_by": tree.city,
        "lead_unit": tree.ward,
    }
    data.update(kwargs)
    actor = data.pop("actor", None)
    return services.task_create(actor=actor, **data)


def refresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def register(unit, number: str, day: dt.date, summary: str = "Văn bản", **kwargs):
    return documents.document_register(
        actor=None,
        owner_unit=unit,
        number_text=number,
        issued_on=day,
        summary=summary,
        issuer_unit=unit,
        **kwargs,
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- deadlines as written ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("20-9-2020", (D(2020, 9, 20), Precision.DAY)),
        ("20/09/2020", (D(2020, 9, 20), Precision.DAY)),
        ("2020-09-20", (D(2020, 9, 20), Precision.DAY)),
        ("tháng 12-2020", (D(2020, 12, 1), Precision.MONTH)),
        ("Dự kiến trong tháng 12-2020", (D(2020, 12, 1), Precision.MONTH)),
        ("12/2020", (D(2020, 12, 1), Precision.MONTH)),
        ("tháng 12 năm 2020", (D(2020, 12, 1), Precision.MONTH)),
        ("quý IV/2020", (D(2020, 10, 1), Precision.QUARTER)),
        ("Quý 2 năm 2021", (D(2021, 4, 1), Precision.QUARTER)),
        ("Q3-2025", (D(2025, 7, 1), Precision.QUARTER)),
        ("2025-Q4", (D(2025, 10, 1), Precision.QUARTER)),
        ("năm 2025", (D(2025, 1, 1), Precision.YEAR)),
        ("2025", (D(2025, 1, 1), Precision.YEAR)),
        ("", None),
    ],
)
def test_deadlines_are_read_as_officials_write_them(typed, expected):
    assert parse_deadline(typed) == expected


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("31-2-2020", "không có thật"),
        ("tháng 13-2020", "Tháng 13"),
        ("cuối năm", "Không hiểu thời hạn"),
        ("20-9-0020", "gõ nhầm"),
    ],
)
def test_a_deadline_that_cannot_be_read_says_why(typed, words):
    with pytest.raises(DeadlineError) as excinfo:
        parse_deadline(typed)
    assert words in str(excinfo.value)


# --- assigning ---------------------------------------------------------------------------------
def test_city_assigns_a_task_to_a_ward_with_coordinators_and_a_month_deadline(
    tree, propaganda_officer
):
    task = make_task(
        tree,
        actor=propaganda_officer,
        coordinating_units=[tree.board, tree.sibling],
        start_on=D(2020, 10, 1),
        deadline=D(2020, 12, 15),
        deadline_precision=Precision.MONTH,
        weight=3,
    )

    assert task.deadline == D(2020, 12, 1)  # the period, not the day typed
    assert task.deadline_end == D(2020, 12, 31)
    assert task.deadline_text == "tháng 12-2020"
    assert set(task.coordinating_units.all()) == {tree.board, tree.sibling}
    assert task.created_by == propaganda_officer
    entry = audit_entries_for(task).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.changes["deadline"] == [None, "tháng 12-2020"]
    assert entry.changes["coordinating_units"][1] == "; ".join(
        sorted([tree.board.name, tree.sibling.name])
    )


def test_a_deadline_before_the_start_is_refused_with_both_dates(tree):
    with pytest.raises(ValidationError) as excinfo:
        make_task(
            tree, start_on=D(2021, 1, 15), deadline=D(2020, 12, 1), deadline_precision="month"
        )

    message = errors_of(excinfo)["deadline"][0]
    assert "tháng 12-2020" in message and "31-12-2020" in message and "15-1-2021" in message
    assert not Task.objects.exists()


def test_a_month_deadline_may_end_after_a_start_inside_that_month(tree):
    task = make_task(
        tree, start_on=D(2020, 12, 20), deadline=D(2020, 12, 1), deadline_precision="month"
    )

    assert task.deadline_end == D(2020, 12, 31)


def test_the_lead_unit_cannot_also_coordinate(tree):
    with pytest.raises(ValidationError) as excinfo:
        make_task(tree, coordinating_units=[tree.ward, tree.board])

    assert "đã là đơn vị chủ trì" in errors_of(excinfo)["coordinating_units"][0]
    assert not Task.objects.exists()


def test_a_ward_cannot_assign_work_to_its_sibling_or_its_city(tree, ward_clerk):
    for lead in (tree.sibling, tree.city):
        with pytest.raises(ValidationError) as excinfo:
            make_task(tree, actor=ward_clerk, assigned_by=tree.ward, lead_unit=lead)
        assert "không giao nhiệm vụ được cho" in errors_of(excinfo)["lead_unit"][0]
    assert not Task.objects.exists()


def test_a_ward_clerk_cannot_assign_in_the_name_of_the_city(tree, ward_clerk):
    with pytest.raises(ValidationError) as excinfo:
        make_task(tree, actor=ward_clerk, assigned_by=tree.city, lead_unit=tree.ward)

    assert "không có quyền giao nhiệm vụ thay cho" in errors_of(excinfo)["assigned_by"][0]


def test_the_city_may_assign_its_peoples_committee_through_the_counterpart(
    state, propaganda_officer
):
    task = make_task(state, actor=propaganda_officer, lead_unit=state.city_committee)

    assert task.lead_unit == state.city_committee
    with pytest.raises(ValidationError):
        # The provincial departments are not the city's to lead — they may only coordinate.
        make_task(state, actor=propaganda_officer, lead_unit=state.construction)


def test_an_administrator_may_assign_across_the_tree(tree, admin_user):
    task = make_task(tree, actor=admin_user, assigned_by=tree.ward, lead_unit=tree.sibling)

    assert task.lead_unit == tree.sibling


def test_a_task_cannot_be_its_own_parent_or_its_grandchilds_child(tree):
    top = make_task(tree, title="Nhiệm vụ lớn")
    child = make_task(tree, title="Nhiệm vụ con", parent=top)
    grandchild = make_task(tree, title="Nhiệm vụ cháu", parent=child, assigned_by=tree.ward)

    with pytest.raises(ValidationError) as itself:
        services.task_update(actor=None, task=top, revision=top.revision, parent=top)
    with pytest.raises(ValidationError) as loop:
        services.task_update(actor=None, task=top, revision=top.revision, parent=grandchild)

    assert "chính nó" in errors_of(itself)["parent"][0]
    assert "tạo vòng lặp" in errors_of(loop)["parent"][0]
    assert refresh(top).parent is None and refresh(top).revision == 1


def test_every_problem_is_reported_at_once(tree, ward_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(
            actor=ward_clerk,
            title="  ",
            assigned_by=tree.ward,
            lead_unit=tree.sibling,
            coordinating_units=[tree.sibling],
            start_on=D(2021, 1, 1),
            deadline=D(2020, 1, 1),
            weight=0,
            output_doc_type="XYZ",
        )

    assert set(errors_of(excinfo)) == {
        "title",
        "lead_unit",
        "coordinating_units",
        "deadline",
        "weight",
        "output_doc_type",
    }


def test_a_dissolved_unit_gets_no_new_task(tree, admin_user):
    org.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=D(2025, 7, 1))
    sibling = Unit.objects.get(pk=tree.sibling.pk)

    with pytest.raises(ValidationError) as excinfo:
        make_task(tree, lead_unit=sibling)

    assert "đã kết thúc hoạt động" in errors_of(excinfo)["lead_unit"][0]


# --- two people save the same task -------------------------------------------------------------
def test_the_second_of_two_concurrent_edits_is_refused_and_nothing_is_overwritten(
    tree, city_secretary, propaganda_officer
):
    task = make_task(tree, actor=propaganda_officer)
    seen = task.revision  # both opened the form at this revision

    services.task_update(actor=city_secretary, task=task, revision=seen, title="Tên do bí thư sửa")
    with pytest.raises(services.StaleTask) as excinfo:
        services.task_update(
            actor=propaganda_officer, task=task, revision=seen, title="Tên do cán bộ sửa"
        )

    stored = refresh(task)
    assert stored.title == "Tên do bí thư sửa"
    assert stored.revision == seen + 1
    assert excinfo.value.current_revision == seen + 1
    assert "bithu" in excinfo.value.messages[0] and "tải lại" in excinfo.value.messages[0]
    assert "chưa được lưu" in excinfo.value.messages[0]


def test_a_stale_progress_report_is_refused_too(tree, ward_clerk, propaganda_officer):
    task = make_task(tree)
    seen = task.revision
    services.task_update(actor=propaganda_officer, task=task, revision=seen, weight=2)

    with pytest.raises(services.StaleTask):
        services.task_report_progress(
            actor=ward_clerk, task=task, revision=seen, status="in_progress", progress=50
        )
    assert refresh(task).progress == 0


def test_the_claim_is_a_conditional_update(tree):
    """If the revision changes between the read and the write (another transaction committing
    in between), the UPDATE matches no row and the save is refused."""
    task = make_task(tree)
    Task.objects.filter(pk=task.pk).update(revision=5)  # someone else, just now

    with pytest.raises(services.StaleTask):
        services.task_update(actor=None, task=task, revision=1, title="Ghi đè")
    assert refresh(task).title == "Xây dựng kế hoạch thực hiện Nghị quyết"


# --- reporting ---------------------------------------------------------------------------------
def report(task, **kwargs):
    task = refresh(task)
    return services.task_report_progress(
        actor=kwargs.pop("actor", None), task=task, revision=task.revision, **kwargs
    )


def test_progress_over_100_is_refused(tree):
    task = make_task(tree)

    with pytest.raises(ValidationError) as excinfo:
        report(task, status="in_progress", progress=120)

    assert "120%" in errors_of(excinfo)["progress"][0]
    assert refresh(task).progress == 0


def test_some_progress_means_the_task_is_in_progress(tree):
    task = report(make_task(tree), status="not_started", progress=30)

    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 30)


def test_done_within_the_month_is_done_and_after_it_is_done_late(tree):
    on_time = make_task(tree, deadline=D(2020, 12, 1), deadline_precision="month")
    late = make_task(tree, deadline=D(2020, 12, 1), deadline_precision="month")

    on_time = report(on_time, status="done", completed_on=D(2020, 12, 31), today=D(2021, 1, 5))
    late = report(late, status="done", today=D(2021, 1, 1))

    assert (on_time.status, on_time.completed_on, on_time.progress) == (
        TaskStatus.DONE,
        D(2020, 12, 31),
        100,
    )
    assert (late.status, late.completed_on) == (TaskStatus.DONE_LATE, D(2021, 1, 1))


def test_correcting_the_deadline_of_a_finished_task_decides_lateness_again(tree):
    task = make_task(tree, deadline=D(2020, 12, 1), deadline_precision="month")
    task = report(task, status="done", completed_on=D(2021, 1, 10), today=D(2021, 1, 10))
    assert task.status == TaskStatus.DONE_LATE

    task = services.task_update(
        actor=None,
        task=task,
        revision=task.revision,
        deadline=D(2021, 1, 1),
        deadline_precision="quarter",
    )

    assert task.status == TaskStatus.DONE


def test_a_completion_date_in_the_future_is_refused(tree):
    task = make_task(tree)

    with pytest.raises(ValidationError) as excinfo:
        report(task, status="done", completed_on=D(2030, 1, 1), today=D(2025, 1, 1))

    assert "tương lai" in errors_of(excinfo)["completed_on"][0]


def test_postponing_needs_a_reason_and_a_later_deadline_and_keeps_the_old_one_in_history(tree):
    task = make_task(tree, deadline=D(2020, 12, 1), deadline_precision="month")

    with pytest.raises(ValidationError) as missing:
        report(task, status="postponed")
    with pytest.raises(ValidationError) as earlier:
        report(
            task,
            status="postponed",
            reason="Chờ ý kiến tỉnh",
            new_deadline=D(2020, 11, 1),
            new_deadline_precision="month",
        )
    postponed = report(
        task,
        status="postponed",
        reason="Chờ ý kiến của Tỉnh ủy",
        new_deadline=D(2021, 1, 1),
        new_deadline_precision="quarter",
    )

    assert set(errors_of(missing)) == {"reason", "new_deadline"}
    assert "phải sau thời hạn cũ" in errors_of(earlier)["new_deadline"][0]
    assert postponed.deadline_text == "quý I/2021"
    assert postponed.deadline_end == D(2021, 3, 31)
    assert postponed.postponed_reason == "Chờ ý kiến của Tỉnh ủy"
    assert not postponed.is_overdue(D(2021, 2, 1))
    entry = audit_entries_for(postponed).first()
    assert entry.changes["deadline"] == ["tháng 12-2020", "quý I/2021"]


def test_cancelling_needs_a_reason(tree):
    task = make_task(tree)

    with pytest.raises(ValidationError) as excinfo:
        report(task, status="cancelled")
    cancelled = report(task, status="cancelled", note="Đã lồng ghép vào nhiệm vụ khác")

    assert "lý do hủy" in errors_of(excinfo)["note"][0]
    assert cancelled.status == TaskStatus.CANCELLED
    assert audit_entries_for(cancelled).first().note == "Đã lồng ghép vào nhiệm vụ khác"


def test_overdue_is_computed_from_the_end_of_the_period(tree):
    task = make_task(tree, deadline=D(2020, 12, 1), deadline_precision="month")
    done = report(make_task(tree, deadline=D(2020, 1, 1)), status="done", today=D(2020, 6, 1))

    assert not task.is_overdue(D(2020, 12, 31))
    assert task.is_overdue(D(2021, 1, 1))
    assert not done.is_overdue(D(2021, 1, 1))
    overdue = selectors.apply_filters(
        Task.objects.all(), selectors.TaskFilters(status=selectors.OVERDUE), D(2021, 1, 1)
    )
    assert list(overdue) == [task]


# --- derived progress --------------------------------------------------------------------------
def test_a_parents_progress_is_the_weighted_progress_of_its_children(tree, ward_clerk):
    parent = make_task(tree, title="Nhiệm vụ lớn")
    a = make_task(tree, title="Phần A", parent=parent, assigned_by=tree.ward, weight=3)
    b = make_task(tree, title="Phần B", parent=parent, assigned_by=tree.ward, weight=1)
    c = make_task(tree, title="Phần C", parent=parent, assigned_by=tree.ward, weight=1)

    report(a, status="in_progress", progress=50, actor=ward_clerk)
    assert refresh(parent).progress == 30  # (50×3 + 0 + 0) ÷ 5
    report(b, status="done", actor=ward_clerk)
    assert refresh(parent).progress == 50  # (150 + 100 + 0) ÷ 5
    report(c, status="cancelled", note="Không cần nữa", actor=ward_clerk)
    assert refresh(parent).progress == 63  # (150 + 100) ÷ 4 = 62.5, rounded half up


def test_the_progress_of_a_parent_is_not_typed(tree):
    parent = make_task(tree)
    make_task(tree, parent=parent, assigned_by=tree.ward)

    with pytest.raises(ValidationError) as excinfo:
        report(parent, status="in_progress", progress=80)

    assert "tính từ các nhiệm vụ con" in errors_of(excinfo)["progress"][0]
    assert report(parent, status="in_progress", progress=0).status == TaskStatus.IN_PROGRESS


def test_progress_is_recomputed_up_the_whole_chain(tree):
    top = make_task(tree, title="Cấp 1")
    middle = make_task(tree, title="Cấp 2", parent=top, weight=1)
    make_task(tree, title="Cấp 2 khác", parent=top, weight=1)
    leaf = make_task(tree, title="Cấp 3", parent=middle, assigned_by=tree.ward)

    report(leaf, status="in_progress", progress=80)

    assert refresh(middle).progress == 80
    assert refresh(top).progress == 40


def test_moving_a_child_or_changing_its_weight_recomputes_both_parents(tree):
    old, new = make_task(tree, title="Cũ"), make_task(tree, title="Mới")
    child = report(make_task(tree, parent=old, assigned_by=tree.ward), status="done")
    other = report(
        make_task(tree, parent=new, assigned_by=tree.ward), status="in_progress", progress=20
    )
    assert (refresh(old).progress, refresh(new).progress) == (100, 20)

    child = refresh(child)
    services.task_update(actor=None, task=child, revision=child.revision, parent=new, weight=3)

    assert refresh(new).progress == 80  # (100×3 + 20×1) ÷ 4
    assert refresh(other).progress == 20


# --- comments and evidence ---------------------------------------------------------------------
@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_comment_with_a_photo_as_evidence(tree, ward_clerk, media):
    task = make_task(tree)

    comment = services.task_comment(
        actor=ward_clerk,
        task=task,
        text="Đã tổ chức hội nghị quán triệt.",
        evidence=SimpleUploadedFile("hoi-nghi.png", PNG, content_type="image/png"),
    )

    assert comment.evidence_name == "hoi-nghi.png"
    assert comment.evidence.name.endswith(".png") and "hoi-nghi" not in comment.evidence.name
    assert "Tệp minh chứng: hoi-nghi.png" in audit_entries_for(task).first().note


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("chuong-trinh.exe", b"MZ" + b"\x00" * 100, "tệp chương trình"),
        ("bao-cao.pdf", PNG, "thực chất là ảnh PNG"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_evidence_that_is_not_what_it_claims_is_refused(tree, media, name, data, words):
    task = make_task(tree)

    with pytest.raises(ValidationError) as excinfo:
        services.task_comment(
            actor=None, task=task, text="Minh chứng", evidence=SimpleUploadedFile(name, data)
        )

    assert words in errors_of(excinfo)["evidence"][0]
    assert not task.comments.exists()


def test_evidence_over_the_size_limit_is_refused(tree, media, settings):
    settings.TRIENKHAI_MAX_EVIDENCE_BYTES = 1024
    task = make_task(tree)

    with pytest.raises(ValidationError) as excinfo:
        services.task_comment(
            actor=None,
            task=task,
            text="Ảnh lớn",
            evidence=SimpleUploadedFile("anh.png", PNG + b"\x00" * 2048),
        )

    assert "vượt quá giới hạn" in errors_of(excinfo)["evidence"][0]


def test_an_empty_comment_is_refused(tree):
    with pytest.raises(ValidationError) as excinfo:
        services.task_comment(actor=None, task=make_task(tree), text="   ")

    assert "text" in errors_of(excinfo)


# --- the output closes the task ----------------------------------------------------------------
def test_issuing_the_output_document_closes_the_task(tree):
    task = make_task(
        tree,
        lead_unit=tree.ward,
        output_doc_type="QC",
        deadline=D(2020, 12, 1),
        deadline_precision="month",
    )

    document = register(tree.ward, "01-QC/ĐU", D(2020, 12, 20), "Quy chế làm việc")

    task = refresh(task)
    assert (task.status, task.completed_on, task.output_document) == (
        TaskStatus.DONE,
        D(2020, 12, 20),
        document,
    )
    entry = audit_entries_for(task).first()
    assert entry.actor is None and "01-QC/ĐU" in entry.note


def test_issued_after_the_period_the_task_is_done_late(tree):
    task = make_task(
        tree, output_doc_type="QC", deadline=D(2020, 12, 1), deadline_precision="month"
    )

    register(tree.ward, "01-QC/ĐU", D(2021, 1, 4), "Quy chế làm việc")

    assert refresh(task).status == TaskStatus.DONE_LATE


def test_another_type_or_another_issuer_does_not_close_the_task(tree):
    task = make_task(tree, output_doc_type="QC")

    register(tree.ward, "02-KH/ĐU", D(2020, 12, 20), "Kế hoạch")
    register(tree.sibling, "01-QC/ĐU", D(2020, 12, 20), "Quy chế của phường khác")

    assert refresh(task).status == TaskStatus.NOT_STARTED


def test_closed_and_cancelled_tasks_stay_as_they_are(tree):
    cancelled = report(make_task(tree, output_doc_type="QC"), status="cancelled", note="Thôi")

    register(tree.ward, "01-QC/ĐU", D(2020, 12, 20), "Quy chế làm việc")

    assert refresh(cancelled).status == TaskStatus.CANCELLED
    assert refresh(cancelled).output_document is None


def test_a_signed_draft_closes_only_the_task_of_the_plan_it_implements(tree, city_secretary):
    plan_a = register(tree.city, "07-KH/ThU", D(2020, 11, 2), "Kế hoạch A")
    plan_b = register(tree.city, "08-KH/ThU", D(2020, 11, 3), "Kế hoạch B")
    task_a = make_task(tree, output_doc_type="KH", assigning_document=plan_a)
    task_b = make_task(tree, output_doc_type="KH", assigning_document=plan_b)
    loose = make_task(tree, output_doc_type="KH")  # no assigning document: type and unit only

    draft = documents.document_create_draft(
        actor=None,
        owner_unit=tree.ward,
        system="party",
        doc_type="KH",
        summary="Kế hoạch thực hiện Kế hoạch 07-KH/ThU",
        issuer_unit=tree.ward,
    )
    Unit.objects.filter(pk=tree.ward.pk).update(short_name="ĐU")
    documents.relation_add(actor=None, source=draft, target=plan_a, kind=RelationKind.IMPLEMENTS)
    signed = documents.document_sign(actor=city_secretary, document=draft, issued_on=D(2020, 12, 1))

    assert refresh(task_a).status == TaskStatus.DONE
    assert refresh(task_a).output_document == signed
    assert refresh(task_b).status == TaskStatus.NOT_STARTED
    assert refresh(loose).status == TaskStatus.DONE


def test_closing_a_child_by_its_document_moves_the_parent(tree):
    parent = make_task(tree, title="Ban hành văn bản")
    make_task(tree, parent=parent, assigned_by=tree.ward, output_doc_type="QC")
    make_task(tree, parent=parent, assigned_by=tree.ward, output_doc_type="CTr")

    register(tree.ward, "01-QC/ĐU", D(2020, 12, 20), "Quy chế làm việc")

    assert refresh(parent).progress == 50


# --- the scenario ------------------------------------------------------------------------------
FIVE_SMART = (
    "UBND thành phố chủ trì, phối hợp các sở, ngành tỉnh, tham mưu xây dựng Nghị quyết chuyên "
    "đề “5 thông minh”, dự kiến trong tháng 12-2020"
)


@pytest.fixture
def five_smart(state, propaganda_officer):
    plan = register(
        state.city,
        "07-KH/ThU",
        D(2020, 11, 2),
        "Kế hoạch thực hiện Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XII",
    )
    return make_task(
        state,
        actor=propaganda_officer,
        title=FIVE_SMART,
        assigning_document=plan,
        lead_unit=state.city_committee,
        coordinating_units=[state.construction, state.ict],
        output_text="Nghị quyết chuyên đề về xây dựng thành phố “5 thông minh”",
        output_doc_type="NQ",
        output_issuer=state.city,
        deadline=parse_deadline("dự kiến trong tháng 12-2020")[0],
        deadline_precision=parse_deadline("tháng 12-2020")[1],
    )


def test_five_smart_task_is_due_in_december_2020_and_overdue_only_from_2021(five_smart, state):
    task = five_smart

    assert task.deadline_text == "tháng 12-2020"
    assert task.lead_unit == state.city_committee
    assert set(task.coordinating_units.all()) == {state.construction, state.ict}
    assert not task.is_overdue(D(2020, 12, 31))
    assert task.is_overdue(D(2021, 1, 1))
    soon = selectors.TaskFilters(status=selectors.DUE_SOON, soon_days=7)
    assert list(selectors.apply_filters(Task.objects.all(), soon, D(2020, 12, 25))) == [task]
    assert list(selectors.apply_filters(Task.objects.all(), soon, D(2020, 12, 20))) == []


def test_five_smart_task_closes_when_the_city_committee_issues_the_resolution(five_smart, state):
    # The People's Committee's own documents are not the output: the City Party Committee
    # issues the resolution it prepared.
    register(state.city_committee, "125/KH-UBND", D(2020, 12, 10), "Kế hoạch của UBND")
    assert refresh(five_smart).status == TaskStatus.NOT_STARTED

    resolution = register(
        state.city,
        "05-NQ/ThU",
        D(2020, 12, 28),
        "Nghị quyết chuyên đề về xây dựng thành phố Bến Tre “5 thông minh”",
    )

    task = refresh(five_smart)
    assert task.status == TaskStatus.DONE
    assert task.output_document == resolution
    assert task.completed_on == D(2020, 12, 28)


def test_five_smart_resolution_issued_in_january_is_late(five_smart, state):
    register(state.city, "05-NQ/ThU", D(2021, 1, 12), "Nghị quyết chuyên đề “5 thông minh”")

    assert refresh(five_smart).status == TaskStatus.DONE_LATE
