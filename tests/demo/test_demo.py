"""The Bến Tre demo: the 2020 organisation, its 2025 reorganisation, the demo accounts and the
`trienkhai demo` command."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest
from django.utils.module_loading import import_string

from trienkhai.audit.models import AuditEntry
from trienkhai.demo import LOADERS
from trienkhai.demo.management.commands.demo import allow_host, url_for
from trienkhai.demo.scenario_org import (
    DEMO_ACCOUNTS,
    GENERATED,
    KEY_AN_HOI,
    KEY_AN_HOI_PARTY,
    KEY_CITY_PARTY,
    KEY_PARTY_PROVINCE,
    KEY_STATE_CITY,
    communes_2020,
    ensure_demo_accounts,
    generated_names,
    key_commune,
    load_org_scenario,
)
from trienkhai.org import rules, selectors
from trienkhai.org.divisions import party_province_key, province_key
from trienkhai.org.models import (
    EndReason,
    Person,
    Position,
    PositionRole,
    ReorgEvent,
    Term,
    Unit,
    UnitKind,
    UnitPeriod,
)

ARTICLE_DAY = dt.date(2020, 9, 21)
GRASSROOTS = {UnitKind.GRASSROOTS_PARTY_COMMITTEE, UnitKind.PARTY_CELL}


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """Load the scenario and the accounts once for the module; roll back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert load_org_scenario() is True
        for path in LOADERS[1:]:
            import_string(path)()
        ensure_demo_accounts()
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("scenario")


def unit(key: str) -> Unit:
    return Unit.objects.get(source_key=key)


def counts() -> tuple[int, ...]:
    models = [Unit, UnitPeriod, ReorgEvent, AuditEntry, Person, Position, Term, get_user_model()]
    return tuple(model.objects.count() for model in models)


def test_loading_twice_creates_nothing(db):
    before = counts()
    assert load_org_scenario() is False
    assert ensure_demo_accounts() == []
    assert counts() == before


def test_the_city_committee_had_51_grassroots_organisations_in_september_2020(db):
    rows = list(selectors.children_as_of(unit(KEY_CITY_PARTY), ARTICLE_DAY))
    grassroots = [r for r in rows if r.kind in GRASSROOTS]
    assert len(grassroots) == 51
    ward_committees = [r for r in grassroots if r.unit.counterpart_id is not None]
    assert len(ward_committees) == 14
    assert "Đảng ủy Phường An Hội" in {r.name for r in ward_committees}
    bodies = {r.name for r in rows if r.kind not in GRASSROOTS}
    assert {
        "Ban Chấp hành Đảng bộ thành phố",
        "Ban Thường vụ Thành ủy",
        "Thường trực Thành ủy",
        "Văn phòng Thành ủy",
        "Ban Tuyên giáo Thành ủy",
        "Ban Tổ chức Thành ủy",
        "Ban Dân vận Thành ủy",
        "Ủy ban Kiểm tra Thành ủy",
    } == bodies
    generated = [r.unit for r in grassroots if r.unit.counterpart_id is None]
    assert all(GENERATED in u.notes for u in generated)


def test_the_city_had_14_communes_and_wards_in_2020(db):
    rows = [
        r
        for r in selectors.children_as_of(unit(KEY_STATE_CITY), ARTICLE_DAY)
        if r.kind == UnitKind.COMMUNE
    ]
    names = {r.name for r in rows}
    assert len(names) == 14
    assert {n for n in names if n.startswith("Phường")} == {
        "Phường An Hội",
        "Phường Phú Khương",
        "Phường Phú Tân",
        "Phường 4",
        "Phường 5",
        "Phường 6",
        "Phường 7",
        "Phường 8",
    }
    assert {n for n in names if n.startswith("Xã")} == {
        "Xã Bình Phú",
        "Xã Mỹ Thạnh An",
        "Xã Nhơn Thạnh",
        "Xã Phú Hưng",
        "Xã Phú Nhuận",
        "Xã Sơn Đông",
    }
    # Each ward Party committee is the counterpart of its ward.
    assert unit(KEY_AN_HOI_PARTY).counterpart == unit(KEY_AN_HOI)


