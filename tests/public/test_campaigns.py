"""A unit shows a dissemination campaign on its public site: its period, the issued documents
studied and how many people of the target groups it chooses were reached, by delegated unit;
never who attended, who presented, where, or a class's notes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.outreach.builders import campaign_world
from tests.public.kinds import WHO, check_pages
from tests.public.test_task_groups import ticked
from trienkhai.audit.models import AuditEntry
from trienkhai.documents import services as documents
from trienkhai.outreach import classes
from trienkhai.outreach.models import Campaign, TargetGroup
from trienkhai.public import services
from trienkhai.public.models import CampaignPublication

SECRET = "MẬT"


@pytest.fixture
def world(tree):
    """The campaign of tests/outreach/builders.py, with what must stay inside: a named attendee,
    a presenter, a place and a note of the city's class, and a draft among its documents."""
    w = campaign_world(tree)
    classes.class_update(
        actor=None, session=w.city_class, place=f"Hội trường {SECRET}",
        presenters=f"Báo cáo viên {SECRET}", notes=f"Ghi chú {SECRET}",
    )  # fmt: skip
    classes.attendee_add(
        actor=None, session=w.cell_class, full_name=f"Nguyễn Văn {SECRET}",
        target_group=w.members,
    )  # fmt: skip
    w.draft = documents.document_create_draft(
        actor=None, owner_unit=tree.city, system="party", doc_type="HD",
        summary=f"Dự thảo hướng dẫn {SECRET}",
    )  # fmt: skip
    w.campaign.documents.add(w.draft)
    return w


