"""The founding scenario's outreach: the dissemination of the Congress resolution, and the
Propaganda Board's opinion survey about the Congress (August–September 2020).

Built only through the outreach and surveys services (actor=None), each act with its date.

From the article (facts): Plan 07-KH/ThU of 7-8-2020 directs the dissemination of the Congress
resolution, to be finished in September 2020; 11 classes for key cadres, retired cadres living in
the city, Party members, civil servants of city bodies and the education sector; at the 14
communes and wards the Party secretary runs the dissemination, monitors it and reports to the
Standing Board; the Propaganda Board built a public-opinion survey about the Congress for cadres
and Party members, 250 forms, and was compiling its results for the Standing Committee.

Generated, and not to be read as fact: the classes' dates, places and numbers of people, the
quotas, which wards were late (three, to show the completion matrix flagging them), the list of
people of one ward class, the survey's questions (written for the demo), how the 250 forms were
shared out, and every answer (about 240 forms, a dozen typed from paper). The survey is owned by
the City Party Committee, the Propaganda Board's staff working under its access, so that forms
can be allocated to the wards.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction

from trienkhai.documents.models import Document
from trienkhai.outreach import classes, services
from trienkhai.outreach.defaults import ensure_target_groups
from trienkhai.outreach.models import (
    AttendanceStatus,
    Campaign,
    CampaignStatus,
    ClassStatus,
    TargetGroup,
)
from trienkhai.plans.models import Precision
from trienkhai.surveys import audience, builder, responses
from trienkhai.surveys.models import Channel, Code, CodeKind, QuestionKind, Survey
from trienkhai.surveys.structure import load

from .scenario_org import KEY_CITY_PARTY, communes_2020
from .scenario_plans import CONGRESS, PLAN_07, _Units, ward_party

D = dt.date
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAMPAIGN_TITLE = (
    "Quán triệt Nghị quyết Đại hội đại biểu Đảng bộ thành phố Bến Tre lần thứ XII, "
    "nhiệm kỳ 2020 – 2025"
)
SURVEY_TITLE = "Phiếu khảo sát dư luận xã hội về Đại hội đại biểu Đảng bộ thành phố lần thứ XII"
HALL = "Hội trường Thành ủy Bến Tre"
PRESENTERS = "Thường trực Thành ủy; Trưởng Ban Tuyên giáo Thành ủy"
SEED = 2020

KEY_CADRES = "can-bo-chu-chot"
RETIRED = "can-bo-huu-tri"
MEMBERS = "dang-vien"
CIVIL_SERVANTS = "cong-chuc-vien-chuc"
EDUCATION = "nganh-giao-duc"

# (day, hour, title, {group: (expected, attended)}); the 11th is the make-up of the 1st.
CITY_CLASSES = [
    (D(2020, 8, 18), 7, "Lớp cán bộ chủ chốt thành phố (đợt 1)", {KEY_CADRES: (180, 168)}),
    (D(2020, 8, 19), 7, "Lớp cán bộ chủ chốt thành phố (đợt 2)", {KEY_CADRES: (170, 161)}),
    (D(2020, 8, 21), 8, "Lớp cán bộ hưu trí sinh sống trên địa bàn (đợt 1)", {RETIRED: (200, 176)}),
    (D(2020, 8, 22), 8, "Lớp cán bộ hưu trí sinh sống trên địa bàn (đợt 2)", {RETIRED: (200, 183)}),
    (D(2020, 8, 25), 7, "Lớp đảng viên khối Đảng, Mặt trận và đoàn thể", {MEMBERS: (250, 241)}),
    (D(2020, 8, 26), 7, "Lớp đảng viên khối chính quyền", {MEMBERS: (300, 284)}),
    (
        D(2020, 8, 28),
        7,
        "Lớp công chức, viên chức cơ quan thành phố (đợt 1)",
        {CIVIL_SERVANTS: (300, 287)},
    ),
    (
        D(2020, 8, 29),
        7,
        "Lớp công chức, viên chức cơ quan thành phố (đợt 2)",
        {CIVIL_SERVANTS: (300, 279)},
    ),
    (D(2020, 9, 4), 7, "Lớp cán bộ, giáo viên ngành giáo dục (đợt 1)", {EDUCATION: (450, 431)}),
    (D(2020, 9, 5), 7, "Lớp cán bộ, giáo viên ngành giáo dục (đợt 2)", {EDUCATION: (450, 422)}),
    (
        D(2020, 9, 12),
        7,
        "Lớp học bù cho cán bộ chủ chốt và công chức vắng mặt",
        {KEY_CADRES: (20, 17), CIVIL_SERVANTS: (30, 26)},
    ),
]
# The people of each group the city itself had to reach; with the make-up class, all were reached.
CITY_QUOTAS = {KEY_CADRES: 346, RETIRED: 359, MEMBERS: 525, CIVIL_SERVANTS: 592, EDUCATION: 853}
WARD_DEADLINE = D(2020, 9, 30)
# Wards behind: no class held yet / half of their members reached / held but never reported.
NOT_STARTED = "Xã Mỹ Thạnh An"
HALF_DONE = "Phường 8"
UNREPORTED = "Xã Sơn Đông"


def _at(day: dt.date, hour: int, minute: int = 30) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def is_loaded() -> bool:
    return Campaign.objects.filter(title=CAMPAIGN_TITLE).exists()


@transaction.atomic
def load_outreach_scenario() -> bool:
    """The dissemination campaign and the opinion survey; False if already there."""
    if is_loaded():
        return False
    units = _Units()
    city = units[KEY_CITY_PARTY]
    ensure_target_groups(TargetGroup)
    groups = {g.code: g for g in TargetGroup.objects.all()}
    plan = Document.objects.get(number_text=PLAN_07)
    congress = Document.objects.get(number_text=CONGRESS)
    wards = [units[ward_party(c.name)] for c in communes_2020()]
    campaign = _campaign(city, wards, groups, plan, congress)
    _survey(city, wards, groups, campaign)
    return True


# --- dissemination ---------------------------------------------------------------------------
def _campaign(city, wards, groups, plan, congress) -> Campaign:
    rng = random.Random(SEED)
    campaign = services.campaign_create(
        actor=None,
        title=CAMPAIGN_TITLE,
        owner_unit=city,
        plan_document=plan,
        documents=[congress],
        description=(
            "Tổ chức 11 lớp cho cán bộ chủ chốt, cán bộ hưu trí, đảng viên, công chức, viên chức "
            "cơ quan thành phố và ngành giáo dục; các xã, phường do đồng chí bí thư trực tiếp "
            "quán triệt, theo dõi và báo cáo kết quả về Thường trực Thành ủy."
        ),
        start_on=D(2020, 8, 10),
        deadline=D(2020, 9, 1),
        deadline_precision=Precision.MONTH,
        status=CampaignStatus.RUNNING,
        target_groups=[groups[c] for c in CITY_QUOTAS],
    )
    quotas = {(city, groups[code]): n for code, n in CITY_QUOTAS.items()}
    members = {}
    for ward in wards:
        members[ward.pk] = rng.randrange(180, 420, 10)
        quotas[(ward, groups[MEMBERS])] = members[ward.pk]
        quotas[(ward, groups[KEY_CADRES])] = KEY_CADRES_OF_AN_HOI if "An Hội" in ward.name else 25
    services.quota_set(actor=None, campaign=campaign, values=quotas)
    made = []
    for day, hour, title, counts in CITY_CLASSES:
        made.append(
            classes.class_create(
                actor=None,
                campaign=campaign,
                organiser=city,
                title=title,
                starts_at=_at(day, hour),
                ends_at=_at(day, hour + 4, 0),
                place=HALL,
                presenters=PRESENTERS,
                groups={groups[code]: pair for code, pair in counts.items()},
                materials=[congress, plan],
                status=ClassStatus.HELD,
                makeup_of=made[0] if title.startswith("Lớp học bù") else None,
            )
        )
    services.delegation_create(
        actor=None,
        campaign=campaign,
        units=wards,
        deadline=WARD_DEADLINE,
        instructions=(
            "Đồng chí bí thư đảng ủy trực tiếp quán triệt cho cán bộ chủ chốt và đảng viên, "
            "theo dõi và báo cáo kết quả về Thường trực Thành ủy."
        ),
    )
    for ward in wards:
        _ward_classes(campaign, ward, groups, members[ward.pk], congress, rng)
    return campaign


def _ward_classes(campaign, ward, groups, members: int, congress, rng) -> None:
    name = ward.name
    day = D(2020, 9, rng.randrange(3, 24))
    if NOT_STARTED in name:
        classes.class_create(
            actor=None,
            campaign=campaign,
            organiser=ward,
            title=f"Lớp quán triệt cho đảng viên {name.removeprefix('Đảng ủy ')}",
            starts_at=_at(D(2020, 10, 6), 7),
            place=f"Hội trường {name}",
            groups={groups[MEMBERS]: (members, None)},
            materials=[congress],
        )
        return
    # Wards on time reached everyone (absentees came to a later session, counted in the class).
    share = 0.5 if HALF_DONE in name else 1.0
    classes.class_create(
        actor=None,
        campaign=campaign,
        organiser=ward,
        title=f"Lớp quán triệt cho đảng viên {name.removeprefix('Đảng ủy ')}",
        starts_at=_at(day, 7),
        ends_at=_at(day, 11, 0),
        place=f"Hội trường {name}",
        presenters="Bí thư Đảng ủy",
        groups={groups[MEMBERS]: (members, int(members * share))},
        materials=[congress],
        status=ClassStatus.HELD,
    )
    key_class = _key_cadre_class(campaign, ward, groups, day, congress)
    if UNREPORTED in name or HALF_DONE in name:
        return
    reached = int(members * share) + key_class
    delegation = campaign.delegations.get(unit=ward)
    services.delegation_report(
        actor=None,
        delegation=delegation,
        report=(
            f"Đã tổ chức quán triệt cho {reached} cán bộ chủ chốt và đảng viên; đồng chí bí thư "
            "trực tiếp báo cáo. Các chi bộ đã đưa nội dung nghị quyết vào sinh hoạt định kỳ."
        ),
        today=day + dt.timedelta(days=3),
    )


# Generated people of one ward class, to show a class run from a list (two were absent and made
# it up in a later class).
KEY_CADRE_NAMES = [
    "Nguyễn Văn Hòa",
    "Trần Thị Mai",
    "Lê Văn Phúc",
    "Phạm Thị Thu",
    "Võ Văn Tâm",
    "Huỳnh Thị Lan",
    "Đặng Văn Nghĩa",
    "Bùi Thị Hạnh",
    "Đỗ Văn Lợi",
    "Ngô Thị Kim",
    "Dương Văn Sang",
    "Lý Thị Ngọc",
    "Trương Văn Thành",
    "Phan Thị Hồng",
    "Mai Văn Đức",
]


KEY_CADRES_OF_AN_HOI = len(KEY_CADRE_NAMES)


def _key_cadre_class(campaign, ward, groups, day, congress) -> int:
    """The ward's class for its key cadres; returns how many attended (after the make-up)."""
    cadres = groups[KEY_CADRES]
    session = classes.class_create(
        actor=None,
        campaign=campaign,
        organiser=ward,
        title="Lớp cán bộ chủ chốt phường, xã",
        starts_at=_at(day + dt.timedelta(days=1), 14, 0),
        ends_at=_at(day + dt.timedelta(days=1), 17, 0),
        place=f"Hội trường {ward.name}",
        presenters="Bí thư Đảng ủy",
        groups={cadres: (KEY_CADRES_OF_AN_HOI if "An Hội" in ward.name else 25, 25)},
        materials=[congress],
        status=ClassStatus.HELD,
    )
    if "An Hội" not in ward.name:
        return 25
    listed = []
    for i, name in enumerate(KEY_CADRE_NAMES):
        absent = i in (3, 9)
        listed.append(
            classes.attendee_add(
                actor=None,
                session=session,
                full_name=name,
                target_group=cadres,
                workplace="Đảng ủy Phường An Hội" if i % 3 else "UBND Phường An Hội",
                status=AttendanceStatus.EXCUSED if absent else AttendanceStatus.PRESENT,
                note="Đi công tác" if absent else "",
            )
        )
    makeup = classes.class_create(
        actor=None,
        campaign=campaign,
        organiser=ward,
        title="Lớp học bù cho cán bộ chủ chốt vắng mặt",
        starts_at=_at(day + dt.timedelta(days=6), 14, 0),
        place=f"Văn phòng {ward.name}",
        presenters="Phó Bí thư Thường trực Đảng ủy",
        groups={cadres: (2, None)},
        status=ClassStatus.HELD,
        makeup_of=session,
    )
    for absent in (listed[3], listed[9]):
        classes.attendee_update(actor=None, attendee=absent, made_up_in=makeup)
    return len(listed)


