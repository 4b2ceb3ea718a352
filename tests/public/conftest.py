"""The city's open public site, which most public-site tests publish on (a module that needs
another address or title defines its own `site`)."""

import pytest

from trienkhai.public import services


@pytest.fixture
def site(tree, city_secretary):
    return services.site_save(
        actor=city_secretary, unit=tree.city, slug="thanh-uy", title="Thành ủy", is_open=True
    )
