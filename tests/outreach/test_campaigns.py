"""Campaigns through their pages: create and edit, the quota grid, delegating to the wards and the
wards' reports, the list and its filters."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.outreach.builders import campaign_world, issued_document
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.notifications.models import Notification
from trienkhai.outreach import services
from trienkhai.outreach.models import (
    Campaign,
    CampaignStatus,
    Delegation,
    DelegationStatus,
    Quota,
    TargetGroup,
)
from trienkhai.plans.models import Precision


@pytest.fixture
def w(tree):
    return campaign_world(tree)


def groups(*codes):
    return [TargetGroup.objects.get(code=c).pk for c in codes]


def campaign_post(tree, plan, **over):
    data = {
        "title": "Quán triệt Nghị quyết Đại hội XIII của Đảng",
        "owner_unit": tree.city.pk,
        "plan_document": plan.pk,
        "documents": [plan.pk],
        "target_groups": groups("can-bo-chu-chot", "dang-vien"),
        "start_on": "1-3-2021",
        "deadline": "tháng 4-2021",
        "status": CampaignStatus.PLANNED,
        "description": "Quán triệt đến 100% cán bộ, đảng viên.",
    }
    data.update(over)
    return data


# --- create and edit ----------------------------------------------------------------------------
def test_the_propaganda_officer_sets_up_a_campaign(tree, propaganda_officer, login):
    plan = issued_document(tree)
    client = login(propaganda_officer)
    response = client.post(reverse("outreach:campaign_new"), campaign_post(tree, plan))

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outreach:campaign", args=[campaign.pk])
    assert campaign.owner_unit == tree.city
    assert campaign.deadline == dt.date(2021, 4, 1)
    assert campaign.deadline_precision == Precision.MONTH
    assert campaign.deadline_end == dt.date(2021, 4, 30)
    assert list(campaign.documents.all()) == [plan]
    assert campaign.created_by == propaganda_officer
    entry = audit_entries_for(campaign).get()
    assert entry.changes["documents"] == [None, "07-KH/ThU"]

    page = client.get(response.url).content.decode()
    assert reverse("documents:detail", args=[plan.pk]) in page
    assert "tháng 4-2021" in page
    assert "Cán bộ chủ chốt" in page


def test_a_wrong_deadline_is_explained_and_nothing_typed_is_lost(tree, propaganda_officer, login):
    plan = issued_document(tree)
    response = login(propaganda_officer).post(
        reverse("outreach:campaign_new"), campaign_post(tree, plan, deadline="cuối năm")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không hiểu thời hạn" in html
    assert "Quán triệt Nghị quyết Đại hội XIII của Đảng" in html
    assert "Quán triệt đến 100% cán bộ, đảng viên." in html
    assert not Campaign.objects.exists()


def test_a_deadline_before_the_start_is_refused(tree, propaganda_officer, login):
    plan = issued_document(tree)
    response = login(propaganda_officer).post(
        reverse("outreach:campaign_new"), campaign_post(tree, plan, deadline="20-2-2021")
    )
    assert "trước ngày bắt đầu" in response.content.decode()
    assert not Campaign.objects.exists()


def test_ward_clerk_cannot_organise_a_campaign_for_the_city(tree, ward_clerk, login):
    plan = issued_document(tree)
    response = login(ward_clerk).post(reverse("outreach:campaign_new"), campaign_post(tree, plan))
    assert response.status_code == 200
    assert "không có quyền" in response.content.decode()
    assert not Campaign.objects.exists()
    with pytest.raises(ValidationError):
        services.campaign_create(actor=ward_clerk, title="Đợt của Thành ủy", owner_unit=tree.city)


def test_ward_clerk_cannot_edit_the_citys_campaign(w, ward_clerk, login):
    with pytest.raises(ValidationError):
        services.campaign_update(actor=ward_clerk, campaign=w.campaign, title="Đổi tên")
    client = login(ward_clerk)
    assert client.post(reverse("outreach:campaign_edit", args=[w.campaign.pk])).status_code == 403
    page = client.get(reverse("outreach:campaign", args=[w.campaign.pk])).content.decode()
    assert reverse("outreach:campaign_edit", args=[w.campaign.pk]) not in page


def test_editing_a_campaign_is_audited(w, tree, city_secretary, login):
    second = issued_document(tree, "08-KH/ThU", "Kế hoạch tuyên truyền")
    data = campaign_post(
        tree, w.plan, title=w.campaign.title, documents=[w.plan.pk, second.pk], start_on="1-9-2020",
        deadline="30-9-2020", status=CampaignStatus.DONE,
    )  # fmt: skip
    response = login(city_secretary).post(
        reverse("outreach:campaign_edit", args=[w.campaign.pk]), data
    )
    assert response.status_code == 302
    w.campaign.refresh_from_db()
    assert w.campaign.status == CampaignStatus.DONE
    entry = audit_entries_for(w.campaign).first()
    assert entry.changes["status"] == [CampaignStatus.RUNNING, CampaignStatus.DONE]
    assert entry.changes["documents"] == ["07-KH/ThU", "07-KH/ThU, 08-KH/ThU"]


def test_the_campaign_cannot_move_to_a_unit_that_does_not_hold_its_wards(w, tree, city_secretary):
    with pytest.raises(ValidationError) as error:
        services.campaign_update(actor=city_secretary, campaign=w.campaign, owner_unit=tree.ward)
    assert "owner_unit" in error.value.message_dict


# --- quotas -------------------------------------------------------------------------------------
def quota_url(w, query=""):
    return reverse("outreach:campaign_quotas", args=[w.campaign.pk]) + query


def cell(unit, group):
    return f"q_{unit.pk}_{group.pk}"


def test_the_whole_quota_table_is_typed_at_once(w, tree, city_secretary, login):
    client = login(city_secretary)
    page = client.get(quota_url(w)).content.decode()
    for name in ("Thành ủy Bến Tre", "Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"):
        assert name in page
    data = {
        cell(tree.city, w.cadres): "60",
        cell(tree.ward, w.members): "1.200",
        cell(tree.sibling, w.members): "",  # removes the sibling's quota
    }
    response = client.post(quota_url(w), data)
    assert response.status_code == 302
    quotas = {(q.unit_id, q.target_group_id): q.expected for q in Quota.objects.all()}
    assert quotas == {(tree.city.pk, w.cadres.pk): 60, (tree.ward.pk, w.members.pk): 1200}
    entry = audit_entries_for(w.campaign).first()
    assert entry.changes["Đảng ủy Phường Phú Khương · Đảng viên"] == [80, None]


def test_a_table_pasted_from_excel_fills_the_grid(w, tree, city_secretary, login):
    paste = "Đảng ủy Phường An Hội\t0\t150\nDang uy Phuong Phu Khuong\t\t90\n"
    data = {
        cell(tree.city, w.cadres): "50",
        cell(tree.ward, w.members): "100",
        cell(tree.sibling, w.members): "80",
        "paste": paste,
    }
    response = login(city_secretary).post(quota_url(w), data)
    assert response.status_code == 302
    quotas = {(q.unit.name, q.target_group.code): q.expected for q in Quota.objects.all()}
    assert quotas[("Đảng ủy Phường An Hội", "dang-vien")] == 150
    assert quotas[("Đảng ủy Phường An Hội", "can-bo-chu-chot")] == 0
    assert quotas[("Đảng ủy Phường Phú Khương", "dang-vien")] == 90


def test_a_bad_pasted_line_saves_nothing_and_names_the_line(w, tree, city_secretary, login):
    data = {
        cell(tree.ward, w.members): "111",
        cell(tree.sibling, w.members): "80",
        "paste": "Đảng ủy Phường An Hội\t\t150\nPhường Không Có\t\t10\nĐảng ủy Phường Phú Khương\t\tmười",
    }
    response = login(city_secretary).post(quota_url(w), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 2: không có đơn vị “Phường Không Có”" in html
    assert "Dòng 3, cột Đảng viên" in html
    assert 'value="111"' in html  # what was typed stays
    assert Quota.objects.get(unit=tree.ward).expected == 100


def test_a_negative_number_is_refused_in_its_cell(w, tree, city_secretary, login):
    response = login(city_secretary).post(quota_url(w), {cell(tree.ward, w.members): "-5"})
    assert "Số người không được âm." in response.content.decode()
    assert Quota.objects.get(unit=tree.ward).expected == 100


def test_a_row_can_be_added_for_a_unit_below(w, tree, city_secretary, login):
    client = login(city_secretary)
    page = client.get(quota_url(w, f"?add={tree.cell.pk}")).content.decode()
    assert "Chi bộ Khu phố 1" in page
    response = client.post(quota_url(w, f"?add={tree.cell.pk}"), {cell(tree.cell, w.members): "12"})
    assert response.status_code == 302
    assert Quota.objects.get(unit=tree.cell).expected == 12


# --- delegation ---------------------------------------------------------------------------------
@pytest.fixture
def fresh(tree):
    return services.campaign_create(
        actor=None,
        title="Quán triệt Chỉ thị 05-CT/TW",
        owner_unit=tree.city,
        deadline=dt.date(2020, 12, 31),
        deadline_precision=Precision.DAY,
    )


def test_the_city_delegates_to_all_its_direct_sub_units_at_once(
    fresh, tree, city_secretary, ward_clerk, login
):
    client = login(city_secretary)
    url = reverse("outreach:campaign_delegate", args=[fresh.pk])
    page = client.get(url).content.decode()
    assert "Chọn tất cả đơn vị trực thuộc trực tiếp" in page
    response = client.post(
        url,
        {"all_children": "on", "deadline": "15-12-2020", "instructions": "Báo cáo trước 20-12."},
    )
    assert response.status_code == 302
    delegated = Delegation.objects.filter(campaign=fresh).order_by("unit__path")
    assert [d.unit.name for d in delegated] == [
        "Ban Tuyên giáo Thành ủy",
        "Đảng ủy Phường An Hội",
        "Đảng ủy Phường Phú Khương",
    ]
    assert {d.deadline for d in delegated} == {dt.date(2020, 12, 15)}
    notices = Notification.objects.filter(user=ward_clerk)
    assert notices.count() == 1
    assert "Đảng ủy Phường An Hội" in notices.get().text
    assert notices.get().url == reverse("outreach:campaign", args=[fresh.pk])

    # Delegating again leaves the units already delegated (and their clerks) alone.
    client.post(url, {"others": [tree.cell.pk]})
    assert Delegation.objects.filter(campaign=fresh).count() == 4
    assert Notification.objects.filter(user=ward_clerk).count() == 1


def test_nothing_chosen_or_a_late_deadline_is_explained(fresh, tree, city_secretary, login):
    client = login(city_secretary)
    url = reverse("outreach:campaign_delegate", args=[fresh.pk])
    assert "Hãy chọn ít nhất một đơn vị" in client.post(url, {"instructions": ""}).content.decode()
    response = client.post(url, {"children": [tree.ward.pk], "deadline": "15-1-2021"})
    assert "không được sau thời hạn của đợt quán triệt" in response.content.decode()
    assert not Delegation.objects.exists()


def test_a_unit_outside_the_campaign_cannot_be_delegated(fresh, tree):
    with pytest.raises(ValidationError):
        services.delegation_create(actor=None, campaign=fresh, units=[tree.province])


# --- reports ------------------------------------------------------------------------------------
def test_the_ward_reports_from_the_campaign_page(w, tree, ward_clerk, propaganda_officer, login):
    client = login(ward_clerk)
    page = client.get(reverse("outreach:campaign", args=[w.campaign.pk])).content.decode()
    url = reverse("outreach:delegation_report", args=[w.ward_delegation.pk])
    assert url in page
    assert reverse("outreach:delegation_report", args=[w.sibling_delegation.pk]) not in page

    response = client.post(url, {"report": "Đã tổ chức 1 lớp, 30/100 đảng viên."})
    assert response.status_code == 302
    w.ward_delegation.refresh_from_db()
    assert w.ward_delegation.status == DelegationStatus.REPORTED
    assert w.ward_delegation.reported_by == ward_clerk
    assert w.ward_delegation.report == "Đã tổ chức 1 lớp, 30/100 đảng viên."
    assert Notification.objects.filter(user=propaganda_officer).exists()
    assert audit_entries_for(w.ward_delegation).first().changes["status"] == [
        DelegationStatus.ASSIGNED,
        DelegationStatus.REPORTED,
    ]


def test_an_empty_report_is_refused(w, ward_clerk, login):
    url = reverse("outreach:delegation_report", args=[w.ward_delegation.pk])
    response = login(ward_clerk).post(url, {"report": "  "})
    assert "Hãy nhập nội dung báo cáo kết quả." in response.content.decode()
    w.ward_delegation.refresh_from_db()
    assert w.ward_delegation.status == DelegationStatus.ASSIGNED


def test_ward_clerk_cannot_report_for_the_sibling(w, ward_clerk):
    with pytest.raises(ValidationError):
        services.delegation_report(
            actor=ward_clerk, delegation=w.sibling_delegation, report="Thay cho phường bạn"
        )


# --- the list -----------------------------------------------------------------------------------
def test_the_list_shows_deadline_progress_and_the_behind_flag(w, city_secretary, login):
    html = login(city_secretary).get(reverse("outreach:campaign_list")).content.decode()
    assert w.campaign.title in html
    assert "30-9-2020" in html
    assert "145 / 230" in html
    assert "chậm" in html  # today (2026) is long after the deadline, 145 of 230


def test_the_list_filters_by_status_unit_and_year(w, tree, city_secretary, login):
    other = services.campaign_create(
        actor=None,
        title="Quán triệt riêng của Phường Phú Khương",
        owner_unit=tree.sibling,
        start_on=dt.date(2021, 3, 1),
    )
    client = login(city_secretary)
    url = reverse("outreach:campaign_list")

    def titles(query):
        html = client.get(url + query).content.decode()
        return {c.title for c in (w.campaign, other) if c.title in html}

    assert titles("") == {w.campaign.title, other.title}
    assert titles("?year=2021") == {other.title}
    assert titles("?status=running") == {w.campaign.title}
    # The ward's filter keeps the city's campaign delegated to it, not the sibling's own.
    assert titles(f"?unit={tree.ward.pk}") == {w.campaign.title}
    assert titles(f"?unit={tree.sibling.pk}") == {w.campaign.title, other.title}
    assert client.get(url + "?year=1900").status_code == 200  # unknown year: a form error


def test_the_detail_drills_down_into_a_ward(w, tree, ward_clerk, login):
    client = login(ward_clerk)
    url = reverse("outreach:campaign", args=[w.campaign.pk])
    page = client.get(url).content.decode()
    assert f"?unit={tree.ward.pk}" in page
    page = client.get(url + f"?unit={tree.ward.pk}").content.decode()
    assert "Chi bộ Khu phố 1" in page
    assert "trực tiếp tổ chức" in page