# --- the opinion survey -----------------------------------------------------------------------
CHANNELS = [
    "Sinh hoạt chi bộ",
    "Hội nghị quán triệt",
    "Báo Đồng Khởi",
    "Đài Phát thanh và Truyền hình",
    "Trang thông tin điện tử",
    "Mạng xã hội",
    "Khác (ghi rõ)",
]
PRIORITIES = [
    "Phát triển thương mại, dịch vụ",
    "Xây dựng thành phố đạt đô thị loại I",
    "Xây dựng đội ngũ cán bộ đáp ứng phát triển đô thị",
    "Dân vận, tạo đồng thuận trong nhân dân",
]
GRID_ROWS = [
    "Mục tiêu tổng quát của nhiệm kỳ",
    "Chỉ tiêu xây dựng đô thị loại I",
    "Bốn chương trình hành động",
    "Công tác xây dựng Đảng, hệ thống chính trị",
]
GRID_SCALE = ["Rất đồng tình", "Đồng tình", "Còn phân vân", "Không đồng tình"]
# Written for the demo: the kind of short suggestions such forms collect.
SUGGESTIONS = [
    "Cần cụ thể hóa nghị quyết bằng kế hoạch có thời hạn rõ ràng cho từng ngành.",
    "Quan tâm chỉnh trang đô thị ở các xã ven, không chỉ khu trung tâm.",
    "Đẩy mạnh chuyển đổi số trong cải cách thủ tục hành chính.",
    "Tăng cường đối thoại với nhân dân trước khi triển khai các công trình, dự án.",
    "Chú trọng đào tạo cán bộ trẻ cho bộ máy đô thị.",
    "Phát triển du lịch sinh thái gắn với dừa và sông nước.",
    "Giải quyết dứt điểm nhà tạm, hỗ trợ hộ nghèo ổn định cuộc sống.",
    "Công khai tiến độ các chỉ tiêu để người dân cùng giám sát.",
    "Đầu tư thêm trường học, giảm sĩ số lớp ở các phường đông dân.",
    "Xử lý rác thải, ngập nước khi triều cường.",
    "Nâng cao chất lượng sinh hoạt chi bộ khu phố.",
    "Thu hút doanh nghiệp đầu tư vào dịch vụ, thương mại.",
]
OTHER_CHANNELS = ["Qua người thân", "Bản tin khu phố", "Loa truyền thanh ấp"]
NOT_STUDIED = [
    "Bận công tác, chưa có thời gian đọc.",
    "Chi bộ chưa triển khai đến đảng viên.",
    "Chưa nhận được tài liệu.",
]


