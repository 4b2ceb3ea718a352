"""The founding scenario's plans: from the Congress resolution to tracked work, 2015–2024.

Built only through the plans and documents services (actor=None), each act with its date in
history (`today=`, `at=`, `completed_on=`), so the pages, the task histories, the audit log,
the compliance matrix and the 5-year review show what clerks would have typed in at the time.

From the article (facts): the City Committee issued 4 action programmes carrying out the
resolution of the City Party Congress XII, 2020–2025, in trade and services, building a Class I
urban area, building a cadre team for urban development, and mass mobilisation for people's
consensus on the city's works and projects; the goal of the Class I urban standard in 2020–2025;
the Standing Committee assigned the City People's Committee to lead, with the provincial
departments, the drafting of a thematic resolution on the "5 smart" city, expected to be signed in
December 2020; Plan 07-KH/ThU, dissemination to finish in September 2020 (11 classes for the
city's cadres, Party members and the education sector; at the 14 communes and wards the Party
secretary runs it and reports to the Standing Board); the 51 grassroots organisations issued
their working rules (on the basis of 127-QĐ/TW for communes and wards, 98-QĐ/TW for agencies),
action programmes and implementation plans, folded into quarterly work programmes; after 5 years
of Resolution 01 ("Năm không"), temporary housing was basically eliminated, there were no local
beggars or vagrants, and waste, drugs and theft showed good results. Outside the article: the
13th National Party Congress (early 2021), the elections of 23-5-2021, the COVID-19 distancing of
the third quarter of 2021 (named in the generated report texts); urban classification scores the
criteria out of 100 points (Nghị quyết 1210/2016/UBTVQH13, amended by 26/2022/UBTVQH15). The
target of 75 points is the recognition threshold as we read that resolution, not re-checked
against its text.

Assumed, as no source gives them: the programmes' numbers and dates (01- to 04-CTr/ThU, 25-8 to
15-9-2020), the "5 smart" resolution as 05-NQ/ThU of 28-12-2020, the deadlines of the grassroots
documents (30-9-2020 for rules and programmes, 31-10-2020 for plans), the quarterly report
schedule (due 10 days after each quarter, from 1-10-2020).

Generated, and not to be read as fact: every indicator value (the Five No's 2015–2020 follow the
article's story; the programmes' 2021–2024 values are made up), every task other than the two of
the article, the tasks' dates, progress and statuses, the grassroots documents' numbers and dates,
and which organisations were late or have no document in the register (the article says all 51
had issued theirs: in the demo register a few are missing and some came late, to show the
compliance matrix), the reports' texts and submission times, and which reports are late or
missing. Two grassroots Party committees other than the wards (military, police) are of the same
kind as the ward committees, so the quarterly schedule asks them for reports too: 16 units.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from django.db import transaction

from trienkhai.documents import services as documents
from trienkhai.documents.models import Document, RelationKind
from trienkhai.org.models import Unit, UnitKind
from trienkhai.plans import indicators, programmes, reports, requirements, tasks
from trienkhai.plans.models import Direction, Frequency, Precision, Task, TaskStatus

from .scenario_org import (
    DISSOLVE,
    KEY_CITY_COMMITTEE,
    KEY_CITY_PARTY,
    OTHER_ORGANISATIONS,
    K,
    key_city_body,
    slug,
)

D = dt.date
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY, MONTH, QUARTER, YEAR = Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.YEAR
GRASSROOTS = [UnitKind.GRASSROOTS_PARTY_COMMITTEE, UnitKind.PARTY_CELL]

CONGRESS = "01-NQ/ĐH"
PLAN_07 = "07-KH/ThU"
FIVE_NOS = "01-NQ/ThU"
SMART_NUMBER = "05-NQ/ThU"
SMART_DAY = D(2020, 12, 28)
REQUIREMENTS_SET_ON = D(2020, 8, 10)
SCHEDULE_TITLE = "Báo cáo kết quả thực hiện chương trình công tác quý"
SCHEDULE_STARTS = D(2020, 10, 1)
SAMPLE = "số liệu mẫu"


# --- unit keys ---------------------------------------------------------------------------------
def ward(name: str) -> str:
    """The State commune or ward ("Phường An Hội")."""
    return f"{K}state:xa-phuong:{slug(name)}"


def ward_party(name: str) -> str:
    """Its Party committee ("Đảng ủy Phường An Hội" for "Phường An Hội")."""
    return f"{K}party:dang-uy:{slug(name)}"


def organisation(name: str) -> str:
    return f"{K}party:co-so:{slug(name)}"


UBND = KEY_CITY_COMMITTEE
TUYEN_GIAO = key_city_body("ban-tuyen-giao")
TO_CHUC = key_city_body("ban-to-chuc")
DAN_VAN = key_city_body("ban-dan-van")
VAN_PHONG = key_city_body("van-phong")
UBKT = key_city_body("ubkt")
SO_NOI_VU, SO_TAI_CHINH, SO_XAY_DUNG, SO_VHTTDL, SO_KHCN = (
    f"{K}state:{key}"
    for key in ("so-noi-vu", "so-tai-chinh", "so-xay-dung", "so-vhttdl", "so-khcn")
)
POLICE = organisation("Đảng bộ Công an thành phố")


class _Units(dict):
    """Units by source key, read once."""

    def __missing__(self, key: str) -> Unit:
        unit = Unit.objects.get(source_key=key)
        self[key] = unit
        return unit


# --- what the programmes hold --------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """A progress report on a task: `status` on `day`, with what goes with it."""

    day: dt.date
    status: str
    progress: int | None = None
    reason: str = ""
    new_deadline: tuple[dt.date, str] | None = None
    note: str = ""


def step(day, progress, note=""):
    return Step(day, TaskStatus.IN_PROGRESS, progress, note=note)


def done(day, note=""):
    return Step(day, TaskStatus.DONE, note=note)


def postpone(day, reason, new_deadline, progress=None):
    return Step(day, TaskStatus.POSTPONED, progress, reason=reason, new_deadline=new_deadline)


@dataclass(frozen=True)
class TaskSpec:
    title: str
    lead: str
    deadline: tuple[dt.date, str]
    coordinating: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    output_text: str = ""
    weight: int = 1


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    measure_unit: str
    direction: str
    target: float | None
    baseline: tuple[float, int]
    values: dict  # {year: value} or {date: value}
    target_year: int = 2025


@dataclass(frozen=True)
class ProgrammeSpec:
    number: str
    issued_on: dt.date
    summary: str
    title: str
    field: str
    description: str
    indicators: tuple[IndicatorSpec, ...]
    tasks: tuple[TaskSpec, ...] = field(default=())


ECONOMY_SOURCE = "Báo cáo tình hình kinh tế - xã hội năm {year} của UBND thành phố ({sample})"
CADRE_SOURCE = "Báo cáo công tác tổ chức xây dựng Đảng năm {year} ({sample})"

PROGRAMMES = [
    ProgrammeSpec(
        number="01-CTr/ThU",
        issued_on=D(2020, 8, 25),
        summary="Chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ "
        "XII về phát triển thương mại - dịch vụ, giai đoạn 2020 - 2025",
        title="Phát triển thương mại - dịch vụ thành phố Bến Tre giai đoạn 2020 - 2025",
        field="Thương mại, dịch vụ",
        description="Phát triển mạng lưới chợ, siêu thị, trung tâm thương mại; du lịch sông "
        "nước gắn với dịch vụ; khuyến khích thanh toán không dùng tiền mặt.",
        indicators=(
            IndicatorSpec(
                "Tốc độ tăng tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng",
                "%",
                Direction.AT_LEAST,
                12,
                (11.2, 2019),
                {2021: 4.6, 2022: 14.8, 2023: 12.9, 2024: 12.4},
            ),
            IndicatorSpec(
                "Số chợ được xây mới, nâng cấp (lũy kế từ năm 2021)",
                "chợ",
                Direction.AT_LEAST,
                6,
                (0, 2020),
                {2021: 1, 2022: 2, 2023: 4, 2024: 5},
            ),
        ),
        tasks=(
            TaskSpec(
                "Xây dựng kế hoạch phát triển mạng lưới chợ, siêu thị, trung tâm thương mại "
                "thành phố giai đoạn 2021 - 2025",
                UBND,
                (D(2021, 1, 1), QUARTER),
                (SO_XAY_DUNG, SO_TAI_CHINH),
                (step(D(2020, 12, 15), 50, "Đã có dự thảo kế hoạch."), done(D(2021, 3, 26))),
                output_text="Kế hoạch của UBND thành phố",
            ),
            TaskSpec(
                "Cải tạo, nâng cấp các chợ xuống cấp trên địa bàn các xã, phường",
                UBND,
                (D(2023, 1, 1), YEAR),
                (SO_TAI_CHINH, ward("Phường Phú Khương"), ward("Xã Phú Hưng")),
                (step(D(2021, 6, 30), 20), step(D(2022, 12, 20), 45), step(D(2023, 12, 15), 60)),
            ),
            TaskSpec(
                "Phát triển sản phẩm du lịch sông nước, du lịch đêm gắn với dịch vụ thương mại",
                UBND,
                (D(2025, 1, 1), YEAR),
                (SO_VHTTDL, ward("Xã Mỹ Thạnh An")),
                (step(D(2022, 6, 30), 30), step(D(2024, 6, 28), 65)),
            ),
            TaskSpec(
                "Tuyên truyền, vận động hộ kinh doanh ở các chợ thực hiện thanh toán không dùng "
                "tiền mặt",
                TUYEN_GIAO,
                (D(2021, 6, 1), MONTH),
                (ward_party("Phường An Hội"), ward_party("Phường Phú Khương")),
                (step(D(2021, 4, 15), 50), done(D(2021, 7, 20))),
            ),
            TaskSpec(
                "Tổ chức Hội chợ thương mại - du lịch thành phố",
                UBND,
                (D(2021, 9, 30), DAY),
                (SO_VHTTDL,),
                (
                    postpone(
                        D(2021, 8, 5),
                        "Thực hiện giãn cách xã hội phòng, chống dịch COVID-19.",
                        (D(2022, 10, 1), QUARTER),
                        progress=20,
                    ),
                    done(D(2022, 12, 10), "Đã tổ chức hội chợ."),
                ),
            ),
        ),
    ),
    ProgrammeSpec(
        number="02-CTr/ThU",
        issued_on=D(2020, 8, 25),
        summary="Chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ "
        "XII về xây dựng thành phố Bến Tre đạt chuẩn đô thị loại I, giai đoạn 2020 - 2025",
        title="Xây dựng thành phố Bến Tre đạt chuẩn đô thị loại I",
        field="Quản lý đô thị",
        description="Hoàn thiện các tiêu chuẩn còn thiếu của đô thị loại I (tổng điểm các tiêu "
        "chuẩn từ 75 điểm trở lên); chỉnh trang đô thị; lập hồ sơ đề nghị công nhận.",
        indicators=(
            IndicatorSpec(
                "Tổng điểm các tiêu chuẩn phân loại đô thị loại I",
                "điểm",
                Direction.REACH,
                75,
                (68.2, 2020),
                {2021: 69.6, 2022: 71.8, 2023: 74.1, 2024: 76.3},
            ),
            IndicatorSpec(
                "Tỷ lệ hộ dân đô thị được cấp nước sạch",
                "%",
                Direction.AT_LEAST,
                100,
                (96.5, 2020),
                {2021: 97.2, 2022: 98.1, 2023: 98.9, 2024: 99.4},
            ),
        ),
        tasks=(
            TaskSpec(
                "Rà soát, đánh giá hiện trạng các tiêu chuẩn đô thị loại I; xác định các tiêu "
                "chuẩn chưa đạt",
                UBND,
                (D(2020, 12, 31), DAY),
                (SO_XAY_DUNG,),
                (step(D(2020, 10, 30), 40), done(D(2020, 12, 18))),
                output_text="Báo cáo rà soát gửi Ban Thường vụ Thành ủy",
            ),
            TaskSpec(
                "Lập Chương trình phát triển đô thị thành phố Bến Tre đến năm 2030",
                UBND,
                (D(2021, 4, 1), QUARTER),
                (SO_XAY_DUNG, SO_TAI_CHINH),
                (step(D(2021, 3, 31), 50), done(D(2021, 9, 14))),
            ),
            TaskSpec(
                "Đầu tư hệ thống thoát nước, chống ngập khu vực nội ô",
                UBND,
                (D(2022, 1, 1), YEAR),
                (SO_XAY_DUNG, SO_TAI_CHINH),
                (step(D(2021, 12, 31), 25), step(D(2022, 12, 28), 50)),
            ),
            TaskSpec(
                "Chỉnh trang vỉa hè, cây xanh, chiếu sáng các tuyến đường trung tâm phường",
                ward("Phường An Hội"),
                (D(2022, 6, 1), MONTH),
                (ward_party("Phường An Hội"),),
                (step(D(2021, 12, 30), 55), done(D(2022, 6, 24))),
            ),
            TaskSpec(
                "Lập hồ sơ đề nghị công nhận thành phố Bến Tre đạt tiêu chí đô thị loại I",
                UBND,
                (D(2025, 1, 1), YEAR),
                (SO_XAY_DUNG, SO_NOI_VU),
                (step(D(2023, 6, 30), 20), step(D(2024, 12, 20), 45)),
            ),
        ),
    ),
    ProgrammeSpec(
        number="03-CTr/ThU",
        issued_on=D(2020, 9, 8),
        summary="Chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ "
        "XII về xây dựng đội ngũ cán bộ đáp ứng yêu cầu phát triển đô thị, giai đoạn 2020 - 2025",
        title="Xây dựng đội ngũ cán bộ đáp ứng yêu cầu phát triển đô thị",
        field="Công tác cán bộ",
        description="Quy hoạch, đào tạo, bồi dưỡng cán bộ về quản lý đô thị; chuẩn hóa trình độ "
        "cán bộ, công chức xã, phường.",
        indicators=(
            IndicatorSpec(
                "Tỷ lệ cán bộ, công chức xã, phường có trình độ đại học trở lên",
                "%",
                Direction.AT_LEAST,
                90,
                (76.4, 2020),
                {2021: 80.2, 2022: 84.5, 2023: 88.7, 2024: 91.3},
            ),
            IndicatorSpec(
                "Số lượt cán bộ được bồi dưỡng kiến thức quản lý đô thị (lũy kế từ năm 2021)",
                "lượt người",
                Direction.AT_LEAST,
                300,
                (0, 2020),
                {2021: 60, 2022: 145, 2023: 230, 2024: 285},
            ),
        ),
        tasks=(
            TaskSpec(
                "Rà soát, bổ sung quy hoạch cán bộ nhiệm kỳ 2020 - 2025 và 2025 - 2030",
                TO_CHUC,
                (D(2020, 10, 1), QUARTER),
                (UBKT,),
                (done(D(2020, 12, 22)),),
            ),
            TaskSpec(
                "Xây dựng kế hoạch đào tạo, bồi dưỡng cán bộ về quản lý đô thị giai đoạn "
                "2021 - 2025",
                TO_CHUC,
                (D(2021, 3, 31), DAY),
                (UBND, SO_NOI_VU),
                (step(D(2021, 3, 20), 70), done(D(2021, 5, 12))),
            ),
            TaskSpec(
                "Mở lớp bồi dưỡng kiến thức quản lý đô thị cho cán bộ chủ chốt xã, phường",
                TO_CHUC,
                (D(2022, 1, 1), YEAR),
                (UBND, SO_XAY_DUNG),
                (step(D(2021, 10, 15), 30), done(D(2022, 11, 25))),
            ),
            TaskSpec(
                "Thí điểm thi tuyển chức danh lãnh đạo cấp phòng thuộc UBND thành phố",
                UBND,
                (D(2022, 6, 30), DAY),
                (TO_CHUC, SO_NOI_VU),
                (
                    postpone(
                        D(2022, 6, 15),
                        "Chờ hướng dẫn của cấp trên về thí điểm thi tuyển chức danh lãnh đạo, "
                        "quản lý.",
                        (D(2025, 1, 1), YEAR),
                        progress=10,
                    ),
                ),
            ),
        ),
    ),
    ProgrammeSpec(
        number="04-CTr/ThU",
        issued_on=D(2020, 9, 15),
        summary="Chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ "
        "XII về nâng cao hiệu quả công tác vận động quần chúng, tạo sự đồng thuận của nhân dân "
        "trong thực hiện các công trình, dự án trên địa bàn thành phố Bến Tre",
        title="Nâng cao hiệu quả công tác dân vận, tạo đồng thuận của nhân dân trong thực hiện "
        "các công trình, dự án",
        field="Dân vận",
        description="Đối thoại với người dân; nhân rộng mô hình “Dân vận khéo”; giải quyết "
        "kịp thời kiến nghị về bồi thường, giải phóng mặt bằng.",
        indicators=(
            IndicatorSpec(
                "Số công trình, dự án được nhân dân đồng thuận, bàn giao mặt bằng đúng tiến độ "
                "(lũy kế từ năm 2021)",
                "công trình",
                Direction.AT_LEAST,
                20,
                (0, 2020),
                {2021: 3, 2022: 8, 2023: 14, 2024: 21},
            ),
            IndicatorSpec(
                "Số vụ khiếu nại đông người liên quan đến bồi thường, giải phóng mặt bằng",
                "vụ",
                Direction.AT_MOST,
                2,
                (7, 2020),
                {2021: 6, 2022: 4, 2023: 2, 2024: 1},
            ),
        ),
        tasks=(
            TaskSpec(
                "Ban hành quy chế phối hợp giữa Ban Dân vận Thành ủy và UBND thành phố trong "
                "công tác dân vận chính quyền",
                DAN_VAN,
                (D(2020, 11, 1), MONTH),
                (UBND,),
                (done(D(2020, 11, 24)),),
            ),
            TaskSpec(
                "Tổ chức đối thoại với hộ dân bị ảnh hưởng bởi các công trình, dự án trọng điểm",
                UBND,
                (D(2021, 7, 1), QUARTER),
                (DAN_VAN, ward("Phường Phú Khương"), ward("Xã Sơn Đông")),
                (step(D(2021, 6, 25), 40), done(D(2021, 11, 19))),
            ),
            TaskSpec(
                "Nhân rộng mô hình “Dân vận khéo” trong vận động nhân dân hiến đất, giải phóng "
                "mặt bằng",
                DAN_VAN,
                (D(2022, 1, 1), YEAR),
                (ward_party("Xã Sơn Đông"), ward_party("Xã Phú Hưng"), ward_party("Xã Bình Phú")),
                (step(D(2021, 12, 20), 35), step(D(2022, 12, 26), 55)),
            ),
            TaskSpec(
                "Sơ kết giữa nhiệm kỳ thực hiện Chương trình hành động",
                DAN_VAN,
                (D(2023, 12, 1), MONTH),
                (UBND,),
                (done(D(2023, 12, 19)),),
            ),
        ),
    ),
]

# The "Năm không" of Resolution 01-NQ/ThU, the City Committee's own figures with 2020 as target:
# a value at 31-12 of each year 2015–2020 (2015 is also the baseline year); the temporary
# houses also a week before the article ("basically eliminated"), none left at the end of 2020.
FIVE_NOS_INDICATORS = [
    IndicatorSpec(
        "Số hộ ở nhà tạm bợ",
        "hộ",
        Direction.ELIMINATE,
        None,
        (326, 2015),
        {2015: 310, 2016: 245, 2017: 168, 2018: 92, 2019: 31, D(2020, 9, 15): 2, 2020: 0},
        target_year=2020,
    ),
    IndicatorSpec(
        "Số người ăn xin, lang thang là người địa phương",
        "người",
        Direction.ELIMINATE,
        None,
        (14, 2015),
        {2015: 14, 2016: 9, 2017: 5, 2018: 2, 2019: 0, 2020: 0},
        target_year=2020,
    ),
    IndicatorSpec(
        "Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý",
        "%",
        Direction.AT_LEAST,
        95,
        (82, 2015),
        {2015: 82, 2016: 85.5, 2017: 88, 2018: 91.2, 2019: 94, 2020: 96.5},
        target_year=2020,
    ),
    IndicatorSpec(
        "Số vụ phạm pháp hình sự về ma túy",
        "vụ",
        Direction.AT_MOST,
        20,
        (41, 2015),
        {2015: 41, 2016: 36, 2017: 31, 2018: 27, 2019: 22, 2020: 18},
        target_year=2020,
    ),
    IndicatorSpec(
        "Số vụ trộm cắp tài sản",
        "vụ",
        Direction.AT_MOST,
        60,
        (118, 2015),
        {2015: 118, 2016: 104, 2017: 92, 2018: 80, 2019: 69, 2020: 57},
        target_year=2020,
    ),
]
FIVE_NOS_SOURCE = "Báo cáo kết quả thực hiện Nghị quyết 01-NQ/ThU năm {year} ({sample})"
FIVE_NOS_ASSIGNED_ON = D(2015, 11, 2)
FIVE_NOS_TASKS = [
    TaskSpec(
        "Vận động xã hội hóa xây dựng nhà tình thương, nhà đại đoàn kết cho hộ đang ở nhà tạm bợ",
        DAN_VAN,
        (D(2019, 1, 1), YEAR),
        (UBND,),
        (step(D(2017, 12, 20), 50), step(D(2018, 12, 20), 75), done(D(2019, 11, 20))),
    ),
    TaskSpec(
        "Xây dựng mô hình “Tuyến đường không rác thải bừa bãi” tại các khu dân cư",
        TUYEN_GIAO,
        (D(2018, 12, 31), DAY),
        (UBND,),
        (step(D(2017, 6, 30), 40), done(D(2019, 3, 15))),
    ),
    TaskSpec(
        "Lãnh đạo đấu tranh phòng, chống tội phạm ma túy, trộm cắp tài sản; không để phát sinh "
        "người ăn xin, lang thang là người địa phương",
        POLICE,
        (D(2020, 10, 1), QUARTER),
        (UBND, DAN_VAN),
        (step(D(2018, 12, 28), 60), done(D(2020, 12, 15))),
    ),
]

# --- the grassroots organisations' documents ---------------------------------------------------
# (doc type, requirement title, due date, summary, late indexes, missing indexes); indexes into
# the 51 organisations in tree order (0–13 the ward committees, then the others as listed in
# scenario_org). Missing: 22 Chi bộ Phòng Nội vụ, 43 Đảng bộ Công an (dissolved 1-3-2025), 47 and
# 49 two cells moved under the new wards in 2025; 17 (Chi bộ Ban Tuyên giáo) is late every time.
GRASSROOTS_DOCUMENTS = [
    (
        "QC",
        "Ban hành quy chế làm việc của cấp ủy nhiệm kỳ 2020 - 2025",
        D(2020, 9, 30),
        "Quy chế làm việc của {org} nhiệm kỳ 2020 - 2025",
        {5, 17, 29, 38, 44},
        {22, 43},
    ),
    (
        "CTr",
        "Ban hành chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII",
        D(2020, 9, 30),
        "Chương trình hành động của {org} thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ "
        "XII, nhiệm kỳ 2020 - 2025",
        {3, 17, 26, 40},
        {22, 49},
    ),
    (
        "KH",
        "Ban hành kế hoạch thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII",
        D(2020, 10, 31),
        "Kế hoạch của {org} thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII, lồng "
        "ghép vào chương trình công tác quý, tháng, tuần",
        {8, 17, 29, 33, 45},
        {22, 43, 47},
    ),
]
CITY_AGENCY_CELLS = {
    name
    for name, kind, fate, _ward in OTHER_ORGANISATIONS
    if kind == UnitKind.PARTY_CELL and fate == DISSOLVE
}

# --- the quarterly reports ---------------------------------------------------------------------
QUARTERS = [D(2020, 10, 1), D(2021, 1, 1), D(2021, 4, 1), D(2021, 7, 1)]
REPORT_TEXTS = {
    D(2020, 10, 1): (
        "Hoàn thành quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII đến đảng viên; "
        "ban hành quy chế làm việc, chương trình hành động, kế hoạch thực hiện nghị quyết và "
        "chương trình công tác năm 2021.",
        "Một số chi bộ trực thuộc sinh hoạt chưa đúng định kỳ.",
        "Triển khai chương trình công tác quý I/2021; chuẩn bị học tập Nghị quyết Đại hội XIII "
        "của Đảng.",
    ),
    D(2021, 1, 1): (
        "Tổ chức cho đảng viên theo dõi Đại hội đại biểu toàn quốc lần thứ XIII của Đảng; chăm "
        "lo Tết Tân Sửu cho gia đình chính sách, hộ nghèo.",
        "Việc cập nhật số liệu các chỉ tiêu nghị quyết còn chậm.",
        "Học tập, quán triệt Nghị quyết Đại hội XIII; chuẩn bị bầu cử đại biểu Quốc hội và "
        "HĐND các cấp.",
    ),
    D(2021, 4, 1): (
        "Lãnh đạo tổ chức thành công cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các "
        "cấp nhiệm kỳ 2021 - 2026.",
        "Công tác phòng, chống dịch COVID-19 có lúc còn lúng túng.",
        "Tập trung phòng, chống dịch COVID-19; duy trì sinh hoạt chi bộ theo hình thức phù hợp.",
    ),
    D(2021, 7, 1): (
        "Tập trung lãnh đạo phòng, chống dịch COVID-19, hỗ trợ người dân gặp khó khăn trong thời "
        "gian giãn cách xã hội.",
        "Sinh hoạt chi bộ trực tiếp bị gián đoạn do giãn cách xã hội.",
        "Khôi phục sinh hoạt chi bộ định kỳ; tiếp tục thực hiện các chỉ tiêu nghị quyết năm 2021.",
    ),
}
# (quarter index, unit key) → days after the deadline the report came; never submitted; a draft.
LATE_REPORTS = {
    (0, ward_party("Xã Phú Nhuận")): 4,
    (1, ward_party("Phường 6")): 6,
    (1, ward_party("Xã Mỹ Thạnh An")): 3,
    (2, ward_party("Phường 4")): 9,
    (3, ward_party("Xã Sơn Đông")): 12,
    (3, POLICE): 5,
}
MISSING_REPORTS = {(2, ward_party("Xã Mỹ Thạnh An"))}
DRAFT_REPORTS = {(3, ward_party("Phường 8"))}


# --- the timeline ------------------------------------------------------------------------------
def at(day: dt.date, hour: int = 16) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


class Timeline:
    """Acts recorded in the order they happened: a report's figures then count the tasks as they
    stood that day."""

    def __init__(self):
        self.acts: list[tuple[dt.datetime, int, Callable[[], object]]] = []

    def add(self, moment: dt.datetime, act: Callable[[], object]) -> None:
        self.acts.append((moment, len(self.acts), act))

    def run(self) -> None:
        for _moment, _n, act in sorted(self.acts, key=lambda a: a[:2]):
            act()


def _report_step(task: Task, s: Step) -> None:
    revision = Task.objects.values_list("revision", flat=True).get(pk=task.pk)
    deadline, precision = s.new_deadline or (None, None)
    tasks.task_report_progress(
        actor=None,
        task=task,
        revision=revision,
        status=s.status,
        progress=s.progress,
        reason=s.reason,
        new_deadline=deadline,
        new_deadline_precision=precision,
        completed_on=s.day if s.status == TaskStatus.DONE else None,
        note=s.note,
        today=s.day,
    )


def _task(
    units: _Units,
    timeline: Timeline,
    spec: TaskSpec,
    *,
    assigned_on: dt.date,
    programme=None,
    assigning_document=None,
    parent=None,
    **extra,
) -> Task:
    task = tasks.task_create(
        actor=None,
        title=spec.title,
        assigned_by=units[KEY_CITY_PARTY],
        lead_unit=units[spec.lead],
        coordinating_units=[units[k] for k in spec.coordinating],
        programme=programme,
        assigning_document=assigning_document,
        parent=parent,
        output_text=spec.output_text,
        start_on=assigned_on,
        deadline=spec.deadline[0],
        deadline_precision=spec.deadline[1],
        weight=spec.weight,
        today=assigned_on,
        **extra,
    )
    for s in spec.steps:
        timeline.add(at(s.day), partial(_report_step, task, s))
    return task


def _measure(indicator, unit, values: dict, source: str) -> None:
    for key, value in values.items():
        day = key if isinstance(key, dt.date) else D(key, 12, 31)
        indicators.measurement_add(
            actor=None,
            indicator=indicator,
            unit=unit,
            value=Decimal(str(value)),
            measured_on=day,
            source=source.format(year=day.year, sample=SAMPLE),
        )


def _indicator(spec: IndicatorSpec, unit, *, on: dt.date, programme=None, document=None):
    return indicators.indicator_create(
        actor=None,
        unit=unit,
        programme=programme,
        document=document,
        name=spec.name,
        measure_unit=spec.measure_unit,
        direction=spec.direction,
        target_value=None if spec.target is None else Decimal(str(spec.target)),
        target_date=D(spec.target_year, 1, 1),
        target_precision=YEAR,
        baseline_value=Decimal(str(spec.baseline[0])),
        baseline_year=spec.baseline[1],
        today=on,
    )


# --- the parts ---------------------------------------------------------------------------------
def _programmes(units: _Units, timeline: Timeline, congress: Document) -> None:
    city = units[KEY_CITY_PARTY]
    for spec in PROGRAMMES:
        document = documents.document_register(
            actor=None,
            owner_unit=city,
            issuer_unit=city,
            number_text=spec.number,
            issued_on=spec.issued_on,
            summary=spec.summary,
            signer_title="T/M Ban Thường vụ, Bí thư",
        )
        documents.relation_add(
            actor=None, source=document, target=congress, kind=RelationKind.IMPLEMENTS
        )
        programme = programmes.programme_create(
            actor=None,
            document=congress,
            programme_document=document,
            title=spec.title,
            field=spec.field,
            owner_unit=city,
            start_year=2020,
            end_year=2025,
            description=spec.description,
            today=spec.issued_on,
        )
        source = CADRE_SOURCE if spec.field == "Công tác cán bộ" else ECONOMY_SOURCE
        for indicator_spec in spec.indicators:
            indicator = _indicator(indicator_spec, city, on=spec.issued_on, programme=programme)
            _measure(indicator, city, indicator_spec.values, source)
        start = spec.issued_on + dt.timedelta(days=1)
        for task_spec in spec.tasks:
            _task(units, timeline, task_spec, assigned_on=start, programme=programme)


def _article_tasks(units: _Units, timeline: Timeline, congress: Document) -> None:
    """The "5 smart" resolution, closed by its own issue; the dissemination of 07-KH/ThU."""
    city = units[KEY_CITY_PARTY]
    smart = TaskSpec(
        "Tham mưu xây dựng Nghị quyết chuyên đề về xây dựng thành phố Bến Tre “5 thông minh”",
        UBND,
        (D(2020, 12, 1), MONTH),
        (SO_NOI_VU, SO_TAI_CHINH, SO_XAY_DUNG, SO_VHTTDL, SO_KHCN),
        (
            step(D(2020, 10, 30), 30, "Đã có đề cương nghị quyết."),
            step(D(2020, 11, 27), 70, "Đã lấy ý kiến các sở, ngành tỉnh vào dự thảo."),
        ),
        output_text="Nghị quyết chuyên đề của Thành ủy về thành phố “5 thông minh”",
    )
    _task(
        units,
        timeline,
        smart,
        assigned_on=D(2020, 9, 15),
        assigning_document=congress,
        output_doc_type="NQ",
        output_issuer=city,
    )

    def issue_smart_resolution():
        resolution = documents.document_register(
            actor=None,
            owner_unit=city,
            issuer_unit=city,
            number_text=SMART_NUMBER,
            issued_on=SMART_DAY,
            summary="Nghị quyết chuyên đề về xây dựng thành phố Bến Tre “5 thông minh”",
            signer_title="T/M Thành ủy, Bí thư",
        )
        documents.relation_add(
            actor=None, source=resolution, target=congress, kind=RelationKind.IMPLEMENTS
        )

    timeline.add(at(SMART_DAY, 10), issue_smart_resolution)

    plan = Document.objects.get(number_text=PLAN_07, issuer_unit=city)
    start = plan.issued_on
    parent = _task(
        units,
        timeline,
        TaskSpec(
            "Triển khai quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII trong toàn "
            "hệ thống chính trị thành phố",
            TUYEN_GIAO,
            (D(2020, 9, 1), MONTH),
            (VAN_PHONG, TO_CHUC),
            (done(D(2020, 10, 9), "Các đảng ủy xã, phường đã báo cáo kết quả."),),
        ),
        assigned_on=start,
        assigning_document=plan,
    )
    _task(
        units,
        timeline,
        TaskSpec(
            "Tổ chức 11 lớp quán triệt cho cán bộ chủ chốt, cán bộ hưu trí, đảng viên, công "
            "chức, viên chức thành phố và ngành giáo dục",
            TUYEN_GIAO,
            (D(2020, 9, 1), MONTH),
            (VAN_PHONG,),
            (step(D(2020, 9, 10), 60, "Đã tổ chức 7/11 lớp."), done(D(2020, 9, 25))),
            weight=3,
        ),
        assigned_on=start,
        assigning_document=plan,
        parent=parent,
    )
    wards = Unit.objects.filter(source_key__startswith=f"{K}party:dang-uy:").order_by("path")
    for n, unit in enumerate(wards):
        late = n in (6, 12)
        finished = D(2020, 10, 6 + n % 4) if late else D(2020, 9, 14 + n)
        units[unit.source_key] = unit
        _task(
            units,
            timeline,
            TaskSpec(
                f"Quán triệt Nghị quyết tại {unit.name}; báo cáo kết quả về Thường trực Thành ủy",
                unit.source_key,
                (D(2020, 9, 1), MONTH),
                steps=(done(finished),),
                output_text="Báo cáo kết quả quán triệt",
            ),
            assigned_on=start,
            assigning_document=plan,
            parent=parent,
        )


def _grassroots(units: _Units, congress: Document) -> None:
    """The requirements on the 51 organisations and the documents in their registers."""
    city = units[KEY_CITY_PARTY]
    basis = {
        "127": Document.objects.get(number_text="127-QĐ/TW"),
        "98": Document.objects.get(number_text="98-QĐ/TW"),
    }
    targets = None
    for doc_type, title, due_on, summary, late, missing in GRASSROOTS_DOCUMENTS:
        requirement = requirements.requirement_create(
            actor=None,
            title=title,
            set_by=city,
            unit_kinds=GRASSROOTS,
            doc_type=doc_type,
            due_on=due_on,
            implements=congress,
            direct_only=True,
            today=REQUIREMENTS_SET_ON,
        )
        if targets is None:
            # As in 2020: the 14 ward committees in tree order, then the others as listed.
            order = {organisation(name): i for i, (name, *_rest) in enumerate(OTHER_ORGANISATIONS)}
            targets = sorted(
                (t.unit for t in requirement.targets.select_related("unit")),
                key=lambda u: (0, u.path) if u.counterpart_id else (1, order[u.source_key]),
            )
        span = (due_on - REQUIREMENTS_SET_ON).days
        for n, unit in enumerate(targets):
            if n in missing:
                continue
            if n in late:
                issued_on = due_on + dt.timedelta(days=6 + (n * 5) % 35)
            else:
                issued_on = REQUIREMENTS_SET_ON + dt.timedelta(days=5 + (n * 7) % (span - 5))
            cell = unit.kind == UnitKind.PARTY_CELL
            org_text = (
                unit.name if cell else "Ban Chấp hành " + unit.name.replace("Đảng ủy", "Đảng bộ", 1)
            )
            number = 1 if doc_type != "KH" else 2 + n % 9
            document = documents.document_register(
                actor=None,
                owner_unit=unit,
                issuer_unit=unit,
                number_text=f"{number:02d}-{doc_type}/{'CB' if cell else 'ĐU'}",
                issued_on=issued_on,
                summary=summary.format(org=org_text),
                signer_title="T/M Chi ủy, Bí thư" if cell else "T/M Đảng ủy, Bí thư",
            )
            documents.relation_add(
                actor=None, source=document, target=congress, kind=RelationKind.IMPLEMENTS
            )
            if doc_type == "QC":
                on = (
                    "127" if unit.counterpart_id else "98" if unit.name in CITY_AGENCY_CELLS else ""
                )
                if on:
                    documents.relation_add(
                        actor=None, source=document, target=basis[on], kind=RelationKind.BASED_ON
                    )


def _reports(units: _Units, timeline: Timeline) -> None:
    """The quarterly schedule and a year of reports, each saved on its day."""
    city = units[KEY_CITY_PARTY]
    schedule = reports.schedule_create(
        actor=None,
        title=SCHEDULE_TITLE,
        parent_unit=city,
        unit_kinds=[UnitKind.GRASSROOTS_PARTY_COMMITTEE],
        frequency=Frequency.QUARTERLY,
        due_days=10,
        starts_on=SCHEDULE_STARTS,
        # The demo records one year of reports; the schedule ends there rather than showing
        # every later quarter as missing.
        ends_on=dt.date(2021, 9, 30),
    )
    for q, start in enumerate(QUARTERS):
        period = reports.period_for(schedule, start)
        results, limitations, next_tasks = REPORT_TEXTS[start]
        sections = {"results": results, "limitations": limitations, "next_tasks": next_tasks}
        for n, unit in enumerate(reports.expected_units(schedule, period).order_by("path")):
            key = (q, unit.source_key)
            if key in MISSING_REPORTS:
                continue
            if key in DRAFT_REPORTS:
                moment, submit = at(period.due_on - dt.timedelta(days=2), 15), False
            elif key in LATE_REPORTS:
                moment, submit = at(period.due_on + dt.timedelta(days=LATE_REPORTS[key]), 9), True
            else:
                moment, submit = at(period.due_on - dt.timedelta(days=n % 7), 8 + n % 9), True
            timeline.add(
                moment,
                partial(
                    reports.report_save,
                    actor=None,
                    schedule=schedule,
                    unit=unit,
                    period_start=start,
                    sections=sections,
                    submit=submit,
                    at=moment,
                ),
            )


def _five_nos(units: _Units, timeline: Timeline) -> None:
    """The indicators of Resolution 01-NQ/ThU, measured every year 2015–2020, and three tasks
    it gave the Party boards and the police Party committee."""
    city = units[KEY_CITY_PARTY]
    resolution = Document.objects.get(number_text=FIVE_NOS, issuer_unit=city)
    for spec in FIVE_NOS_INDICATORS:
        indicator = _indicator(spec, city, on=resolution.issued_on, document=resolution)
        _measure(indicator, city, spec.values, FIVE_NOS_SOURCE)
    for task_spec in FIVE_NOS_TASKS:
        _task(
            units,
            timeline,
            task_spec,
            assigned_on=FIVE_NOS_ASSIGNED_ON,
            assigning_document=resolution,
        )


def is_loaded() -> bool:
    return Document.objects.filter(number_text=PROGRAMMES[0].number).exists()


@transaction.atomic
def load_plans_scenario() -> bool:
    """Programmes, indicators, tasks, requirements, reports; False if already there."""
    if is_loaded():
        return False
    units = _Units()
    congress = Document.objects.get(number_text=CONGRESS)
    timeline = Timeline()
    _five_nos(units, timeline)
    _programmes(units, timeline, congress)
    _article_tasks(units, timeline, congress)
    _grassroots(units, congress)
    _reports(units, timeline)
    timeline.run()
    return True
