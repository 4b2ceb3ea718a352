"""Refusals are explained in Vietnamese, inside the site's own frame."""

from trienkhai.outreach.models import Campaign


def test_a_refusal_says_why_in_vietnamese(login, tree, viewer):
    campaign = Campaign.objects.create(title="Quán triệt Nghị quyết", owner_unit=tree.city)
    response = login(viewer).get(f"/outreach/campaigns/{campaign.pk}/edit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Bạn không có quyền làm việc này" in page
    assert "Đăng xuất" in page  # the site's header, not a bare error


def test_a_missing_page_says_so_in_vietnamese(login, ward_clerk):
    response = login(ward_clerk).get("/outreach/campaigns/999999/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
