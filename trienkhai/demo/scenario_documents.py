"""The founding scenario's documents: the register of the Bến Tre City Party Committee, 2020.

Built through `trienkhai.documents.services` (actor=None), so each document has its timeline and
audit entries as if the Office had entered it.

From the article (facts): Plan 07-KH/ThU of 7-8-2020 of the City Standing Committee on
disseminating the resolution of the City Party Congress XII (2020–2025), to finish in September
2020; Regulation 127-QĐ/TW of 1-3-2020 and Regulation 98-QĐ/TW of 22-3-2004 of the Secretariat,
on which the 51 grassroots organisations based their working rules; Resolution 01 of the City
Committee ("Năm không"), reviewed after 5 years.

Assumed for the demo, as the article does not give them: the Congress resolution registered as
01-NQ/ĐH of 22-7-2020 (the day the congress closed; a congress numbers its own documents in one
series), and Resolution 01-NQ/ThU dated 15-10-2015. The summaries are written for the demo.
"""

import datetime as dt

from django.db import transaction

from trienkhai.documents import services
from trienkhai.documents.models import Document, RelationKind
from trienkhai.org.models import Person, PositionRole, Unit

from .scenario_org import KEY_CITY_PARTY, unit_by_key

D = dt.date
SECRETARIAT = "Ban Bí thư Trung ương Đảng"
CONGRESS = "Đại hội đại biểu Đảng bộ thành phố Bến Tre lần thứ XII"


def _secretary(city: Unit, on: dt.date) -> Person | None:
    position = (
        city.positions.filter(role=PositionRole.SECRETARY, start_on__lte=on)
        .select_related("person")
        .order_by("-start_on")
        .first()
    )
    return position.person if position else None


def is_loaded() -> bool:
    return Document.objects.filter(number_text="07-KH/ThU", issued_on=D(2020, 8, 7)).exists()


@transaction.atomic
def load_documents_scenario() -> bool:
    """Register the scenario's issued documents and link them; False if already there."""
    if is_loaded():
        return False
    city = unit_by_key(KEY_CITY_PARTY)
    secretary = _secretary(city, D(2020, 8, 7))

    def external(number, day, summary, issuer=SECRETARIAT, signer_title=""):
        return services.document_register(
            actor=None,
            owner_unit=city,
            number_text=number,
            issued_on=day,
            summary=summary,
            issuer_name=issuer,
            signer_title=signer_title,
        )

    reg_127 = external(
        "127-QĐ/TW",
        D(2020, 3, 1),
        "Quy định về chức năng, nhiệm vụ, mối quan hệ công tác của đảng bộ, chi bộ cơ sở xã, "
        "phường, thị trấn",
        signer_title="T/M Ban Bí thư",
    )
    # The rules of the grassroots organisations based themselves on 127-QĐ/TW and this one.
    external(
        "98-QĐ/TW",
        D(2004, 3, 22),
        "Quy định về chức năng, nhiệm vụ của đảng bộ, chi bộ cơ sở cơ quan",
        signer_title="T/M Ban Bí thư",
    )
    congress = external(
        "01-NQ/ĐH",
        D(2020, 7, 22),
        "Nghị quyết Đại hội đại biểu Đảng bộ thành phố Bến Tre lần thứ XII, nhiệm kỳ 2020 - 2025",
        issuer=CONGRESS,
    )
    plan = services.document_register(
        actor=None,
        owner_unit=city,
        issuer_unit=city,
        number_text="07-KH/ThU",
        issued_on=D(2020, 8, 7),
        summary="Kế hoạch lãnh đạo, chỉ đạo triển khai quán triệt Nghị quyết Đại hội Đảng bộ "
        "thành phố Bến Tre lần thứ XII, nhiệm kỳ 2020 - 2025 trong toàn hệ thống chính trị "
        "thành phố; hoàn thành trong tháng 9-2020",
        signer=secretary,
        signer_title="T/M Ban Thường vụ, Bí thư",
    )
    # Resolution 01 ("Năm không"), reviewed after five years in 2020.
    services.document_register(
        actor=None,
        owner_unit=city,
        issuer_unit=city,
        number_text="01-NQ/ThU",
        issued_on=D(2015, 10, 15),
        summary="Nghị quyết về phấn đấu thực hiện chủ trương “Năm không”: không "
        "nhà ở tạm bợ, không người ăn xin, lang thang là người địa phương, không rác thải bừa "
        "bãi, không ma túy, không trộm cắp",
        signer_title="T/M Thành ủy",
    )
    services.relation_add(actor=None, source=plan, target=congress, kind=RelationKind.IMPLEMENTS)
    services.relation_add(actor=None, source=plan, target=reg_127, kind=RelationKind.BASED_ON)
    return True
