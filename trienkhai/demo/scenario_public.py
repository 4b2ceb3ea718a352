"""The founding scenario's public site: what the City Committee of Bến Tre chose to show citizens.

Built through the public-site services (actor=None, the system). The news post is written for the
demo in our own words; its facts come from the scenario's article: the City Party Congress XII
(term 2020–2025), Plan 07-KH/ThU of 7-8-2020 with dissemination to finish in September 2020
(11 classes for the city's cadres, Party members and the education sector; at the 14 communes and
wards the Party secretary leads it and reports to the Standing Board), the 51 grassroots
organisations issuing their working rules, action programmes and implementation plans, and the
four action programmes. The site, its address and the introductions written for citizens are
assumed for the demo. Each of the four programmes is shown with all of its indicators. The
citizens' comments, and their names, are made up: three approved (one with the unit's reply),
one waiting for review, one refused as advertising. The dissemination is shown as the task group
of the Standing Board (every subtask) and as the campaign (every target group).
"""

import datetime as dt

from django.db import transaction

from trienkhai.org.models import Unit
from trienkhai.plans.models import Programme
from trienkhai.public import services
from trienkhai.public.models import PublicSite

from .scenario_org import KEY_CITY_PARTY

SLUG = "thanh-uy-ben-tre"
POST_DAY = dt.date(2020, 8, 10)
TITLE = "Thành ủy Bến Tre triển khai Kế hoạch 07-KH/ThU thực hiện Nghị quyết Đại hội XII"
SUMMARY = (
    "Việc học tập, quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII phải xong trong "
    "tháng 9-2020; 51 tổ chức cơ sở đảng cụ thể hóa bằng quy chế, chương trình và kế hoạch của mình."
)
BODY = """Ngày 7-8-2020, Ban Thường vụ Thành ủy Bến Tre ban hành Kế hoạch 07-KH/ThU về việc học tập, quán triệt và triển khai thực hiện Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XII, nhiệm kỳ 2020–2025.

Theo kế hoạch, thành phố mở 11 lớp cho cán bộ chủ chốt, đảng viên và ngành giáo dục, hoàn thành trong tháng 9-2020. Tại 14 xã, phường, đồng chí bí thư đảng ủy trực tiếp chỉ đạo việc học tập và báo cáo kết quả về Ban Thường vụ Thành ủy.

Các tổ chức cơ sở đảng trực thuộc ban hành quy chế làm việc của cấp ủy nhiệm kỳ mới, chương trình hành động và kế hoạch thực hiện nghị quyết, gắn với chương trình công tác hằng quý.

Thành ủy đồng thời ban hành bốn chương trình hành động: phát triển thương mại, dịch vụ; xây dựng thành phố đạt tiêu chí đô thị loại I; xây dựng đội ngũ cán bộ đáp ứng yêu cầu phát triển đô thị; và công tác dân vận, tạo sự đồng thuận của nhân dân đối với các công trình, dự án của thành phố. Tiến độ các chỉ tiêu của từng chương trình được công bố trên trang này."""


def is_loaded() -> bool:
    return PublicSite.objects.filter(slug=SLUG).exists()


@transaction.atomic
def load_public_scenario() -> bool:
    """The city's site, its news post and the four programmes; False when already there or
    when the plans part of the scenario is missing."""
    city = Unit.objects.filter(source_key=KEY_CITY_PARTY).first()
    shown = list(Programme.objects.filter(owner_unit=city).order_by("title")) if city else []
    if is_loaded() or not shown:
        return False
    site = services.site_save(
        actor=None,
        unit=city,
        slug=SLUG,
        title="Thành ủy Bến Tre",
        intro=(
            "Thông tin về việc thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII, "
            "nhiệm kỳ 2020–2025: các chương trình hành động, chỉ tiêu và tin hoạt động."
        ),
        is_open=True,
    )
    post = services.post_save(
        actor=None,
        site=site,
        title=TITLE,
        summary=SUMMARY,
        body=BODY,
        author_name="Ban Tuyên giáo Thành ủy",
        category_names=["Tin hoạt động", "Nghị quyết Đại hội"],
    )
    post = services.post_publish(actor=None, post=post, published_on=POST_DAY)
    publications = []
    for programme in shown:
        publications.append(
            services.programme_publish(
                actor=None,
                site=site,
                programme=programme,
                summary=programme.description
                or f"Chương trình hành động của Thành ủy giai đoạn {programme.start_year}–"
                f"{programme.end_year}.",
                indicator_ids=list(programme.indicators.values_list("pk", flat=True)),
            )
        )
    _comments(site, post, publications)
    _dissemination(site, city)
    return True