def _survey(city, wards, groups, campaign) -> Survey:
    survey = builder.survey_create(
        actor=None,
        owner_unit=city,
        title=SURVEY_TITLE,
        intro=(
            "Ban Tuyên giáo Thành ủy trân trọng đề nghị đồng chí cho ý kiến về Đại hội. Phiếu "
            "không ghi tên; mỗi mã phiếu chỉ dùng một lần. Xin đánh dấu vào ô phù hợp."
        ),
        campaign=campaign,
    )
    q = _questions(survey)
    cadres, members = groups[KEY_CADRES], groups[MEMBERS]
    audience.audience_update(
        actor=None,
        survey=survey,
        target_groups=[cadres, members],
        total_forms=250,
        opens_on=D(2020, 8, 27),
        closes_on=D(2020, 9, 15),
        record_group=True,
        record_unit=True,
        double_entry=False,
    )
    # 54 forms for the city's key cadres and 14 for the Party members of each ward: 250.
    audience.allocation_save(actor=None, survey=survey, unit=city, target_group=cadres, forms=54)
    for ward in wards:
        audience.allocation_save(
            actor=None, survey=survey, unit=ward, target_group=members, forms=14
        )
    audience.survey_open(actor=None, survey=survey, today=D(2020, 8, 27))
    audience.codes_generate(actor=None, survey=survey, kind=CodeKind.PAPER)
    _answers(survey, q)
    audience.survey_close(actor=None, survey=survey)
    return survey