def test_in_september_2020_the_city_committee_sat_under_tinh_uy_ben_tre(db):
    chain = selectors.chain_as_of(unit(KEY_CITY_PARTY), ARTICLE_DAY)
    assert [p.name for p in chain] == [
        "Đảng Cộng sản Việt Nam",
        "Tỉnh ủy Bến Tre",
        "Thành ủy Bến Tre",
    ]
    assert chain[-2].unit.source_key == KEY_PARTY_PROVINCE
    assert [p.name for p in selectors.chain_as_of(unit(KEY_AN_HOI), ARTICLE_DAY)][1:] == [
        "Tỉnh Bến Tre",
        "Thành phố Bến Tre",
        "Phường An Hội",
    ]


def test_today_an_hoi_is_carried_on_under_tinh_uy_vinh_long(db):
    successors = selectors.successors_now(unit(KEY_AN_HOI_PARTY))
    assert [s.name for s in successors] == ["Đảng ủy phường An Hội"]
    parent = selectors.ancestors(successors[0]).last()
    assert parent == unit(party_province_key(86))
    assert parent.name == "Tỉnh ủy Vĩnh Long"
    assert parent.is_active
    # Its residential cells came along.
    assert {"Chi bộ Khu phố 1", "Chi bộ Khu phố 2", "Chi bộ Khu phố 3"} <= set(
        selectors.children(successors[0]).values_list("name", flat=True)
    )


def test_every_old_commune_leads_to_its_2025_ward_in_vinh_long(db):
    vinh_long = unit(province_key(86))
    for commune in communes_2020():
        now = selectors.successors_now(unit(key_commune(commune)))
        assert [u.name for u in now] == [commune.successor_name], commune.name
        assert now[0].is_within(vinh_long)
        assert now[0].official_code == f"{commune.successor_code:05d}"
    assert selectors.successors_now(unit(KEY_AN_HOI))[0].official_code == "28777"


def test_the_2025_reform_ended_the_city_level(db):
    city_party, city = unit(KEY_CITY_PARTY), unit(KEY_STATE_CITY)
    assert (city_party.ended_on, city_party.end_reason) == (
        dt.date(2025, 7, 1),
        EndReason.DISSOLVED,
    )
    assert (city.ended_on, city.end_reason) == (dt.date(2025, 7, 1), EndReason.DISSOLVED)
    assert not selectors.children(city_party).exists()
    province = unit(KEY_PARTY_PROVINCE)
    assert province.end_reason == EndReason.MERGED
    assert selectors.successors_now(province) == [unit(party_province_key(86))]
    assert not Position.objects.filter(unit=city_party, end_on__isnull=True).exists()
    secretary = Position.objects.get(unit=city_party, role=PositionRole.SECRETARY)
    assert secretary.end_on == dt.date(2025, 6, 30)
    assert secretary.term.name == "Khóa XII"
    bases = set(ReorgEvent.objects.values_list("legal_basis", flat=True))
    assert any(b.startswith("Nghị quyết 202/2025/QH15") for b in bases)
    assert any(b.startswith("Nghị quyết 1687/NQ-UBTVQH15") for b in bases)
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.END, object_id=str(city_party.pk)
    ).exists()


def test_terms_and_people(db):
    city_party = unit(KEY_CITY_PARTY)
    term = Term.objects.get(unit=city_party)
    assert (term.name, term.number, term.start_on) == ("Khóa XII", 12, dt.date(2020, 7, 22))
    assert set(
        Term.objects.filter(unit=unit(KEY_PARTY_PROVINCE)).values_list("name", flat=True)
    ) == {
        "Khóa X",
        "Khóa XI",
    }
    ward_secretaries = Position.objects.filter(
        role=PositionRole.SECRETARY, unit__kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE
    )
    assert ward_secretaries.count() == 14
    on_the_day = Position.objects.filter(start_on__lte=ARTICLE_DAY, end_on__gte=ARTICLE_DAY)
    assert (
        on_the_day.filter(role=PositionRole.CHAIR, unit__name="UBND thành phố Bến Tre").count() == 1
    )
    assert on_the_day.filter(unit__name="Ban Tuyên giáo Thành ủy").count() == 3
    names = list(Person.objects.values_list("full_name", flat=True))
    assert len(names) == len(set(names))
    assert names and set(names) <= set(generated_names(len(names)))


