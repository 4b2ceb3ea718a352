"""Exchange packages, as a unit uses them: export a plan's implementation, take it to another
deployment (a file from elsewhere: its keys are foreign), preview every change, apply all or
nothing; send progress up again; a file with one bad row writes nothing."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import transaction

from tests.exchange.conftest import build_plan
from trienkhai.audit.models import AuditEntry
from trienkhai.documents.models import Document
from trienkhai.exchange import format as fmt
from trienkhai.exchange import importer, services, xlsx
from trienkhai.exchange.export import NotExportable, export_package
from trienkhai.exchange.models import ExchangeImport, ImportStatus
from trienkhai.plans.models import Indicator, Measurement, Programme, Requirement, Task

pytestmark = pytest.mark.django_db


def elsewhere(tree, user):
    """A package made on another deployment: built, exported, and the rows rolled back."""
    with transaction.atomic():
        w = build_plan(tree, user)
        package = export_package(user, w.plan)
        transaction.set_rollback(True)
    return package


def counts(outcome, section):
    return outcome.counts()[section]


def test_export_holds_the_whole_implementation(world, city_secretary):
    package = export_package(city_secretary, world.plan)
    assert package["format"] == "trienkhai.exchange" and package["version"] == 1
    numbers = [d["number_text"] for d in package["documents"]]
    assert numbers == ["01-NQ/TU", "07-KH/ThU", "12-KH/ĐU"]
    assert [p["title"] for p in package["programmes"]] == ["Chương trình phát triển đô thị Bến Tre"]
    (indicator,) = package["indicators"]
    assert indicator["target_value"] == "98" and indicator["baseline_value"] == "85.5"
    assert {m["value"] for m in package["measurements"]} == {"91.25", "88"}
    by_title = {t["title"]: t for t in package["tasks"]}
    done = by_title["Tổ chức học tập, quán triệt Nghị quyết"]
    assert done["status"] == "done_late" and done["completed_on"] == "2021-04-05"
    units = {u["key"]: u["name"] for u in package["units"]}
    assert [units[k] for k in done["coordinating_units"]] == ["Đảng ủy Phường An Hội"]
    postponed = by_title["Chỉnh trang các tuyến đường trung tâm"]
    assert postponed["status"] == "postponed" and postponed["deadline"] == "2023-01-01"
    assert postponed["deadline_precision"] == "year"
    sub = by_title["Khảo sát hiện trạng vỉa hè"]
    assert sub["parent"] == postponed["key"]
    cells = {units[c["unit"]]: c["state"] for c in package["compliance"]}
    assert cells == {"Đảng ủy Phường An Hội": "done", "Đảng ủy Phường Phú Khương": "overdue"}
    # Keys, not database ids, tie the records together.
    assert all(":" in u["key"] for u in package["units"])
    json.dumps(package)  # plain JSON values only


def test_a_ward_exports_only_what_it_sees(world, ward_clerk):
    package = export_package(ward_clerk, world.plan)
    names = {u["key"]: u["name"] for u in package["units"]}
    assert [names[m["unit"]] for m in package["measurements"]] == ["Đảng ủy Phường An Hội"]
    assert [names[c["unit"]] for c in package["compliance"]] == ["Đảng ủy Phường An Hội"]


def test_a_draft_is_not_exported(tree, city_secretary):
    from trienkhai.documents import services as documents

    draft = documents.document_create_draft(
        actor=city_secretary,
        owner_unit=tree.city,
        system="party",
        doc_type="KH",
        summary="Dự thảo kế hoạch",
    )
    with pytest.raises(NotExportable):
        export_package(city_secretary, draft)


def test_moving_to_another_deployment_previews_then_applies_everything(tree, city_secretary):
    package = elsewhere(tree, city_secretary)
    assert not Task.objects.exists()

    record = services.preview(actor=city_secretary, raw=package, file_format="json")
    assert record.status == ImportStatus.PREVIEWED
    assert record.preview["counts"]["tasks"]["create"] == 3
    assert record.preview["counts"]["units"]["unchanged"] == 5
    assert record.preview["errors"] == 0
    assert not Task.objects.exists() and not Programme.objects.exists()  # a dry run

    outcome = services.apply(actor=city_secretary, record=record)
    assert outcome.applied
    assert Document.objects.count() == 3
    assert Programme.objects.count() == 1 and Indicator.objects.count() == 1
    assert Measurement.objects.count() == 2 and Requirement.objects.count() == 1
    task = Task.objects.get(title="Tổ chức học tập, quán triệt Nghị quyết")
    assert task.status == "done_late" and task.completed_on == dt.date(2021, 4, 5)
    assert [u.name for u in task.coordinating_units.all()] == ["Đảng ủy Phường An Hội"]
    postponed = Task.objects.get(title="Chỉnh trang các tuyến đường trung tâm")
    assert postponed.status == "postponed" and postponed.postponed_reason == "Chờ bố trí vốn"
    assert postponed.deadline == dt.date(2023, 1, 1)
    assert Task.objects.get(title="Khảo sát hiện trạng vỉa hè").parent == postponed
    assert outcome.compliance == {"cells": 2, "same": 2, "different": 0}
    assert AuditEntry.objects.filter(action="import").count() == 1

    # Exported again, the file is the same (the keys it came with are kept), except the
    # province's resolution, entered in the city's register (the secretary keeps no other).
    again = export_package(city_secretary, Document.objects.get(number_text="07-KH/ThU"))
    for name in fmt.SECTIONS:
        if name != "documents":
            assert again[name] == package[name], name
    assert again["documents"][0]["owner_unit"] == package["documents"][1]["owner_unit"]

    # A second import changes nothing.
    second = importer.run(actor=city_secretary, package=fmt.check(package), apply=True)
    assert all(c["create"] == c["update"] == 0 for c in second.counts().values())


def test_progress_sent_up_again_updates_in_place(world, city_secretary):
    package = export_package(city_secretary, world.plan)
    by_title = {t["title"]: t for t in package["tasks"]}
    sub = by_title["Khảo sát hiện trạng vỉa hè"]
    sub.update(status="in_progress", progress=75)
    package["measurements"][0]["value"] = "93.5"
    package["measurements"].append(
        {**package["measurements"][0], "measured_on": "2024-12-31", "value": "95"}
    )
    package["indicators"][0]["target_value"] = "99"

    outcome = importer.run(actor=city_secretary, package=fmt.check(package), apply=True)
    assert not outcome.errors
    changes = {(c.section, c.label): c for c in outcome.changes}
    assert changes[("tasks", "Khảo sát hiện trạng vỉa hè")].changes["progress"] == [40, 75]
    assert (
        changes[("indicators", "Tỷ lệ hộ dân được cấp nước sạch")].changes["target_value"]
        == ["98.0000", "99"]
        or outcome.counts()["indicators"]["update"] == 1
    )
    assert outcome.counts()["measurements"] == {
        "create": 1,
        "update": 1,
        "unchanged": 1,
        "error": 0,
    }
    assert Task.objects.get(pk=world.subtask.pk).progress == 75
    assert Indicator.objects.get().target_value == Decimal("99")
    latest = Measurement.objects.filter(
        unit__name="Đảng ủy Phường An Hội", measured_on=dt.date(2023, 12, 31)
    )
    assert latest.order_by("-pk").first().value == Decimal("93.5")
    assert Programme.objects.count() == 1 and Task.objects.count() == 3  # nothing doubled


def test_one_bad_row_writes_nothing_and_says_where(tree, city_secretary):
    package = elsewhere(tree, city_secretary)
    package["tasks"][0]["deadline"] = "2020-01-01"
    package["tasks"][0]["start_on"] = "2020-06-01"  # ends before it starts
    package["units"].append(
        {"key": "x:unit:9", "name": "Đảng ủy Phường 99", "kind": "grassroots_party_committee"}
    )
    record = services.preview(actor=city_secretary, raw=package, file_format="json")
    assert record.status == ImportStatus.REJECTED
    errors = [c for c in record.preview["changes"] if c["action"] == "error"]
    sections = {c["section"] for c in errors}
    assert sections == {"units", "tasks"}
    unit_error = next(c for c in errors if c["section"] == "units")
    assert "Không tìm thấy đơn vị “Đảng ủy Phường 99”" in unit_error["messages"][0]
    assert not Task.objects.exists() and not Document.objects.exists()
    with pytest.raises(services.StalePreview):
        services.apply(actor=city_secretary, record=record)
    assert not Task.objects.exists() and not Programme.objects.exists()


def test_the_services_rules_hold_a_ward_cannot_import_the_citys_plan(
    tree, city_secretary, ward_clerk
):
    package = elsewhere(tree, city_secretary)
    outcome = importer.run(actor=ward_clerk, package=fmt.check(package), apply=True)
    assert not outcome.applied
    refused = {c.section for c in outcome.errors}
    assert {"documents", "programmes", "tasks"} <= refused
    assert not Programme.objects.exists() and not Task.objects.exists()


def test_apply_refuses_when_the_data_changed_since_the_preview(world, city_secretary):
    package = export_package(city_secretary, world.plan)
    package["tasks"][2]["progress"] = 60
    record = services.preview(actor=city_secretary, raw=package, file_format="json")
    from trienkhai.plans import tasks

    sub = Task.objects.get(pk=world.subtask.pk)
    tasks.task_report_progress(
        actor=city_secretary, task=sub, revision=sub.revision, status="in_progress", progress=60
    )
    with pytest.raises(services.StalePreview):
        services.apply(actor=city_secretary, record=record)
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED
    assert record.preview["counts"]["tasks"]["update"] == 0, [
        c["changes"] for c in record.preview["changes"]
    ]
    services.apply(actor=city_secretary, record=record)
    assert ExchangeImport.objects.get().status == ImportStatus.APPLIED


def test_xlsx_holds_the_same_package(world, city_secretary):
    package = export_package(city_secretary, world.plan)
    data = xlsx.to_bytes(package)
    file_format, raw = services.read_package(io.BytesIO(data))
    assert file_format == "xlsx"
    assert fmt.plain(fmt.check(raw)) == fmt.plain(fmt.check(package))


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda p: p.update(format="other"), "không phải một gói dữ liệu"),
        (lambda p: p.update(version=2), "phiên bản 2"),
        (
            lambda p: p["tasks"][0].update(deadline="31/12/2021"),
            "Thời hạn: “31/12/2021” không phải ngày",
        ),
        (lambda p: p["tasks"][0].update(progress=140), "Tiến độ (%): phải từ 0 đến 100"),
        (lambda p: p["tasks"][0].update(status="xong"), "Trạng thái: “xong” không phải một trong"),
        (lambda p: p["tasks"][0].pop("lead_unit"), "Đơn vị chủ trì: bắt buộc"),
        (lambda p: p["tasks"].append(dict(p["tasks"][0])), "xuất hiện hai lần"),
        (lambda p: p.update(tasks={"a": 1}), "phải là một danh sách"),
    ],
)
def test_a_wrong_file_is_refused_with_where(world, city_secretary, mangle, message):
    package = export_package(city_secretary, world.plan)
    mangle(package)
    with pytest.raises(fmt.PackageInvalid) as refused:
        fmt.check(package)
    assert message in refused.value.problems[0].message


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Tệp rỗng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "Excel đời cũ"),
        (b"PK\x03\x04 not really", "không phải là tệp Excel"),
        (b"{ not json", "Không đọc được tệp"),
    ],
)
def test_an_unreadable_file_gets_a_clear_message(content, message):
    with pytest.raises(fmt.PackageInvalid) as refused:
        services.read_package(io.BytesIO(content))
    assert message in refused.value.problems[0].message


@pytest.mark.parametrize("raw", [float("inf"), float("-inf"), "Infinity", "NaN", "12.5", "mười"])
def test_a_whole_number_cell_that_is_not_one_is_refused_with_its_value(raw):
    spec = fmt.Field(name="start_year", label="Từ năm", kind="int", minimum=1930, maximum=2200)
    with pytest.raises(ValueError, match="không phải số nguyên"):
        fmt.to_value(spec, raw)