def _questions(survey) -> dict:
    s1 = builder.section_create(actor=None, survey=survey, title="Phần I. Thông tin chung")
    s2 = builder.section_create(
        actor=None, survey=survey, title="Phần II. Đánh giá về công tác chuẩn bị Đại hội"
    )
    s3 = builder.section_create(actor=None, survey=survey, title="Phần III. Ý kiến đóng góp")
    q = {}
    q["years"] = builder.question_create(
        actor=None,
        section=s1,
        kind=QuestionKind.NUMBER,
        text="Tuổi đảng của đồng chí (số năm)",
        min_value=0,
        max_value=70,
    )
    q["level"] = builder.question_create(
        actor=None,
        section=s1,
        kind=QuestionKind.SINGLE,
        text="Trình độ lý luận chính trị",
        choices_text="Chưa qua đào tạo\nSơ cấp\nTrung cấp\nCao cấp, cử nhân",
        required=True,
    )
    q["studied"] = builder.question_create(
        actor=None,
        section=s2,
        kind=QuestionKind.YESNO,
        text="Đồng chí có được nghiên cứu dự thảo Báo cáo chính trị trình Đại hội không?",
        required=True,
    )
    q["why"] = builder.question_create(
        actor=None,
        section=s2,
        kind=QuestionKind.SHORT_TEXT,
        text="Vì sao đồng chí chưa được nghiên cứu dự thảo?",
        condition_choice=q["studied"].choices.get(value=2),
    )
    q["prepared"] = builder.question_create(
        actor=None,
        section=s2,
        kind=QuestionKind.LIKERT,
        text="Công tác chuẩn bị Đại hội được tiến hành chu đáo, đúng hướng dẫn của cấp trên",
        required=True,
    )
    q["grid"] = builder.question_create(
        actor=None,
        section=s2,
        kind=QuestionKind.GRID,
        text="Mức độ đồng tình của đồng chí với các nội dung của dự thảo Báo cáo chính trị",
        rows_text="\n".join(GRID_ROWS),
        choices_text="\n".join(GRID_SCALE),
        required=True,
    )
    q["channels"] = builder.question_create(
        actor=None,
        section=s2,
        kind=QuestionKind.MULTI,
        text="Đồng chí nhận thông tin về Đại hội qua những kênh nào?",
        choices_text="\n".join(CHANNELS),
        allow_other=True,
    )
    q["priority"] = builder.question_create(
        actor=None,
        section=s3,
        kind=QuestionKind.SINGLE,
        text="Theo đồng chí, lĩnh vực nào cần ưu tiên nhất trong nhiệm kỳ 2020 – 2025?",
        choices_text="\n".join(PRIORITIES),
        required=True,
    )
    q["idea"] = builder.question_create(
        actor=None,
        section=s3,
        kind=QuestionKind.LONG_TEXT,
        text="Ý kiến, kiến nghị của đồng chí đối với Đại hội",
    )
    return q


