"""The respondent's pages: no login, a one-time code instead, no JavaScript.

Privacy of these pages, on top of the tables' anonymity (see models):
- nothing here logs, audits or notifies, and the session is never written: the code travels
  only in the address of the personal link (GET) and in the posted form;
- pages about a code answer 200 even when the code is wrong or spent, because Django logs every
  4xx answer with its path, and the path holds the code; they take HEAD as well as GET (chat
  apps probe a shared link) for the same reason; the forms post to an address without the code
  (`respond:save`), so a rejected post (CSRF, throttling) logs no code either;
- what every respondent sees alike is computed once per process and form revision: the form
  itself (`structure.current`) and a page's questions as long as nothing is typed on it; the
  code, the CSRF token and the answers are never in what is kept;
- answers carry `Referrer-Policy: strict-origin` (the stylesheet request would otherwise carry
  the personal link; "no-referrer" would make browsers post "Origin: null", which the CSRF check
  refuses) and are never cached.
"""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import answers, respond, throttle
from .models import Code
from .responses import AnswerErrors, CodeProblem, code_check, normalize_code, response_submit
from .structure import Structure
from .structure import current as current_structure

ENTER = "surveys/respond/enter.html"
PAGE = "surveys/respond/page.html"
QUESTIONS = "surveys/respond/_questions.html"
MESSAGE = "surveys/respond/message.html"
DONE = "surveys/respond/done.html"
SAVED_FLAG = "da-luu"


def _private(response: HttpResponse) -> HttpResponse:
    # "strict-origin": the stylesheet request carries only the site's address, never the path
    # with the code, while form posts keep the Origin header CSRF checks need ("no-referrer"
    # makes Chromium send "Origin: null", which Django refuses).
    response.headers["Referrer-Policy"] = "strict-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render(request, template, context=None, status=200) -> HttpResponse:
    return _private(render(request, template, context or {}, status=status))


def _throttled(request, minutes: int) -> HttpResponse:
    message = _("Đã nhập sai mã phiếu quá nhiều lần. Xin thử lại sau %(minutes)d phút.") % {
        "minutes": minutes
    }
    return _render(request, MESSAGE, {"message": message, "kind": "wait"}, status=429)


def _problem(request, problem: CodeProblem) -> HttpResponse:
    """A code that cannot be used now: counted when it does not exist, explained always."""
    if problem.reason == "invalid":
        throttle.failure_record(request)
    if problem.reason == "used":
        return _render(request, DONE, {"already": True})
    return _render(request, MESSAGE, {"message": problem.message, "kind": problem.reason})


def _today():
    return timezone.localdate()


def _page(
    request,
    code: Code,
    structure: Structure,
    data: dict,
    page_index: int,
    *,
    errors: dict[int, str] | None = None,
    notice: str = "",
) -> HttpResponse:
    pages = structure.pages()
    if not pages:
        return _render(
            request, MESSAGE, {"message": _("Phiếu khảo sát chưa có câu hỏi."), "kind": "empty"}
        )
    visible = respond.visible_pages(structure, data) or [page_index]
    page_index = page_index if page_index in visible else visible[0]
    position = visible.index(page_index)
    # Nothing typed and no error: the questions are the same for every respondent.
    blank_key = ("blank", page_index, get_language()) if not data and not errors else None
    questions = structure.rendered.get(blank_key) if blank_key else None
    page_errors = []
    if questions is None:
        items = respond.page_items(structure, data, page_index, errors)
        page_errors = [item for item in items if item.error]
        # No request: the questions use no context processor, and hold no token.
        questions = render_to_string(QUESTIONS, {"items": items})
        if blank_key:
            structure.rendered[blank_key] = questions
    context = {
        "survey": structure.survey,
        "section": pages[page_index],
        "questions": questions,
        "page_errors": page_errors,
        "code": code.code,
        "page_index": page_index,
        "page_number": position + 1,
        "page_count": len(visible),
        "is_first": position == 0,
        "is_last": position == len(visible) - 1,
        "notice": notice,
    }
    return _render(request, PAGE, context)