def test_the_reach_of_the_chosen_groups_shows_by_delegated_unit(
    client, site, world, propaganda_officer
):
    w = world
    shown = services.campaign_publish(
        actor=propaganda_officer, site=site, campaign=w.campaign,
        summary="Học tập Nghị quyết trong tháng 9.", group_ids=[w.members.pk],
    )  # fmt: skip
    page = client.get(reverse("public_site:campaign", args=[site.slug, shown.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert w.campaign.title in text and "Học tập Nghị quyết trong tháng 9." in text
    assert "07-KH/ThU" in text and "Kế hoạch quán triệt Nghị quyết Đại hội" in text
    # Party members only: in An Hội the cell's class now counts its list (one attendee) of
    # 100 expected, 70 of 80 in Phú Khương; the city's 45 key cadres are not a chosen group.
    assert "Đảng ủy Phường An Hội" in text and "Đảng ủy Phường Phú Khương" in text
    assert "1/100 (1%)" in text and "70/80 (87%)" in text and "71/180 (39%)" in text
    assert "Cán bộ chủ chốt" not in text and "45/50" not in text
    assert "cập nhật đến ngày" in text
    assert SECRET not in text  # attendee, presenter, place, note, the draft
    home = client.get(reverse("public_site:home", args=[site.slug])).content.decode()
    assert w.campaign.title in home


def test_a_document_also_shown_on_the_site_is_linked(client, site, world, propaganda_officer):
    w = world
    shown = services.campaign_publish(
        actor=propaganda_officer, site=site, campaign=w.campaign, summary="x"
    )
    document = services.document_publish(actor=propaganda_officer, site=site, document=w.plan)
    text = client.get(reverse("public_site:campaign", args=[site.slug, shown.pk])).content.decode()
    assert reverse("public_site:document", args=[site.slug, document.pk]) in text


def test_only_a_group_of_the_campaign_can_be_chosen(site, world, propaganda_officer):
    youth = TargetGroup.objects.create(name="Đoàn viên", code="doan-vien-thu")
    with pytest.raises(ValidationError) as error:
        services.campaign_publish(
            actor=propaganda_officer, site=site, campaign=world.campaign, summary="x",
            group_ids=[youth.pk],
        )  # fmt: skip
    assert "đối tượng của chính đợt quán triệt" in error.value.message_dict["target_groups"][0]


def test_a_campaign_of_another_unit_cannot_be_shown(tree, site, world, propaganda_officer):
    provincial = Campaign.objects.create(title="Đợt của tỉnh", owner_unit=tree.province)
    with pytest.raises(ValidationError, match="Thành ủy Bến Tre"):
        services.campaign_publish(
            actor=propaganda_officer, site=site, campaign=provincial, summary="x"
        )
    with pytest.raises(PermissionDenied):
        services.campaign_publish(
            actor=propaganda_officer,
            site=services.site_save(actor=None, unit=tree.province, slug="tinh-uy", title="T"),
            campaign=provincial,
            summary="x",
        )


def test_an_editor_shows_changes_and_withdraws_a_campaign(
    login, client, site, world, propaganda_officer
):
    w = world
    editor = login(propaganda_officer)
    listing = editor.get(reverse("public:campaigns", args=[site.pk])).content.decode()
    new_url = reverse("public:campaign_new", args=[site.pk]) + f"?campaign={w.campaign.pk}"
    assert new_url in listing.replace("&amp;", "&")
    form = editor.get(new_url).content.decode()
    assert ticked(form, "target_groups") == {w.cadres.pk, w.members.pk}
    refused = editor.post(new_url, {"summary": "", "target_groups": [w.cadres.pk]})
    assert "Hãy viết vài dòng giới thiệu đợt quán triệt" in refused.content.decode()
    assert ticked(refused.content.decode(), "target_groups") == {w.cadres.pk}
    editor.post(new_url, {"summary": "Giới thiệu", "target_groups": [w.cadres.pk]})
    publication = CampaignPublication.objects.get()
    public_url = reverse("public_site:campaign", args=[site.slug, publication.pk])
    assert "45/50 (90%)" in client.get(public_url).content.decode()
    editor.post(
        reverse("public:campaign_edit", args=[publication.pk]),
        {"summary": "Giới thiệu", "target_groups": [w.members.pk], "revision": 1},
    )
    assert "45/50" not in client.get(public_url).content.decode()
    editor.post(reverse("public:campaign_withdraw", args=[publication.pk]))
    assert client.get(public_url).status_code == 404
    assert AuditEntry.objects.filter(note__startswith="Gỡ đợt quán triệt").exists()


@pytest.mark.parametrize("persona, expected", WHO)
def test_who_may_open_the_campaign_pages_of_the_citys_site(
    request, client, site, world, admin_user, persona, expected
):
    publication = services.campaign_publish(
        actor=admin_user, site=site, campaign=world.campaign, summary="x"
    )
    check_pages(
        request, client, publication, persona, expected, name="campaign", listing="campaigns",
        target="campaign",
    )  # fmt: skip


def test_the_units_come_a_page_at_a_time_with_the_total_over_all(
    client, site, world, admin_user, monkeypatch
):
    from trienkhai.public import selectors

    monkeypatch.setattr(selectors, "ROWS_PER_PAGE", 2)
    shown = services.campaign_publish(
        actor=admin_user, site=site, campaign=world.campaign, summary="x",
        group_ids=[world.members.pk],
    )  # fmt: skip
    url = reverse("public_site:campaign", args=[site.slug, shown.pk])
    first = client.get(url).content.decode()
    assert "Đảng ủy Phường An Hội" in first and "Đảng ủy Phường Phú Khương" not in first
    assert "71/180 (39%)" in first and "?page=2#ket-qua" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Đảng ủy Phường Phú Khương" in second and "Đảng ủy Phường An Hội" not in second


def test_the_campaign_page_inside_says_where_the_public_sees_it(login, site, world, admin_user):
    inside = reverse("outreach:campaign", args=[world.campaign.pk])
    editor = login(admin_user)
    assert "Đang công khai trên" not in editor.get(inside).content.decode()
    services.campaign_publish(actor=admin_user, site=site, campaign=world.campaign, summary="x")
    text = editor.get(inside).content.decode()
    assert "Đang công khai trên:" in text and reverse("public_site:home", args=[site.slug]) in text
    services.site_save(
        actor=admin_user, unit=site.unit, site=site, slug=site.slug, title=site.title,
        is_open=False,
    )  # fmt: skip
    assert "(trang đang đóng)" in editor.get(inside).content.decode()
