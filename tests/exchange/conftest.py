"""A resolution's implementation in the persona tree, built through the services as users do.

The province's resolution 01-NQ/TU; the city's plan 07-KH/ThU carrying it out; a programme
with an indicator and values for the two wards; three tasks (done, postponed with a subtask,
one with a coordinating unit); a requirement that each grassroots committee issue a plan, which
An Hội did (its 12-KH/ĐU carries out 07-KH/ThU) and Phú Khương did not.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from trienkhai.documents import services as documents
from trienkhai.documents.models import RelationKind
from trienkhai.org.models import UnitKind
from trienkhai.plans import indicators, programmes, requirements, tasks
from trienkhai.plans.models import Direction, Precision, Rollup, TaskStatus

D = dt.date


def build_plan(tree, actor) -> SimpleNamespace:
    w = SimpleNamespace()
    w.resolution = documents.document_register(
        actor=None,
        owner_unit=tree.province,
        number_text="01-NQ/TU",
        issued_on=D(2020, 9, 20),
        summary="Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI",
        issuer_unit=tree.province,
    )
    w.plan = documents.document_register(
        actor=actor,
        owner_unit=tree.city,
        number_text="07-KH/ThU",
        issued_on=D(2020, 12, 10),
        summary="Kế hoạch thực hiện Nghị quyết Đại hội Đảng bộ tỉnh",
        issuer_unit=tree.city,
    )
    documents.relation_add(
        actor=actor, source=w.plan, target=w.resolution, kind=RelationKind.IMPLEMENTS
    )
    w.programme = programmes.programme_create(
        actor=actor,
        document=w.plan,
        title="Chương trình phát triển đô thị Bến Tre",
        field="Đô thị",
        owner_unit=tree.city,
        start_year=2021,
        end_year=2025,
        today=D(2020, 12, 15),
    )
    w.indicator = indicators.indicator_create(
        actor=actor,
        programme=w.programme,
        unit=tree.city,
        name="Tỷ lệ hộ dân được cấp nước sạch",
        measure_unit="%",
        direction=Direction.AT_LEAST,
        rollup=Rollup.NONE,
        baseline_value=Decimal("85.5"),
        baseline_year=2020,
        target_value=Decimal("98"),
        target_date=D(2025, 12, 31),
        target_precision=Precision.YEAR,
        by_subunits=True,
        today=D(2020, 12, 15),
    )
    for unit, value in ((tree.ward, "91.25"), (tree.sibling, "88")):
        indicators.measurement_add(
            actor=actor,
            indicator=w.indicator,
            unit=unit,
            value=Decimal(value),
            measured_on=D(2023, 12, 31),
            source="Báo cáo năm 2023",
        )
    w.done = tasks.task_create(
        actor=actor,
        title="Tổ chức học tập, quán triệt Nghị quyết",
        assigned_by=tree.city,
        lead_unit=tree.board,
        coordinating_units=[tree.ward],
        assigning_document=w.plan,
        deadline=D(2021, 3, 31),
        today=D(2020, 12, 10),
    )
    w.done = tasks.task_report_progress(
        actor=actor,
        task=w.done,
        revision=w.done.revision,
        status=TaskStatus.DONE,
        completed_on=D(2021, 4, 5),
    )
    w.postponed = tasks.task_create(
        actor=actor,
        title="Chỉnh trang các tuyến đường trung tâm",
        assigned_by=tree.city,
        lead_unit=tree.ward,
        programme=w.programme,
        assigning_document=w.plan,
        deadline=D(2022, 1, 1),
        deadline_precision=Precision.YEAR,
        today=D(2020, 12, 10),
    )
    w.postponed = tasks.task_report_progress(
        actor=actor,
        task=w.postponed,
        revision=w.postponed.revision,
        status=TaskStatus.POSTPONED,
        reason="Chờ bố trí vốn",
        new_deadline=D(2023, 1, 1),
        new_deadline_precision=Precision.YEAR,
    )
    w.subtask = tasks.task_create(
        actor=actor,
        title="Khảo sát hiện trạng vỉa hè",
        parent=w.postponed,
        assigned_by=tree.city,
        lead_unit=tree.ward,
        programme=w.programme,
        deadline=D(2022, 6, 30),
        today=D(2020, 12, 10),
    )
    w.subtask = tasks.task_report_progress(
        actor=actor, task=w.subtask, revision=w.subtask.revision, status="in_progress", progress=40
    )
    w.requirement = requirements.requirement_create(
        actor=actor,
        title="Ban hành kế hoạch thực hiện 07-KH/ThU",
        set_by=tree.city,
        unit_kinds=[UnitKind.GRASSROOTS_PARTY_COMMITTEE],
        doc_type="KH",
        due_on=D(2021, 1, 31),
        implements=w.plan,
        today=D(2020, 12, 10),
    )
    w.ward_plan = documents.document_register(
        actor=actor,
        owner_unit=tree.ward,
        number_text="12-KH/ĐU",
        issued_on=D(2021, 1, 20),
        summary="Kế hoạch thực hiện Kế hoạch 07-KH/ThU của Thành ủy",
        issuer_unit=tree.ward,
    )
    documents.relation_add(
        actor=actor, source=w.ward_plan, target=w.plan, kind=RelationKind.IMPLEMENTS
    )
    return w


@pytest.fixture
def world(tree, city_secretary):
    return build_plan(tree, city_secretary)