# --- pages ------------------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enter(request):
    """Type the code printed on a paper form."""
    minutes = throttle.blocked_minutes(request)
    if minutes:
        return _throttled(request, minutes)
    typed, error = "", ""
    if request.method == "POST":
        typed = request.POST.get("code", "")[:60].replace("\x00", "")
        if not normalize_code(typed):
            error = _("Xin nhập mã phiếu in trên phiếu khảo sát.")
        else:
            try:
                code = code_check(typed, _today())
            except CodeProblem as problem:
                if problem.reason == "invalid":
                    throttle.failure_record(request)
                    minutes = throttle.blocked_minutes(request)
                    if minutes:
                        return _throttled(request, minutes)
                error = problem.message
            else:
                return _private(redirect("respond:form", code=code.code))
    return _render(request, ENTER, {"typed": typed, "error": error})


@never_cache
@require_safe
def form(request, code):
    """The page the respondent is on (the first one, or where they left off)."""
    if throttle.blocked_minutes(request):
        # The 429 page is shown at an address without the code.
        return _private(redirect("respond:enter"))
    try:
        checked = code_check(code, _today(), with_draft=True)
    except CodeProblem as problem:
        return _problem(request, problem)
    structure = current_structure(checked.survey)
    page_index, data = respond.draft_load(checked)
    page_index = respond.settle_page(structure, data, page_index)
    notice = ""
    if SAVED_FLAG in request.GET:
        notice = _(
            "Đã lưu các câu trả lời. Có thể đóng trang này và trả lời tiếp sau: mở lại đường "
            "dẫn này, hoặc nhập lại mã phiếu."
        )
    return _page(request, checked, structure, data, page_index, notice=notice)


@never_cache
@require_POST
def save(request):
    """The answers of one page: keep them, then go back, forward, or send the form."""
    minutes = throttle.blocked_minutes(request)
    if minutes:
        return _throttled(request, minutes)
    try:
        code = code_check(request.POST.get("code", ""), _today(), with_draft=True)
    except CodeProblem as problem:
        return _problem(request, problem)
    structure = current_structure(code.survey)
    pages = structure.pages()
    _page_saved, data = respond.draft_load(code)
    try:
        current = int(request.POST.get("page", "0"))
    except ValueError:
        current = 0
    if not 0 <= current < len(pages):
        return _page(request, code, structure, data, respond.settle_page(structure, data, 0))
    data = respond.merge_page(structure, data, request.POST, current)
    action = request.POST.get("action", "next")
    here = respond.settle_page(structure, data, current)
    if action == "back":
        return _move(request, code, data, respond.step(structure, data, here, -1))
    if action == "save":
        return _move(request, code, data, here, saved=True)
    page_ids = {q.pk for q in pages[here].question_list}
    errors = answers.validate(structure, data, page_ids)
    if errors:
        if not respond.draft_save(code, here, data):
            return _render(request, DONE, {"already": True})
        return _page(request, code, structure, data, here, errors=errors)
    following = respond.step(structure, data, here, +1)
    if action != "send" or following != here:
        return _move(request, code, data, following)
    try:
        response_submit(
            code_text=code.code, data=data, structure=structure, today=_today(), checked=code
        )
    except CodeProblem as problem:
        return _problem(request, problem)
    except AnswerErrors as failed:
        first = respond.errors_by_page(structure, failed.errors)
        target = respond.settle_page(structure, data, first[0] if first else here)
        if not respond.draft_save(code, target, data):
            return _render(request, DONE, {"already": True})
        notice = _("Còn câu trả lời chưa hợp lệ ở trang này; xin xem lại trước khi gửi phiếu.")
        return _page(request, code, structure, data, target, errors=failed.errors, notice=notice)
    return _private(redirect("respond:done"))


def _move(request, code: Code, data: dict, page_index: int, *, saved=False) -> HttpResponse:
    """Keep the answers and show page `page_index` by a redirect, so reloading sends nothing."""
    if not respond.draft_save(code, page_index, data):
        return _render(request, DONE, {"already": True})
    url = reverse("respond:form", kwargs={"code": code.code})
    if saved:
        url += f"?{SAVED_FLAG}=1"
    return _private(redirect(url))


@never_cache
@require_safe
def done(request):
    """Thanks, and nothing else: no title, no code, no answer."""
    return _render(request, DONE, {"already": False})