def _dissemination(site, city) -> None:
    """The dissemination of 07-KH/ThU shown to citizens twice: the task of the Standing Board
    with the work of the 11 classes and of the 14 communes and wards, and the campaign with the
    people it reached (of each target group, by ward)."""
    from trienkhai.outreach.models import Campaign
    from trienkhai.plans.models import Task

    from .scenario_outreach import CAMPAIGN_TITLE

    task = Task.objects.filter(
        assigned_by=city, parent__isnull=True, subtasks__isnull=False, title__startswith=TASK_GROUP
    ).first()
    if task is not None:
        services.task_group_publish(
            actor=None,
            site=site,
            task=task,
            summary=TASK_GROUP_SUMMARY,
            task_ids=list(task.subtasks.values_list("pk", flat=True)),
        )
    campaign = Campaign.objects.filter(owner_unit=city, title=CAMPAIGN_TITLE).first()
    if campaign is not None:
        services.campaign_publish(
            actor=None,
            site=site,
            campaign=campaign,
            summary=CAMPAIGN_SUMMARY,
            group_ids=list(services.campaign_groups(campaign).values_list("pk", flat=True)),
        )


TASK_GROUP = "Triển khai quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII"
TASK_GROUP_SUMMARY = (
    "Theo Kế hoạch 07-KH/ThU, Ban Tuyên giáo Thành ủy tổ chức các lớp cho cán bộ chủ chốt, "
    "đảng viên và ngành giáo dục của thành phố; ở mỗi xã, phường, bí thư đảng ủy chỉ đạo việc "
    "học tập và báo cáo kết quả về Ban Thường vụ Thành ủy. Thời hạn: tháng 9-2020."
)
CAMPAIGN_SUMMARY = (
    "Cán bộ, đảng viên toàn thành phố học tập Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII. "
    "Bảng dưới đây cho biết, theo từng đơn vị, số người đã học so với số người dự kiến."
)


# Comments written for the demo (the names are generated); how the unit moderated each.
COMMENTS = [
    ("post", "Trần Văn Hòa", "Đề nghị Thành ủy công khai lịch học tập nghị quyết ở từng phường "
     "để người dân cùng theo dõi.", "approve",
     "Lịch các lớp đã được gửi về 14 xã, phường; các đảng ủy sẽ niêm yết tại trụ sở."),
    ("urban", "Lê Thị Mai", "Mong thành phố ưu tiên lắp thêm đèn đường ở các hẻm nhỏ khi nâng "
     "cấp đô thị.", "approve", ""),
    ("urban", "Phạm Minh Tuấn", "Hẻm nhà tôi chưa có đèn đường, tối đi lại rất khó.", "approve", ""),
    ("mobilisation", "Nguyễn Văn Bình", "Nên tổ chức đối thoại với người dân trước khi làm dự "
     "án bờ kè.", "pending", ""),
    ("post", "Khách", "Mua bán đất giá rẻ, liên hệ ngay!", "reject", "Quảng cáo"),
]  # fmt: skip


def _comments(site, post, publications) -> None:
    """A few comments, moderated: approved (one with the unit's reply), one waiting, one refused."""
    from trienkhai.public import comments

    by_kind = {
        "urban": next(p for p in publications if "đô thị loại I" in p.programme.title),
        "mobilisation": next(p for p in publications if "dân vận" in p.programme.title.lower()),
    }
    for n, (target, name, body, decision, extra) in enumerate(COMMENTS):
        comment = comments.comment_submit(
            site=site,
            post=post if target == "post" else None,
            publication=by_kind.get(target),
            name=name,
            body=body,
            address=f"demo-{n}",
        )
        if decision == "approve":
            comments.comment_approve(actor=None, comment=comment)
            if extra:
                comments.comment_reply(actor=None, comment=comment, reply=extra)
        elif decision == "reject":
            comments.comment_reject(actor=None, comment=comment, reason=extra)
