"""Pages of the organisation tree. Thin: fetch what the user may see, call a service, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.lib.text import fold

from . import forms, rules, selectors, services
from .models import Access, Person, Position, ReorgEvent, Term, Unit, UnitKind


# --- helpers ------------------------------------------------------------------------------------
def _unit_for(user, pk: int, check=rules.can_view_unit) -> Unit:
    """The unit if the user passes `check`; 404 when they may not even see it, 403 otherwise."""
    unit = get_object_or_404(Unit, pk=pk)
    if not rules.can_view_unit(user, unit):
        raise Http404
    if not check(user, unit):
        raise PermissionDenied
    return unit


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (others on the form)."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            target = field if field in form.fields else None
            for err in errs:
                form.add_error(target, err)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _limit_units(form, user, *fields, min_rank=rules.VIEW):
    for name in fields:
        form.fields[name].queryset = rules.filter_units(user, Unit.objects.all(), min_rank)


def _query(request) -> str:
    """The typed search text; PostgreSQL refuses a NUL character in a query parameter."""
    return request.GET.get("q", "").replace("\x00", "").strip()


def _as_of(request) -> dt.date | None:
    form = forms.AsOfForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["as_of"]
    return None


# --- tree, search -------------------------------------------------------------------------------
@login_required
@require_GET
def home(request):
    """The tree browser: the user's top units, expandable; optionally as of a date."""
    as_of_form = forms.AsOfForm(request.GET or None)
    as_of = (
        as_of_form.cleaned_data["as_of"] if as_of_form.is_bound and as_of_form.is_valid() else None
    )
    include_ended = request.GET.get("ended") == "1"
    tops = list(rules.home_units(request.user))
    if as_of:
        nodes = _nodes_as_of(request.user, tops, as_of)
    else:
        # An administrator's roots hide ended trees unless asked; a user's own scope always shows.
        hide = rules.is_admin(request.user) and not include_ended
        links = _TreeLinks(include_ended=include_ended)
        nodes = [links.node(u) for u in tops if not (hide and u.ended_on)]
        for node in nodes:
            # A scope that ended (e.g. a district committee in 2025) points to who carries on.
            if node["unit"].ended_on:
                node["successors"] = [
                    (s, rules.can_view_unit(request.user, s))
                    for s in selectors.successors_now(node["unit"])
                ]
    return render(
        request,
        "org/home.html",
        {"nodes": nodes, "as_of": as_of, "as_of_form": as_of_form, "include_ended": include_ended},
    )


NODE_FIELDS = ("path", "depth", "numchild", "kind", "name", "ended_on")  # what a node shows
_PK_MARK = "918273645546372819"  # no URL of the site holds these digits but where a pk goes


class _TreeLinks:
    """Links, labels and kind names of tree nodes, each worked out once per page: a province
    opens on 168 children, and reversing URLs, translating and looking up choices per node in
    the template cost several times the query."""

    def __init__(self, as_of: dt.date | None = None, include_ended: bool = False):
        query = f"?as_of={as_of:%Y-%m-%d}" if as_of else "?ended=1" if include_ended else ""
        self.unit_url = self._pattern("org:unit")
        self.children_url = self._pattern("org:tree_children") + query
        self.kind_labels = {value: str(label) for value, label in UnitKind.choices}
        self.toggle_label = _("Mở, đóng các đơn vị trực thuộc %(name)s")
        self.as_of = as_of

    @staticmethod
    def _pattern(name: str) -> str:
        return reverse(name, args=[_PK_MARK])

    def node(self, unit: Unit, name: str | None = None, has_children: bool | None = None) -> dict:
        pk = str(unit.pk)  # a string: an int would go through number localisation
        name = name or unit.name
        return {
            "unit": unit,
            "name": name,
            "has_children": unit.numchild > 0 if has_children is None else has_children,
            "url": self.unit_url.replace(_PK_MARK, pk),
            "children_url": self.children_url.replace(_PK_MARK, pk),
            "toggle_label": self.toggle_label % {"name": name},
            "kind": self.kind_labels.get(unit.kind, unit.kind),
            "list_id": "c" + pk,
            "ended_on": None if self.as_of else unit.ended_on,
        }


