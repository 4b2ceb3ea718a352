"""The founding scenario's drafts: the City Committee's rules and work programme, September 2020.

The article: drafts of the working rules of the Executive Committee, the Standing Committee and
the Standing Board for term XII, of the rules of work regime, and of the full-term work
programme were sent to the Standing Committee and Executive Committee members for comments; the
Office and the boards were compiling and revising them, to be signed and issued by 20-9-2020 at
the latest. Built here through the documents and consultation services, rounds recorded with
their 2020 dates (`at=`): the two sets of rules went through the synthesis table, a revised
version and signature on 18-9-2020; the work programme's synthesis is still in progress.

Generated for the demo: the texts of the drafts (a few articles each), who commented what, the
dates inside September 2020, and the numbers given at signing (the next free ones).
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from docx import Document as Docx

from trienkhai.documents import consultation, files, services
from trienkhai.documents.models import Document, Resolution
from trienkhai.org.models import PositionRole

from .scenario_org import KEY_CITY_PARTY, unit_by_key

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BTV_ROLES = [PositionRole.SECRETARY, PositionRole.DEPUTY_SECRETARY, PositionRole.STANDING_MEMBER]
BCH_ROLES = BTV_ROLES + [PositionRole.EXECUTIVE_MEMBER]

RULES = "Quy chế làm việc của Ban Chấp hành, Ban Thường vụ, Thường trực Thành ủy khóa XII, nhiệm kỳ 2020 - 2025"
REGIME = "Quy định chế độ làm việc của Ban Chấp hành, Ban Thường vụ, Thường trực Thành ủy và tổ chức đảng cơ sở trực thuộc Thành ủy"
PROGRAMME = "Chương trình làm việc toàn khóa của Ban Chấp hành Đảng bộ thành phố khóa XII, nhiệm kỳ 2020 - 2025"

ARTICLES = {
    RULES: [
        (
            "Điều 1. Phạm vi điều chỉnh",
            "Quy chế này quy định trách nhiệm, quyền hạn và chế độ làm việc của Ban Chấp hành, Ban Thường vụ, Thường trực Thành ủy.",
        ),
        (
            "Điều 5. Trách nhiệm của Ban Thường vụ",
            "Ban Thường vụ lãnh đạo, chỉ đạo thực hiện nghị quyết đại hội giữa hai kỳ họp Ban Chấp hành.",
        ),
        (
            "Điều 9. Chế độ họp",
            "Ban Thường vụ họp thường kỳ mỗi tháng một lần; Ban Chấp hành họp thường lệ ba tháng một lần.",
        ),
    ],
    REGIME: [
        (
            "Điều 2. Nguyên tắc làm việc",
            "Bảo đảm nguyên tắc tập trung dân chủ, tập thể lãnh đạo, cá nhân phụ trách.",
        ),
        (
            "Điều 6. Chế độ báo cáo",
            "Các tổ chức cơ sở đảng báo cáo định kỳ hằng tháng, quý, sáu tháng và năm về Thường trực Thành ủy.",
        ),
    ],
    PROGRAMME: [
        (
            "I. Năm 2020",
            "Ban hành các quy chế, chương trình hành động; triển khai quán triệt nghị quyết đại hội.",
        ),
        (
            "II. Năm 2021 - 2025",
            "Mỗi năm sơ kết, đánh giá việc thực hiện các chương trình hành động và chỉ tiêu nghị quyết.",
        ),
    ],
}

# (recipient index, section, text, day, hour) — a few members comment, one says he has none,
# one answers late, some never answer.
COMMENTS = {
    RULES: [
        (
            0,
            "Điều 5",
            "Đề nghị bổ sung trách nhiệm của Ban Thường vụ trong chỉ đạo xây dựng đô thị loại I.",
            3,
            9,
        ),
        (
            1,
            "Điều 9",
            "Đề nghị quy định rõ họp bất thường khi có yêu cầu của trên một phần ba số ủy viên.",
            4,
            15,
        ),
        (
            2,
            "",
            "Thống nhất với dự thảo; đề nghị rà soát lại thể thức theo Hướng dẫn 36-HD/VPTW.",
            7,
            10,
        ),
    ],
    REGIME: [
        (
            1,
            "Điều 6",
            "Đề nghị giảm chế độ báo cáo tháng đối với chi bộ có dưới 10 đảng viên.",
            5,
            14,
        ),
        (3, "Điều 2", "Đề nghị nêu rõ trách nhiệm người đứng đầu.", 11, 8),  # after the deadline
    ],
    PROGRAMME: [
        (
            0,
            "I. Năm 2020",
            "Đề nghị đưa việc xây dựng Nghị quyết chuyên đề “5 thông minh” vào chương trình tháng 12-2020.",
            3,
            10,
        ),
        (2, "II. Năm 2021 - 2025", "Đề nghị bổ sung sơ kết giữa nhiệm kỳ vào năm 2023.", 6, 16),
        (4, "", "Đề nghị phân công cụ thể đơn vị tham mưu cho từng nội dung.", 8, 9),
        (
            5,
            "II. Năm 2021 - 2025",
            "Đề nghị lồng ghép chương trình công tác quý, tháng, tuần của các tổ chức cơ sở đảng.",
            9,
            11,
        ),
    ],
}
RESPONSES = [
    (Resolution.ACCEPTED, ""),
    (
        Resolution.PARTLY,
        "Tiếp thu; nội dung họp bất thường quy định tại khoản 3 Điều 9, tỷ lệ theo Điều lệ Đảng.",
    ),
    (
        Resolution.EXPLAINED,
        "Dự thảo đã trình bày theo Hướng dẫn 36-HD/VPTW; Văn phòng rà soát lần cuối trước khi trình ký.",
    ),
]


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2020, 9, day, hour, 0, tzinfo=TZ)


def _docx(title: str, version: int, articles) -> SimpleUploadedFile:
    doc = Docx()
    doc.add_heading(f"DỰ THẢO {version}", level=2)
    doc.add_heading(title.upper(), level=1)
    for heading, text in articles:
        doc.add_paragraph(heading).runs[0].bold = True
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return SimpleUploadedFile(
        f"du-thao-v{version}.docx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def is_loaded() -> bool:
    return Document.objects.filter(summary=RULES).exists()


def _round(city, summary, doc_type, roles, *, sign: bool):
    draft = services.document_create_draft(
        actor=None, owner_unit=city, system="party", doc_type=doc_type, summary=summary
    )
    files.file_attach(
        actor=None,
        document=draft,
        uploaded=_docx(summary, 1, ARTICLES[summary]),
        version=draft.versions.get(number=1),
    )
    round_ = consultation.consultation_open(
        actor=None,
        document=draft,
        position_units=[city],
        position_roles=roles,
        deadline=at(10, 17),
        message="Đề nghị các đồng chí cho ý kiến vào dự thảo, gửi về Văn phòng Thành ủy.",
        at=at(1, 8),
    )
    recipients = list(round_.recipients.order_by("id"))
    comments = []
    for index, section, text, day, hour in COMMENTS[summary]:
        comments.append(
            consultation.comment_submit(
                actor=None,
                consultation=round_,
                text=text,
                section=section,
                on_behalf_of=recipients[index],
                at=at(day, hour),
            )
        )
    consultation.comment_none(
        actor=None, consultation=round_, on_behalf_of=recipients[-1], at=at(9, 8)
    )
    consultation.consultation_close(actor=None, consultation=round_, at=at(12, 17))
    handled = comments if sign else comments[:2]
    for comment, (resolution, response) in zip(handled, RESPONSES * 2, strict=False):
        consultation.comment_resolve(
            actor=None, comment=comment, resolution=resolution, response=response
        )
    if not sign:
        return draft
    revised = [(h, t + " (đã tiếp thu ý kiến)") for h, t in ARTICLES[summary]]
    consultation.version_upload(
        actor=None,
        document=draft,
        uploaded=_docx(summary, 2, revised),
        note="Tiếp thu ý kiến thành viên Ban Thường vụ, Ban Chấp hành",
        answers=[c.pk for c in comments],
    )
    consultation.document_submit(actor=None, document=draft)
    secretary = city.positions.filter(role=PositionRole.SECRETARY).first()
    return consultation.document_issue(
        actor=None,
        document=draft,
        issued_on=dt.date(2020, 9, 18),
        signer=secretary.person if secretary else None,
        signer_title="T/M Ban Chấp hành, Bí thư",
    )


@transaction.atomic
def load_consultation_scenario() -> bool:
    """The three drafts of the article and their consultation; False if already there."""
    if is_loaded():
        return False
    city = unit_by_key(KEY_CITY_PARTY)
    _round(city, RULES, "QC", BTV_ROLES, sign=True)
    _round(city, REGIME, "QĐ", BTV_ROLES, sign=True)
    _round(city, PROGRAMME, "CTr", BCH_ROLES, sign=False)
    return True
