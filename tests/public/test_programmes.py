"""A unit shows an action programme on its public site: in words written for the public, with
the indicators it chooses, each with its latest value and the date of that value. Nothing else of
the programme (tasks, other indicators, sub-units' figures) reaches the public page.

The story: the City Committee shows its "Năm không" programme with the count of households in
temporary housing, but not its internal indicator of theft cases.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.plans.test_indicators import indicator, measure
from tests.plans.test_indicators import programme as programme  # noqa: F401 (fixture)
from tests.plans.test_indicators import resolution as resolution  # noqa: F401 (fixture)
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.plans import programmes as programme_services
from trienkhai.plans.models import Direction
from trienkhai.public import services
from trienkhai.public.models import ProgrammePublication

D = dt.date


@pytest.fixture
def site(tree, city_secretary):
    return services.site_save(
        actor=city_secretary,
        unit=tree.city,
        slug="thanh-uy",
        title="Thành ủy Bến Tre",
        is_open=True,
    )


@pytest.fixture
def housing(tree, programme):
    ind = indicator(
        tree.city, programme=programme, name="Hộ ở nhà tạm", direction=Direction.ELIMINATE,
        target_value=None, target_date=D(2030, 12, 31), baseline_value=Decimal(1200),
        baseline_year=2015,
    )  # fmt: skip
    measure(ind, tree.city, 800, D(2018, 12, 31))
    measure(ind, tree.city, 450, D(2020, 6, 30))
    return ind


@pytest.fixture
def thefts(tree, programme):
    ind = indicator(
        tree.city, programme=programme, name="Số vụ trộm cắp (nội bộ)", target_date=D(2030, 1, 1)
    )
    measure(ind, tree.city, 37, D(2020, 6, 30))
    return ind


@pytest.fixture
def shown(site, programme, housing, thefts, propaganda_officer):
    return services.programme_publish(
        actor=propaganda_officer, site=site, programme=programme,
        summary="Thành phố phấn đấu không còn hộ ở nhà tạm.", indicator_ids=[housing.pk],
    )  # fmt: skip


def test_the_public_page_shows_the_chosen_indicator_with_the_date_of_its_value(client, site, shown):
    response = client.get(reverse("public_site:programme", args=[site.slug, shown.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Chương trình thực hiện “Năm không”" in text
    assert "Thành phố phấn đấu không còn hộ ở nhà tạm." in text
    assert "Hộ ở nhà tạm" in text and "450 hộ" in text and "số liệu đến ngày 30-06-2020" in text
    assert "<svg" in text  # the chart over the years, with its table
    assert "Số vụ trộm cắp" not in text and "37 hộ" not in text


def test_the_home_page_lists_the_programmes_shown(client, site, shown):
    text = client.get(reverse("public_site:home", args=[site.slug])).content.decode()
    assert reverse("public_site:programme", args=[site.slug, shown.pk]) in text


def test_a_programme_not_shown_or_withdrawn_is_not_found(client, site, shown, propaganda_officer):
    url = reverse("public_site:programme", args=[site.slug, shown.pk])
    assert (
        client.get(reverse("public_site:programme", args=[site.slug, shown.pk + 1])).status_code
        == 404
    )
    services.programme_withdraw(actor=propaganda_officer, publication=shown)
    assert client.get(url).status_code == 404
    assert [e.action for e in audit_entries_for(shown)] == ["end", "create"]


def test_only_the_programmes_own_indicators_can_be_chosen(
    tree, site, programme, propaganda_officer
):
    stranger = indicator(tree.city, name="Chỉ tiêu khác")
    with pytest.raises(ValidationError) as error:
        services.programme_publish(
            actor=propaganda_officer, site=site, programme=programme, summary="x",
            indicator_ids=[stranger.pk],
        )  # fmt: skip
    assert "của chính chương trình này" in error.value.message_dict["indicators"][0]


def test_a_site_shows_only_programmes_of_its_unit_and_below(
    tree, resolution, site, city_secretary, ward_clerk, propaganda_officer
):
    ward_site = services.site_save(
        actor=city_secretary, unit=tree.ward, slug="an-hoi", title="An Hội", is_open=True
    )
    citys = programme_services.programme_create(
        actor=None, document=resolution, title="Của thành phố", field="x", owner_unit=tree.city,
        start_year=2021, end_year=2025,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Chỉ công khai được chương trình của"):
        services.programme_publish(actor=ward_clerk, site=ward_site, programme=citys, summary="x")
    with pytest.raises(PermissionDenied):
        services.programme_publish(actor=ward_clerk, site=site, programme=citys, summary="x")


def test_a_summary_for_the_public_is_required(site, programme, propaganda_officer):
    with pytest.raises(ValidationError) as error:
        services.programme_publish(
            actor=propaganda_officer, site=site, programme=programme, summary=" "
        )
    assert "giới thiệu" in error.value.message_dict["summary"][0]


def test_an_editor_shows_a_programme_through_the_pages(
    login, site, programme, housing, thefts, propaganda_officer
):
    client = login(propaganda_officer)
    listing = client.get(reverse("public:programmes", args=[site.pk])).content.decode()
    new_url = reverse("public:programme_new", args=[site.pk]) + f"?programme={programme.pk}"
    assert new_url.replace("&", "&amp;") in listing or new_url in listing
    form = client.get(new_url).content.decode()
    assert "Hộ ở nhà tạm" in form and "Số vụ trộm cắp (nội bộ)" in form
    response = client.post(new_url, {"summary": "Giới thiệu.", "indicators": [housing.pk]})
    publication = ProgrammePublication.objects.get()
    assert response.status_code == 302
    assert list(publication.indicators.all()) == [housing]

    edit = reverse("public:programme_edit", args=[publication.pk])
    client.post(edit, {"summary": "Lời mới.", "indicators": [], "revision": publication.revision})
    publication.refresh_from_db()
    assert publication.summary == "Lời mới." and not publication.indicators.exists()


def test_a_refused_publication_keeps_what_was_typed(login, site, programme, propaganda_officer):
    client = login(propaganda_officer)
    url = reverse("public:programme_new", args=[site.pk]) + f"?programme={programme.pk}"
    response = client.post(url, {"summary": "   "})
    assert (
        response.status_code == 200
        and "Hãy viết vài dòng giới thiệu chương trình" in response.content.decode()
    )
    assert not ProgrammePublication.objects.exists()


def test_a_programme_of_another_tree_cannot_even_be_asked_for(
    login, tree, resolution, site, propaganda_officer
):
    other = programme_services.programme_create(
        actor=None, document=resolution, title="Của tỉnh", field="x", owner_unit=tree.province,
        start_year=2021, end_year=2025,
    )  # fmt: skip
    client = login(propaganda_officer)
    url = reverse("public:programme_new", args=[site.pk]) + f"?programme={other.pk}"
    assert client.get(url).status_code == 404


def test_a_new_value_is_drawn_at_once_though_charts_are_kept(client, tree, site, shown, housing):
    url = reverse("public_site:programme", args=[site.slug, shown.pk])
    assert "<td>450</td>" in client.get(url).content.decode()  # drawn, and kept
    measure(housing, tree.city, 120, D(2021, 6, 30))
    page = client.get(url).content.decode()
    assert "<td>120</td>" in page and "số liệu đến ngày 30-06-2021" in page