def test_generated_names_are_deterministic():
    assert generated_names(40) == generated_names(40)
    assert len(set(generated_names(40))) == 40


@pytest.mark.real_password_hashing
@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_demo_accounts_log_in(client, db, account):
    assert client.login(request=HttpRequest(), username=account.username, password=account.password)
    user = get_user_model().objects.get(username=account.username)
    assert user.password.startswith("argon2")
    if account.person:
        assert user.person.email.startswith(account.person + "@")


def test_demo_account_scopes(db):
    users = {u.username: u for u in get_user_model().objects.all()}
    city_party, city, an_hoi_party = (
        unit(KEY_CITY_PARTY),
        unit(KEY_STATE_CITY),
        unit(KEY_AN_HOI_PARTY),
    )
    assert rules.is_admin(users["admin"])
    bithu = users["bithu"]
    assert rules.can_manage_unit(bithu, city_party)
    assert rules.can_manage_unit(bithu, an_hoi_party)
    assert rules.can_view_unit(bithu, city) and not rules.can_edit_unit(bithu, city)
    assert not rules.can_view_unit(bithu, unit(KEY_PARTY_PROVINCE))
    tuyengiao = users["tuyengiao"]
    assert rules.can_edit_unit(tuyengiao, city_party) and not rules.can_manage_unit(
        tuyengiao, city_party
    )
    assert not rules.can_view_unit(tuyengiao, city)
    clerk = users["vanthu.anhoi"]
    assert rules.can_edit_unit(clerk, an_hoi_party)
    assert not rules.can_view_unit(clerk, city_party)
    viewer = users["xem"]
    assert rules.can_view_unit(viewer, an_hoi_party) and not rules.can_edit_unit(
        viewer, an_hoi_party
    )


def test_bithu_is_the_city_secretary(db):
    person = get_user_model().objects.get(username="bithu").person
    position = person.positions.get(role=PositionRole.SECRETARY)
    assert position.unit == unit(KEY_CITY_PARTY)
    assert position.title == "Bí thư Thành ủy Bến Tre"


def test_loaders_are_listed_by_dotted_path():
    assert "trienkhai.demo.scenario_org.load_org_scenario" in LOADERS


def test_demo_command_without_serving_reuses_the_data(db):
    before = counts()
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert counts() == before
    assert "Thành phố Bến Tre" in text
    for account in DEMO_ACCOUNTS:
        assert account.username in text and account.password in text
    assert "Ctrl+C" not in text


