"""Nothing internal reaches the public: a crawler starts at a site's home page, follows every link
that stays on the public site (posts, categories, pages of the list, programmes, the feed), and
every page it reaches is compared with what was marked public.

The world holds, next to what is published, everything that must stay inside, each carrying a
marker: a draft post, a post withdrawn, a programme not shown, an indicator not chosen of a shown
programme, a sub-unit's own value of a chosen indicator, the programme's tasks, a comment waiting,
a comment refused, every commenter's contact, a closed site's post, and another site's post; a
task group's unchosen subtask, its description, comments and reasons; a campaign's attendees,
presenters, places, notes and the target groups not chosen.
"""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.documents.builders import pdf_bytes
from tests.outreach.builders import campaign_world
from tests.plans.test_programmes import make_programme
from tests.surveys.builders import congress_survey
from tests.surveys.test_results import WARD, submit
from trienkhai.documents.files import file_attach
from trienkhai.documents.services import document_register
from trienkhai.outreach import classes
from trienkhai.plans import indicators, tasks
from trienkhai.plans.models import Direction, Precision
from trienkhai.public import comments, services

SECRET = "MẬT"  # every internal marker holds this word; no public text does


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "href" and value:
                self.found.append(value)


def crawl(client, start: str) -> dict[str, str]:
    """{path: body} of every page reachable from `start` without leaving it."""
    prefix = urlsplit(start).path
    seen: dict[str, str] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or not parts.path.startswith(prefix):
            continue
        response = client.get(path)
        assert response.status_code == 200, path
        if response.streaming:  # a file chosen for the public
            seen[path] = b"".join(response.streaming_content).decode("latin-1")
            continue
        body = response.content.decode()
        seen[path] = body
        if "<urlset" in body:  # the sitemap: every page it lists must be public too
            queue += re.findall(r"<loc>([^<]+)</loc>", body)
        if "html" in response["Content-Type"]:
            parser = Links()
            parser.feed(body)
            queue += [
                urljoin(path, href.split("#")[0]) for href in parser.found if href.split("#")[0]
            ]
    return seen