def _nodes_as_of(user, tops, as_of):
    links = _TreeLinks(as_of)
    if rules.is_admin(user):
        return [
            links.node(p.unit, p.name, p.has_children)
            for p in selectors.children_as_of(None, as_of)
        ]
    nodes = []
    for unit in tops:
        period = selectors.period_of(unit, as_of)
        if period is not None:
            has = selectors.children_as_of(unit, as_of).exists()
            nodes.append(links.node(unit, period.name, has))
    return nodes


@login_required
@require_GET
def tree_children(request, pk):
    """htmx: the children of one node, current or as of a date. A fragment: rendered without
    the context processors of full pages (the header's unread count is a query of its own)."""
    unit = _unit_for(request.user, pk)
    as_of = _as_of(request)
    include_ended = request.GET.get("ended") == "1"
    links = _TreeLinks(as_of, include_ended)
    if as_of:
        nodes = [
            links.node(p.unit, p.name, p.has_children)
            for p in selectors.children_as_of(unit, as_of)
        ]
    else:
        children = selectors.children(unit, include_ended=include_ended).only(*NODE_FIELDS)
        nodes = [links.node(u) for u in children]
    return HttpResponse(render_to_string("org/partials/tree_children.html", {"nodes": nodes}))


@login_required
@require_GET
def search(request):
    query = _query(request)
    hits = selectors.search_units(request.user, query) if query else []
    people = selectors.search_people(request.user, query) if query else []
    return render(request, "org/search.html", {"query": query, "hits": hits, "people": people})


@login_required
@require_GET
def pick(request):
    """htmx: units matching the typed text, as inputs for the unit picker."""
    query = _query(request)
    field = request.GET.get("field", "unit")
    if not field.replace("_", "").isalnum():
        field = "unit"
    hits = selectors.search_units(request.user, query, limit=15) if len(query) >= 2 else []
    return render(
        request,
        "org/partials/pick_results.html",
        {
            "hits": hits,
            "field": field,
            "query": query,
            "input_type": "checkbox" if request.GET.get("multiple") == "1" else "radio",
        },
    )