def _pick(rng, question, weights):
    values = [c.value for c in question.choice_list]
    value = rng.choices(values, weights=weights[: len(values)])[0]
    return question.choice_by_value[value].pk


def _form(rng, structure, q) -> dict:
    by = {key: structure.by_id[question.pk] for key, question in q.items()}
    data = {
        str(by["years"].pk): str(rng.randrange(2, 40)),
        str(by["level"].pk): _pick(rng, by["level"], [1, 4, 6, 3]),
        str(by["studied"].pk): _pick(rng, by["studied"], [92, 8]),
        str(by["prepared"].pk): _pick(rng, by["prepared"], [1, 2, 8, 45, 44]),
        str(by["grid"].pk): {
            str(row.pk): _pick(rng, by["grid"], [40, 50, 8, 2]) for row in by["grid"].row_list
        },
        str(by["priority"].pk): _pick(rng, by["priority"], [25, 40, 15, 20]),
    }
    if data[str(by["studied"].pk)] == by["studied"].choice_by_value[2].pk:
        data[str(by["why"].pk)] = rng.choice(NOT_STUDIED)
    channels = by["channels"]
    picked = rng.sample([c for c in channels.choice_list if not c.is_other], rng.randrange(1, 4))
    if rng.random() < 0.05:
        other = next(c for c in channels.choice_list if c.is_other)
        picked.append(other)
        data[f"{channels.pk}_other"] = rng.choice(OTHER_CHANNELS)
    data[str(channels.pk)] = [c.pk for c in picked]
    if rng.random() < 0.3:
        data[str(by["idea"].pk)] = rng.choice(SUGGESTIONS)
    return data


def _answers(survey, q) -> None:
    """About 240 forms over three weeks; the codes of the last forms of some wards stay unused,
    and a dozen forms are typed from paper by the Board's staff."""
    rng = random.Random(SEED + 1)
    structure = load(survey)
    codes = list(Code.objects.filter(survey=survey).order_by("code").values_list("code", flat=True))
    rng.shuffle(codes)
    returned = codes[:241]
    for i, code in enumerate(returned):
        day = D(2020, 8, 27) + dt.timedelta(days=i * 19 // len(returned))
        responses.response_submit(
            code_text=code,
            data=_form(rng, structure, q),
            channel=Channel.PAPER if i % 20 == 7 else Channel.ONLINE,
            structure=structure,
            today=day,
        )