def test_the_chosen_host_is_allowed(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    allow_host("192.0.2.10")
    allow_host("::1")
    allow_host("127.0.0.1")
    assert settings.ALLOWED_HOSTS == ["127.0.0.1", "localhost", "192.0.2.10", "[::1]"]
    assert url_for("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert url_for("::1", 8001) == "http://[::1]:8001/"


def test_the_city_committee_is_carried_on_by_the_new_wards_under_vinh_long(client, db):
    """The city secretary's own scope ended in 2025: her tree page says who carries it on."""
    successors = selectors.successors_now(unit(KEY_CITY_PARTY))
    tinh_uy = unit(party_province_key(86))
    assert len(successors) == 5
    assert all(s.is_within(tinh_uy) for s in successors)
    client.force_login(get_user_model().objects.get(username="bithu"))
    page = client.get("/org/").content.decode()
    assert "Thành ủy Bến Tre" in page
    assert "kế thừa:" in page
    assert "Đảng ủy phường An Hội" in page


def test_the_register_holds_the_articles_documents(db):
    from trienkhai.documents.models import Document, DocumentRelation

    plan = Document.objects.get(number_text="07-KH/ThU")
    assert plan.issued_on == dt.date(2020, 8, 7)
    assert plan.issuer_name == "Thành ủy Bến Tre"  # as written in 2020, though it ended in 2025
    assert plan.term.name == "Khóa XII"
    assert Document.objects.get(number_text="127-QĐ/TW").issued_on == dt.date(2020, 3, 1)
    assert Document.objects.get(number_text="98-QĐ/TW").issued_on == dt.date(2004, 3, 22)
    assert DocumentRelation.objects.filter(source=plan, target__number_text="01-NQ/ĐH").exists()


def test_the_rules_were_consulted_on_and_signed_before_20_september(db):
    from trienkhai.demo.scenario_consultation import PROGRAMME, REGIME, RULES
    from trienkhai.documents.models import Comment, Document, Resolution

    for summary, number in [(RULES, "01-QC/ThU"), (REGIME, "01-QĐ/ThU")]:
        doc = Document.objects.get(summary=summary)
        assert doc.number_text == number
        assert doc.issued_on <= dt.date(2020, 9, 20)
        assert doc.versions.count() == 2
        assert not Comment.objects.filter(
            consultation__document=doc, resolution=Resolution.PENDING
        ).exists()
    programme = Document.objects.get(summary=PROGRAMME)
    assert programme.status == "consultation"
    round_ = programme.consultations.get()
    assert round_.recipients.filter(answered_at__isnull=True).exists()  # some never answered
    assert round_.comments.filter(resolution=Resolution.PENDING).exists()  # synthesis under way
    assert Comment.objects.filter(consultation__document__summary=REGIME, is_late=True).exists()


# --- plans: programmes, tasks, requirements, reports, the Five No's -----------------------------
def plan_counts() -> tuple[int, ...]:
    from trienkhai.documents.models import Document, DocumentRelation
    from trienkhai.plans.models import (
        Indicator,
        Measurement,
        Programme,
        Report,
        ReportSchedule,
        Requirement,
        RequirementTarget,
        Task,
    )

    models = [
        Programme,
        Indicator,
        Measurement,
        Task,
        Requirement,
        RequirementTarget,
        ReportSchedule,
        Report,
        Document,
        DocumentRelation,
        AuditEntry,
    ]
    return tuple(model.objects.count() for model in models)


def test_the_four_action_programmes_carry_out_the_congress_resolution(db):
    from trienkhai.documents.models import DocumentRelation
    from trienkhai.plans.models import Precision, Programme, TaskStatus

    programmes = list(Programme.objects.select_related("programme_document").order_by("pk"))
    assert [p.programme_document.number_text for p in programmes] == [
        "01-CTr/ThU",
        "02-CTr/ThU",
        "03-CTr/ThU",
        "04-CTr/ThU",
    ]
    assert {p.field for p in programmes} == {
        "Thương mại, dịch vụ",
        "Quản lý đô thị",
        "Công tác cán bộ",
        "Dân vận",
    }
    city = unit(KEY_CITY_PARTY)
    statuses, precisions = set(), set()
    overdue_at_the_reform = 0
    for p in programmes:
        doc = p.programme_document
        assert doc.doc_type == "CTr" and doc.issuer_unit == city
        assert dt.date(2020, 8, 1) <= doc.issued_on <= dt.date(2020, 9, 30)
        assert p.document.number_text == "01-NQ/ĐH"
        assert DocumentRelation.objects.filter(
            source=doc, target=p.document, kind="implements"
        ).exists()
        assert (p.owner_unit, p.start_year, p.end_year) == (city, 2020, 2025)
        assert 1 <= p.indicators.count() <= 3
        for indicator in p.indicators.all():
            years = {m.measured_on.year for m in indicator.measurements.all()}
            assert years and years <= set(range(2021, 2025))
        assert 3 <= p.tasks.count() <= 5
        for task in p.tasks.all():
            assert task.lead_unit_id and task.assigned_by == city
            statuses.add(task.status)
            precisions.add(task.deadline_precision)
            overdue_at_the_reform += task.is_overdue(dt.date(2025, 6, 30))
            if task.status == TaskStatus.POSTPONED:
                assert task.postponed_reason
    assert {
        TaskStatus.DONE,
        TaskStatus.DONE_LATE,
        TaskStatus.IN_PROGRESS,
        TaskStatus.POSTPONED,
    } <= statuses
    assert set(Precision.values) == precisions
    assert overdue_at_the_reform >= 2
    urban = Programme.objects.get(field="Quản lý đô thị")
    points = urban.indicators.get(measure_unit="điểm")
    assert points.direction == "reach" and points.target_value == 75
    # Coordinating units come from the tree: the provincial departments among them.
    assert urban.tasks.filter(coordinating_units__name="Sở Xây dựng tỉnh Bến Tre").exists()


def test_the_5_smart_task_was_closed_by_its_resolution(db):
    from trienkhai.plans.models import Precision, Task, TaskStatus

    task = Task.objects.get(title__contains="“5 thông minh”")
    assert task.lead_unit.name == "UBND thành phố Bến Tre"
    assert task.coordinating_units.count() == 5
    assert all(u.name.startswith("Sở ") for u in task.coordinating_units.all())
    assert (task.deadline_precision, task.deadline_text) == (Precision.MONTH, "tháng 12-2020")
    assert (task.output_doc_type, task.output_issuer) == ("NQ", unit(KEY_CITY_PARTY))
    assert task.status in (TaskStatus.DONE, TaskStatus.DONE_LATE)
    assert task.output_document.number_text == "05-NQ/ThU"
    assert task.completed_on == task.output_document.issued_on
    assert task.completed_on.strftime("%Y-%m") == "2020-12"
    assert AuditEntry.objects.filter(
        object_id=str(task.pk), note__startswith="Tự động hoàn thành"
    ).exists()


def test_the_dissemination_of_plan_07_was_due_in_september_2020(db):
    from trienkhai.plans.models import Task, TaskStatus

    task = Task.objects.get(parent=None, assigning_document__number_text="07-KH/ThU")
    assert task.deadline_text == "tháng 9-2020"
    assert task.subtasks.count() == 15  # 11 classes, and one subtask per commune and ward
    assert task.progress == 100
    assert task.status == TaskStatus.DONE_LATE  # two wards reported in October
    assert task.subtasks.filter(status=TaskStatus.DONE_LATE).count() == 2


def test_the_compliance_matrix_of_the_working_rules_shows_done_late_and_missing(db):
    from trienkhai.plans import compliance
    from trienkhai.plans.models import Requirement

    admin = get_user_model().objects.get(username="admin")
    rules_req = Requirement.objects.get(doc_type="QC")
    assert rules_req.implements.number_text == "01-NQ/ĐH"
    assert rules_req.targets.count() == 51  # as on the day it was set, moved cells included
    matrix = compliance.build_matrix(admin, [rules_req])
    counts = matrix.counts[0]
    assert counts.total == 51
    assert counts.done > counts.late > 0
    assert counts.overdue > 0  # no working rules in the register, deadline long past
    assert counts.done + counts.late + counts.overdue == 51
    before_the_deadline = compliance.build_matrix(admin, [rules_req], today=dt.date(2020, 9, 20))
    assert before_the_deadline.counts[0].missing > 0
    rows = {row.unit.name: row for row in matrix.rows}
    police = rows["Đảng bộ Công an thành phố"]
    assert police.ended_note == "đã giải thể ngày 1-3-2025"
    assert police.cells[0].state == compliance.OVERDUE
    an_hoi = rows["Đảng ủy Phường An Hội"]
    assert an_hoi.ended_note.startswith("đã hợp nhất vào Đảng ủy phường An Hội")
    assert an_hoi.cells[0].document.number_text == "01-QC/ĐU"


def test_a_year_of_quarterly_reports_with_late_and_missing_ones(db):
    from trienkhai.plans import reports
    from trienkhai.plans.models import Report, ReportSchedule

    schedule = ReportSchedule.objects.get()
    assert schedule.starts_on == dt.date(2020, 10, 1)
    today = dt.date(2021, 12, 31)
    starts = [dt.date(2020, 10, 1), dt.date(2021, 1, 1), dt.date(2021, 4, 1), dt.date(2021, 7, 1)]
    late = missing = 0
    for start in starts:
        period = reports.period_for(schedule, start)
        counts = reports.period_counts(
            reports.expected_units(schedule, period), schedule, period, today
        )
        assert counts.expected == 16  # the 14 ward committees, the military and the police
        assert counts.submitted >= 15
        late += counts.late
        missing += counts.missing
    assert late >= 2 and 1 <= missing <= 2
    submitted = Report.objects.filter(status=Report.Status.SUBMITTED)
    assert submitted.count() == 64 - missing
    # Submitted in 2020–2021, on the day recorded, lateness judged on that day.
    assert all(r.submitted_at.year in (2020, 2021) for r in submitted)
    assert all(r.is_late == (r.submitted_at.date() > r.due_on) for r in submitted)


def test_the_five_nos_indicators_reached_their_2020_goals(db):
    import docx

    from trienkhai.documents.models import Document
    from trienkhai.plans import reviews, selectors_programmes
    from trienkhai.plans.indicators import IndicatorStatus
    from trienkhai.plans.models import Direction

    resolution = Document.objects.get(number_text="01-NQ/ThU")
    indicators = list(resolution.indicators.order_by("pk"))
    assert [i.direction for i in indicators] == [
        Direction.ELIMINATE,
        Direction.ELIMINATE,
        Direction.AT_LEAST,
        Direction.AT_MOST,
        Direction.AT_MOST,
    ]
    for indicator in indicators:
        years = {m.measured_on.year for m in indicator.measurements.all()}
        assert years == set(range(2015, 2021))
        assert indicator.target_end == dt.date(2020, 12, 31)
        for day in (dt.date(2021, 1, 1), dt.date.today()):
            status = selectors_programmes.indicator_assessment(indicator, day).status
            assert status == IndicatorStatus.ACHIEVED, indicator.name
    houses = indicators[0]
    assert houses.measurements.get(measured_on=dt.date(2020, 9, 15)).value == 2  # "basically"
    req = reviews.ReviewRequest(
        document=resolution, unit=unit(KEY_CITY_PARTY), start_year=2015, end_year=2020
    )
    word = docx.Document(io.BytesIO(reviews.review_docx(req, day=dt.date(2020, 12, 31))))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert cells.count("Đã đạt") == 5
    assert "0 (31-12-2020)" in cells
    assert any("01-NQ/ThU" in p.text for p in word.paragraphs)
    assert len(word.inline_shapes) >= 5  # a chart per indicator


def test_loading_the_plans_twice_creates_nothing(db):
    from trienkhai.demo.scenario_plans import load_plans_scenario

    before = plan_counts()
    assert load_plans_scenario() is False
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert plan_counts() == before


def test_the_congress_resolution_page_shows_the_programmes_and_tasks_carrying_it_out(client, db):
    from trienkhai.documents.models import Document

    resolution = Document.objects.get(number_text="01-NQ/ĐH")
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(f"/documents/{resolution.pk}/").content.decode()
    assert "Chương trình, nhiệm vụ thực hiện văn bản này" in page
    assert page.count("/plans/programmes/") >= 4


# --- outreach: the dissemination of 07-KH/ThU and the opinion survey ---------------------------
def test_plan_07_was_disseminated_in_11_city_classes_and_by_the_14_wards(db):
    from trienkhai.demo.scenario_outreach import CAMPAIGN_TITLE, HALF_DONE, NOT_STARTED, UNREPORTED
    from trienkhai.outreach.completion import completion_matrix
    from trienkhai.outreach.models import Campaign, ClassStatus

    campaign = Campaign.objects.get(title=CAMPAIGN_TITLE)
    assert campaign.plan_document.number_text == "07-KH/ThU"
    assert campaign.deadline_text == "tháng 9-2020"
    city_classes = campaign.classes.filter(organiser=campaign.owner_unit)
    assert city_classes.count() == 11
    assert not city_classes.exclude(status=ClassStatus.HELD).exists()
    assert campaign.delegations.count() == 14
    admin = get_user_model().objects.get(username="admin")
    matrix = completion_matrix(campaign, user=admin, today=dt.date(2020, 10, 1))
    behind = {row.unit.name.removeprefix("Đảng ủy ") for row in matrix.rows if row.behind}
    assert behind == {NOT_STARTED, HALF_DONE, UNREPORTED}
    assert 80 <= matrix.total.total.percent <= 100


def test_the_an_hoi_clerk_sees_only_the_wards_part_of_the_campaign(client, db):
    from trienkhai.demo.scenario_outreach import CAMPAIGN_TITLE
    from trienkhai.outreach.models import Campaign

    campaign = Campaign.objects.get(title=CAMPAIGN_TITLE)
    client.force_login(get_user_model().objects.get(username="vanthu.anhoi"))
    page = client.get(f"/outreach/campaigns/{campaign.pk}/").content.decode()
    assert "Đảng ủy Phường An Hội" in page
    assert "Lớp học bù cho cán bộ chủ chốt vắng mặt" in page
    assert "Đảng ủy Phường Phú Khương" not in page
    assert "Lớp cán bộ chủ chốt thành phố (đợt 1)" not in page


def test_the_250_form_survey_was_answered_about_240_times(db):
    from trienkhai.demo.scenario_outreach import SURVEY_TITLE
    from trienkhai.surveys.models import Channel, Survey, SurveyStatus, Tally
    from trienkhai.surveys.responses import tallies_recount

    survey = Survey.objects.get(title=SURVEY_TITLE)
    assert survey.status == SurveyStatus.CLOSED
    assert survey.total_forms == 250
    assert sum(a.forms for a in survey.allocations.all()) == 250
    assert survey.codes.count() == 250
    returned = survey.responses.count()
    assert 230 <= returned <= 245
    assert survey.codes.filter(used=True).count() == returned
    assert 5 <= survey.responses.filter(channel=Channel.PAPER).count() <= 20
    running = set(Tally.objects.filter(survey=survey).values_list("question_id", "choice_id", "n"))
    tallies_recount(survey)
    assert set(
        Tally.objects.filter(survey=survey).values_list("question_id", "choice_id", "n")
    ) == (running)


def test_loading_the_outreach_twice_creates_nothing(db):
    from trienkhai.demo.scenario_outreach import load_outreach_scenario
    from trienkhai.outreach.models import ClassSession
    from trienkhai.surveys.models import Response

    before = (ClassSession.objects.count(), Response.objects.count())
    assert load_outreach_scenario() is False
    assert (ClassSession.objects.count(), Response.objects.count()) == before


def test_the_city_shows_its_news_and_its_four_programmes_to_the_public(client, db):
    from trienkhai.demo.scenario_public import TITLE, load_public_scenario
    from trienkhai.public.models import ProgrammePublication

    assert load_public_scenario() is False  # loaded once by the fixture
    home = client.get("/p/thanh-uy-ben-tre/").content.decode()
    assert TITLE in home and "10-08-2020" in home
    shown = ProgrammePublication.objects.select_related("programme").order_by("programme__title")
    assert shown.count() == 4
    for publication in shown:
        assert publication.programme.title in home
        assert publication.indicators.count() == publication.programme.indicators.count() > 0
    urban = next(p for p in shown if "đô thị loại I" in p.programme.title)
    page = client.get(f"/p/thanh-uy-ben-tre/chuong-trinh/{urban.pk}/").content.decode()
    assert "số liệu đến ngày" in page and "<svg" in page
    assert "Hẻm nhà tôi chưa có đèn đường" in page
    from trienkhai.public.models import PublicComment

    assert sorted(PublicComment.objects.values_list("status", flat=True)) == [
        "pending", "published", "published", "published", "rejected",
    ]  # fmt: skip
    assert (
        "Mua bán đất" not in home
        and "Lịch các lớp đã được gửi"
        in client.get(
            "/p/thanh-uy-ben-tre/tin/"
            + home.split("/p/thanh-uy-ben-tre/tin/")[1].split("/")[0]
            + "/"
        ).content.decode()
    )


def test_the_city_shows_the_dissemination_as_a_task_group_and_a_campaign(client, db):
    from trienkhai.public.models import CampaignPublication, TaskGroupPublication

    group = TaskGroupPublication.objects.select_related("task").get()
    campaign = CampaignPublication.objects.select_related("campaign").get()
    home = client.get("/p/thanh-uy-ben-tre/").content.decode()
    assert group.task.title in home and campaign.campaign.title in home
    tasks = client.get(f"/p/thanh-uy-ben-tre/nhiem-vu/{group.pk}/").content.decode()
    # the 11 classes and one task for each of the 14 communes and wards, two finished late
    assert group.tasks.count() == 15 == group.task.subtasks.count()
    assert "15/15 nhiệm vụ đã hoàn thành" in tasks and "Hoàn thành chậm" in tasks
    reach = client.get(f"/p/thanh-uy-ben-tre/quan-triet/{campaign.pk}/").content.decode()
    assert "Kết quả quán triệt" in reach and "Toàn đợt" in reach
    assert "07-KH/ThU" in reach and "Đảng ủy Phường" in reach