# --- one unit -----------------------------------------------------------------------------------
@login_required
@require_GET
def unit_detail(request, pk):
    unit = _unit_for(request.user, pk)
    user = request.user
    chain = list(selectors.ancestors(unit))
    crumbs = [(u, rules.can_view_unit(user, u)) for u in chain]
    include_ended = request.GET.get("ended") == "1"
    context = {
        "unit": unit,
        "crumbs": crumbs,
        "children": selectors.children(unit, include_ended=include_ended),
        "include_ended": include_ended,
        "ended_children": selectors.children(unit, include_ended=True)
        .filter(ended_on__isnull=False)
        .count(),
        "current_positions": selectors.positions_of(unit, current=True),
        "past_positions": selectors.positions_of(unit, current=False),
        "terms": unit.terms.all(),
        "periods": selectors.unit_periods(unit),
        "events": selectors.unit_events(unit),
        "successors": selectors.successors_now(unit) if unit.ended_on else [],
        "predecessors": selectors.predecessors(unit),
        "audit": audit_entries_for(unit)[:30],
        "accesses": unit.accesses.select_related("user")
        if rules.can_manage_unit(user, unit)
        else [],
        "can_edit": rules.can_edit_unit(user, unit),
        "can_manage": rules.can_manage_unit(user, unit),
        "can_reorganise": rules.can_reorganise(user, unit) and unit.ended_on is None,
        "can_rename": rules.can_rename(user, unit) and unit.ended_on is None,
    }
    return render(request, "org/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    parent = None
    if parent_id:
        if not str(parent_id).isdecimal():  # isdigit() lets "²" through to int()
            raise Http404
        parent = _unit_for(request.user, int(parent_id), rules.can_manage_unit)
    elif not rules.can_create_root(request.user):
        raise PermissionDenied
    form = forms.UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã thêm đơn vị “%(name)s”.") % {"name": unit.name})
            return redirect("org:unit", unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = _unit_for(request.user, pk, rules.can_edit_unit)
    form = forms.UnitEditForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    _limit_units(form, request.user, "counterpart")
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            services.unit_update(actor=request.user, unit=unit, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("org:unit", unit.pk)
    return render(request, "org/unit_edit.html", {"form": form, "unit": unit})


REORG_FORMS = {
    "rename": (forms.RenameForm, rules.can_rename, pgettext_lazy("action", "Đổi tên")),
    "move": (forms.MoveForm, rules.can_reorganise, pgettext_lazy("action", "Chuyển trực thuộc")),
    "merge": (forms.MergeForm, rules.can_reorganise, pgettext_lazy("action", "Hợp nhất, sáp nhập")),
    "split": (forms.SplitForm, rules.can_reorganise, pgettext_lazy("action", "Chia tách")),
    "dissolve": (forms.DissolveForm, rules.can_reorganise, pgettext_lazy("action", "Giải thể")),
}


@login_required
@require_http_methods(["GET", "POST"])
def unit_reorganise(request, pk, kind):
    if kind not in REORG_FORMS:
        raise Http404
    form_class, check, title = REORG_FORMS[kind]
    unit = _unit_for(request.user, pk, check)
    initial = {"name": unit.name, "short_name": unit.short_name} if kind == "rename" else {}
    form = form_class(request.POST or None, initial=initial)
    picker_fields = [n for n in ("new_parent", "others", "into", "successors") if n in form.fields]
    _limit_units(form, request.user, *picker_fields, min_rank=rules.MANAGE)
    if request.method == "POST" and form.is_valid():
        try:
            message = _reorganise(request.user, unit, kind, form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("org:unit", unit.pk)
    return render(
        request,
        "org/unit_reorganise.html",
        {"form": form, "unit": unit, "kind": kind, "title": title},
    )


def _reorganise(user, unit: Unit, kind: str, data: dict) -> str:
    common = {
        "actor": user,
        "effective_on": data["effective_on"],
        "legal_basis": data["legal_basis"],
    }
    if kind == "rename":
        event = services.unit_rename(
            unit=unit, name=data["name"], short_name=data["short_name"], **common
        )
    elif kind == "move":
        event = services.unit_move(unit=unit, new_parent=data["new_parent"], **common)
    elif kind == "merge":
        sources = [unit] + [u for u in data["others"] if u.pk != unit.pk]
        # Each unit merged away ends, which is its parent's manager's decision, as for `unit`.
        refused = [u.name for u in sources if not rules.can_reorganise(user, u)]
        if refused:
            raise ValidationError(
                {
                    "others": _(
                        "Bạn không có quyền sắp xếp lại %(names)s: cần quyền quản lý đơn vị cấp trên."
                    )
                    % {"names": ", ".join(f"“{name}”" for name in refused)}
                }
            )
        if data["mode"] == forms.MergeForm.MODE_INTO:
            event, _target = services.unit_merge(sources=sources, into=data["into"], **common)
        else:
            event, _target = services.unit_merge(
                sources=sources,
                new_name=data["new_name"],
                new_short_name=data["new_short_name"],
                new_kind=data["new_kind"],
                new_parent=data["new_parent"],
                **common,
            )
    elif kind == "split":
        parts = [{"name": name} for name in data["parts"]]
        event, _parts = services.unit_split(
            source=unit, parts=parts, source_continues=data["source_continues"], **common
        )
    else:
        event = services.unit_dissolve(unit=unit, successors=data.get("successors") or [], **common)
    return _("Đã ghi nhận: %(event)s.") % {"event": event.summary}


@login_required
@require_GET
def events(request):
    """Reorganisation events that touched units in the user's scope."""
    qs = ReorgEvent.objects.all()
    q = rules.visible_q(request.user, rules.VIEW, "participants__unit__path")
    if q is not None:
        qs = qs.filter(q).distinct()
    kind = request.GET.get("kind", "")
    if kind in ReorgEvent.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(
        qs.order_by("-effective_on", "-id").prefetch_related("participants__unit"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request, "org/events.html", {"page": page, "kind": kind, "kinds": ReorgEvent.Kind.choices}
    )


# --- terms --------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def term_form(request, pk, term_id=None):
    unit = _unit_for(request.user, pk, rules.can_edit_unit)
    term = get_object_or_404(Term, pk=term_id, unit=unit) if term_id else None
    form = forms.TermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            services.term_save(actor=request.user, unit=unit, term=term, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nhiệm kỳ."))
            return redirect("org:unit", unit.pk)
    return render(request, "org/term_form.html", {"form": form, "unit": unit, "term": term})


# --- people and positions -----------------------------------------------------------------------
@login_required
@require_GET
def people(request):
    query = _query(request)
    qs = rules.filter_people(request.user, Person.objects.all()).select_related("home_unit")
    if query:
        for word in fold(query).split():
            qs = qs.filter(name_folded__contains=word)
    page = Paginator(qs.order_by("name_folded", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {"page": page, "query": query})


def _person_for(user, pk, edit=False) -> Person:
    person = get_object_or_404(Person.objects.select_related("home_unit", "user"), pk=pk)
    if not rules.can_view_person(user, person):
        raise Http404
    if edit and not rules.can_edit_person(user, person):
        raise PermissionDenied
    return person


@login_required
@require_GET
def person_detail(request, pk):
    person = _person_for(request.user, pk)
    positions = [
        (p, rules.can_view_unit(request.user, p.unit))
        for p in selectors.positions_of_person(person)
    ]
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "positions": positions,
            "can_edit": rules.can_edit_person(request.user, person),
            "audit": audit_entries_for(person)[:30],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_form(request, pk=None):
    person = _person_for(request.user, pk, edit=True) if pk else None
    initial = {}
    unit_id = request.GET.get("unit")
    if person is None and unit_id and unit_id.isdecimal():
        initial["home_unit"] = unit_id
    form = forms.PersonForm(request.POST or None, instance=person, initial=initial)
    _limit_units(form, request.user, "home_unit", min_rank=rules.EDIT)
    if person is None and not rules.can_add_person(request.user):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        data["user"] = form.cleaned_data["username"]
        try:
            person = services.person_save(actor=request.user, person=person, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Đã lưu hồ sơ cán bộ %(name)s.") % {"name": person.full_name}
            )
            nxt = request.POST.get("next", "")
            if nxt.startswith("/") and not nxt.startswith("//"):
                return redirect(nxt)
            return redirect("org:person", person.pk)
    return render(
        request,
        "org/person_form.html",
        {"form": form, "person": person, "next": request.GET.get("next", "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_form(request, pk, position_id=None):
    unit = _unit_for(request.user, pk, rules.can_edit_unit)
    position = get_object_or_404(Position, pk=position_id, unit=unit) if position_id else None
    people_qs = rules.filter_people(request.user, Person.objects.all()).order_by("full_name")
    form = forms.PositionForm(request.POST or None, instance=position, unit=unit, people=people_qs)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            services.position_save(actor=request.user, position=position, unit=unit, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu chức vụ."))
            return redirect("org:unit", unit.pk)
    new_person_url = (
        reverse("org:person_new")
        + f"?unit={unit.pk}&next={reverse('org:position_new', args=[unit.pk])}"
    )
    return render(
        request,
        "org/position_form.html",
        {"form": form, "unit": unit, "position": position, "new_person_url": new_person_url},
    )


# --- access -------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def unit_access(request, pk):
    unit = _unit_for(request.user, pk, rules.can_manage_unit)
    form = forms.AccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_grant(
                actor=request.user,
                user=form.cleaned_data["username"],
                unit=unit,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã phân quyền."))
            return redirect("org:access", unit.pk)
    accesses = (
        Access.objects.filter(Q(unit__path__startswith=unit.path))
        .select_related("user", "unit")
        .order_by("unit__path", "user__username")
    )
    return render(request, "org/access.html", {"unit": unit, "form": form, "accesses": accesses})


@login_required
@require_POST
def access_revoke(request, pk, access_id):
    unit = _unit_for(request.user, pk, rules.can_manage_unit)
    access = get_object_or_404(Access, pk=access_id, unit__path__startswith=unit.path)
    try:
        services.access_revoke(actor=request.user, access=access)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi quyền."))
    return redirect("org:access", unit.pk)
