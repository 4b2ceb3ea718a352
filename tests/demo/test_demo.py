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