def test_every_public_page_shows_only_what_was_published(client, tree, admin_user, city_secretary):
    resolution = document_register(
        actor=None, owner_unit=tree.city, issuer_unit=tree.city, number_text="01-NQ/ThU",
        issued_on=dt.date(2020, 9, 1), summary="Nghị quyết Đại hội",
    )  # fmt: skip
    site = services.site_save(
        actor=city_secretary, unit=tree.city, slug="thanh-uy", title="Thành ủy Bến Tre",
        is_open=True,
    )  # fmt: skip
    # Published: posts in two categories (twelve of them, so the list has pages), one programme
    # with one chosen indicator, approved comments.
    for n in range(12):
        post = services.post_save(
            actor=admin_user, site=site, title=f"Tin công khai số {n}", body=f"Nội dung {n}.",
            author_name="Ban Tuyên giáo", category_names=["Tin hoạt động" if n % 2 else "Thông báo"],
        )  # fmt: skip
        post = services.post_publish(actor=admin_user, post=post)
    shown_programme = make_programme(tree.city, resolution, title="Chương trình công khai")
    chosen = indicators.indicator_create(
        actor=None, unit=tree.city, programme=shown_programme, name="Chỉ tiêu công khai",
        measure_unit="hộ", direction=Direction.AT_MOST, target_value=Decimal(10),
        target_date=dt.date(2030, 1, 1), target_precision=Precision.YEAR, by_subunits=True,
    )  # fmt: skip
    indicators.measurement_add(
        actor=None, indicator=chosen, unit=tree.ward, value=Decimal("987654"),
        measured_on=dt.date(2024, 6, 30), source=f"Nguồn {SECRET} của phường",
    )  # fmt: skip
    indicators.measurement_add(
        actor=None, indicator=chosen, unit=tree.sibling, value=Decimal("111"),
        measured_on=dt.date(2024, 6, 30),
    )  # fmt: skip
    shown = services.programme_publish(
        actor=admin_user, site=site, programme=shown_programme, summary="Giới thiệu công khai",
        indicator_ids=[chosen.pk],
    )  # fmt: skip
    published_post = post
    approved = comments.comment_submit(
        site=site, post=published_post, name="Người dân A", contact=f"{SECRET} 0912",
        body="Ý kiến đã duyệt", address="1",
    )  # fmt: skip
    comments.comment_approve(actor=admin_user, comment=approved)

    # Internal, each with the marker.
    services.post_save(
        actor=admin_user, site=site, title=f"Bản nháp {SECRET}", body=f"Nháp {SECRET}",
        author_name="VP",
    )  # fmt: skip
    withdrawn = services.post_save(
        actor=admin_user, site=site, title=f"Tin đã gỡ {SECRET}", body="x", author_name="VP"
    )
    services.post_withdraw(
        actor=admin_user, post=services.post_publish(actor=admin_user, post=withdrawn)
    )
    make_programme(tree.city, resolution, title=f"Chương trình {SECRET}")
    indicators.indicator_create(
        actor=None, unit=tree.city, programme=shown_programme, name=f"Chỉ tiêu {SECRET}",
        measure_unit="vụ", direction=Direction.AT_MOST, target_value=Decimal(1),
        target_date=dt.date(2030, 1, 1), target_precision=Precision.YEAR,
    )  # fmt: skip
    tasks.task_create(
        actor=None, title=f"Nhiệm vụ {SECRET}", assigned_by=tree.city, lead_unit=tree.ward,
        programme=shown_programme,
    )  # fmt: skip
    waiting = comments.comment_submit(
        site=site,
        post=published_post,
        name=f"Người {SECRET} chờ",
        body=f"Chờ {SECRET}",
        address="2",
    )
    refused = comments.comment_submit(
        site=site, publication=shown, name="B", body=f"Bị từ chối {SECRET}", address="3"
    )
    comments.comment_reject(actor=admin_user, comment=refused, reason=f"Lý do {SECRET}")
    assert waiting.status == "pending"
    closed = services.site_save(actor=city_secretary, unit=tree.ward, slug="an-hoi", title="An Hội")
    services.post_publish(
        actor=admin_user,
        post=services.post_save(
            actor=admin_user, site=closed, title=f"Tin trang đóng {SECRET}", body="x", author_name="VP"
        ),
    )  # fmt: skip

    # A document shown with one of its files; an issued document not shown; a survey's results
    # shown without its written answers.
    plan = document_register(
        actor=None, owner_unit=tree.city, issuer_unit=tree.city, number_text="07-KH/ThU",
        issued_on=dt.date(2020, 8, 7), summary="Kế hoạch công khai",
    )  # fmt: skip
    shown_file = file_attach(
        actor=None,
        document=plan,
        uploaded=SimpleUploadedFile("ke-hoach.pdf", pdf_bytes("Ke hoach")),
    )
    file_attach(
        actor=None, document=plan, uploaded=SimpleUploadedFile("noi-bo.pdf", pdf_bytes("Noi bo"))
    )
    services.document_publish(actor=admin_user, site=site, document=plan, file_ids=[shown_file.pk])
    document_register(
        actor=None, owner_unit=tree.city, issuer_unit=tree.city, number_text="09-KH/ThU",
        issued_on=dt.date(2020, 9, 9), summary=f"Văn bản {SECRET}",
    )  # fmt: skip
    w = congress_survey(tree)
    submit(w, WARD)
    services.survey_publish(
        actor=admin_user, site=site, survey=w.survey, summary="Kết quả khảo sát",
        question_ids=[w.q_aware.pk],
    )  # fmt: skip

    # A group of tasks with one subtask chosen; a dissemination campaign with one target group
    # chosen, whose classes have a named attendee, a presenter, a place and a note.
    head = tasks.task_create(
        actor=None, title="Nhóm nhiệm vụ công khai", assigned_by=tree.city, lead_unit=tree.city,
        description=f"Nội dung {SECRET}",
    )  # fmt: skip
    chosen_task = tasks.task_create(
        actor=None, title="Nhiệm vụ con công khai", assigned_by=tree.city, lead_unit=tree.ward,
        parent=head, deadline=dt.date(2030, 1, 1),
    )  # fmt: skip
    tasks.task_create(
        actor=None, title=f"Nhiệm vụ con {SECRET}", assigned_by=tree.city, lead_unit=tree.cell,
        parent=head,
    )  # fmt: skip
    tasks.task_comment(actor=None, task=chosen_task, text=f"Trao đổi {SECRET}")
    tasks.task_report_progress(
        actor=None, task=chosen_task, revision=chosen_task.revision, status="postponed",
        reason=f"Lý do {SECRET}", new_deadline=dt.date(2031, 1, 1),
    )  # fmt: skip
    services.task_group_publish(
        actor=admin_user, site=site, task=head, summary="Giới thiệu nhóm nhiệm vụ",
        task_ids=[chosen_task.pk],
    )  # fmt: skip
    c = campaign_world(tree, documents=False)
    classes.class_update(
        actor=None, session=c.sibling_class, place=f"Hội trường {SECRET}",
        presenters=f"Báo cáo viên {SECRET}", notes=f"Ghi chú {SECRET}",
    )  # fmt: skip
    classes.attendee_add(
        actor=None, session=c.cell_class, full_name=f"Người học {SECRET}", target_group=c.members
    )
    services.campaign_publish(
        actor=admin_user, site=site, campaign=c.campaign, summary="Giới thiệu đợt quán triệt",
        group_ids=[c.members.pk],
    )  # fmt: skip

    home = reverse("public_site:home", args=[site.slug])
    pages = crawl(client, home)
    # The site's search, for a word of every internal marker and of the public texts.
    for q in ("mat", "cong khai", "nhiem vu", "quan triet"):
        pages.update(crawl(client, f"{home}?q={q.replace(' ', '+')}"))

    leaks = {path: re.findall(rf".{{0,40}}{SECRET}.{{0,40}}", body) for path, body in pages.items()}
    assert {path: found for path, found in leaks.items() if found} == {}
    # The chosen indicator shows its total (987,654 + 111), never a sub-unit's own figure.
    flat = "".join(pages.values()).replace(".", "")
    assert "987765 hộ" in flat and "987654" not in flat
    everything = "".join(pages.values())
    for public_text in ("Tin công khai số 0", "Tin công khai số 11", "Chương trình công khai",
                        "Chỉ tiêu công khai", "Ý kiến đã duyệt", "Người dân A"):  # fmt: skip
        assert public_text in everything
    assert any(path.startswith("/p/thanh-uy/tin/") for path in pages)
    assert any("chuyen-muc=" in path for path in pages) and any("page=2" in path for path in pages)
    assert reverse("public_site:feed", args=[site.slug]) in pages
    assert reverse("public_site:sitemap", args=[site.slug]) in pages
    assert "Kế hoạch công khai" in everything and "noi-bo.pdf" not in everything
    assert any(path.endswith(f"/tep/{shown_file.pk}/") for path in pages)
    assert "Cần chọn người có đức, có tài" not in everything  # a written answer
    for public_text in ("Nhiệm vụ con công khai", "Giới thiệu nhóm nhiệm vụ",
                        "Giới thiệu đợt quán triệt", "70/80 (87%)"):  # fmt: skip
        assert public_text in everything
    assert "Cán bộ chủ chốt" not in everything  # the campaign's group not chosen
