"""Reads of the register: finding documents, and a document's web of relations."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from trienkhai.lib.text import fold
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Person, Position, Unit

from . import numbering, rules
from .models import (
    DRAFT_STATES,
    INVERSE_LABELS,
    Document,
    DocumentRelation,
    RelationKind,
)

PAGE_SIZE = 50
# Counting every match of a common word among 200,000 documents costs more than the page itself;
# beyond this many the page says "more than" and asks for a narrower search.
COUNT_LIMIT = 5000
# Pseudo-statuses of the filter: every step of a draft, or every state of an issued document.
ALL_DRAFTS = "drafts"
IN_FORCE = "in_force"
# The columns a list of documents shows; `search_text` (the files' text) stays in the database.
LIST_FIELDS = [
    "id",
    "system",
    "doc_type",
    "number",
    "number_text",
    "issuer_code",
    "issuer_name",
    "issuer_unit_id",
    "owner_unit_id",
    "is_external",
    "signer_name",
    "signer_title",
    "issued_on",
    "summary",
    "status",
]


def text_q(query: str) -> Q | None:
    """Every word of the query, folded, must occur in the search text (number, summary, issuer,
    signer, files). A query that is a document number also finds it written another way
    ("7-kh/thu" finds 07-KH/ThU)."""
    words = fold(query.replace("\x00", "")).split()
    if not words:
        return None
    q = Q()
    for word in words:
        q &= Q(search_text__contains=word)
    try:
        parsed = numbering.parse(query)
    except numbering.NumberError:
        return q
    return q | Q(number_text=parsed.format())


def documents_matching(
    user,
    *,
    q: str = "",
    doc_type: str = "",
    issuer: Unit | int | None = None,
    year: int | None = None,
    status: str = "",
    system: str = "",
) -> QuerySet[Document]:
    """The documents `user` may see that pass the filters, newest issue date first (drafts,
    which have none yet, come first)."""
    qs = rules.filter_documents(user, Document.objects.all())
    if q:
        found = text_q(q)
        if found is not None:
            qs = qs.filter(found)
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if issuer is not None:
        unit = issuer if isinstance(issuer, Unit) else Unit.objects.filter(pk=issuer).first()
        qs = qs.filter(issuer_unit__path__startswith=unit.path) if unit else qs.none()
    if year:
        qs = qs.filter(issued_on__year=year)
    if status == ALL_DRAFTS:
        qs = qs.filter(status__in=DRAFT_STATES)
    elif status == IN_FORCE:
        qs = qs.filter(status__in=["issued", "amended"])
    elif status:
        qs = qs.filter(status=status)
    if system:
        qs = qs.filter(system=system)
    return qs.only(*LIST_FIELDS).order_by(F("issued_on").desc(nulls_first=True), "-id")


def search_documents(
    user,
    *,
    q: str = "",
    doc_type: str = "",
    issuer: Unit | int | None = None,
    year: int | None = None,
    status: str = "",
    system: str = "",
    page: int | str | None = 1,
) -> Page:
    """One page of `documents_matching`."""
    qs = documents_matching(
        user, q=q, doc_type=doc_type, issuer=issuer, year=year, status=status, system=system
    )
    return CappedPaginator(qs, PAGE_SIZE).get_page(page)


class CappedPaginator(Paginator):
    """A paginator that counts at most `COUNT_LIMIT` rows (`count_capped` tells when it stopped).

    The count runs without ORDER BY, so PostgreSQL stops scanning at the limit instead of
    sorting every match first.
    """

    @cached_property
    def counted(self) -> int:
        return self.object_list.order_by()[: COUNT_LIMIT + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_LIMIT)

    @property
    def count_capped(self) -> bool:
        return self.counted > COUNT_LIMIT


def issuer_units(user) -> QuerySet[Unit]:
    """Units a user may filter the register by: their scope, and the units above it, whose
    issued documents they carry out."""
    if org_rules.is_admin(user):
        return Unit.objects.all()
    paths = [path for path, _rank in org_rules.scopes(user)]
    if not paths:
        return Unit.objects.none()
    q = Q(path__in=rules._ancestor_paths(paths))
    for path in org_rules._outermost(paths):
        q |= Q(path__startswith=path)
    return Unit.objects.filter(q)


def search_issuer_units(user, query: str, *, limit: int = 15) -> list[Unit]:
    words = fold(query).split()
    if not words:
        return []
    qs = issuer_units(user)
    for word in words:
        qs = qs.filter(name_folded__contains=word)
    return list(qs.order_by("ended_on", "depth", "name")[:limit])


def search_for_picker(user, query: str, *, exclude: int | None = None, limit: int = 15):
    """Documents to link to, found by number or words of the summary."""
    found = text_q(query)
    if found is None:
        return []
    qs = documents_matching(user).filter(found)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs[:limit])


# --- registers and signers ----------------------------------------------------------------------
def editable_units(user, *, include_ended: bool) -> QuerySet[Unit]:
    """Units whose register the user keeps: where they may enter issued documents (ended units
    included, for their old documents) or start drafts (only units that still exist)."""
    qs = Unit.objects.all() if include_ended else Unit.objects.filter(ended_on__isnull=True)
    return org_rules.filter_units(user, qs, org_rules.EDIT)


def single_editable_unit(user) -> Unit | None:
    """The one unit whose register a user keeps, when there is just one: where an external
    document goes when the user names no register (administrators keep them all: None)."""
    if org_rules.is_admin(user):
        return None
    paths = org_rules._outermost(
        [p for p, rank in org_rules.scopes(user) if rank >= org_rules.EDIT]
    )
    return Unit.objects.filter(path=paths[0]).first() if len(paths) == 1 else None


def signer_title(signer: Person | None, unit: Unit | None, day: dt.date | None) -> str:
    """The signer's position in the issuing unit on the issue date, to fill an empty title."""
    if signer is None or unit is None or day is None:
        return ""
    position = (
        Position.objects.filter(person=signer, unit=unit, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .order_by("-start_on")
        .first()
    )
    return position.display_title if position else ""


def signers_for(user, document: Document) -> QuerySet[Person]:
    """Who may be named as a draft's signer: those holding a position today in its issuer (or
    register) and below; failing anyone there, the people one may consult on it."""
    from . import consultation

    issuer = document.issuer_unit or document.owner_unit
    holders = consultation.current_positions(unit__path__startswith=issuer.path).values("person")
    people = Person.objects.filter(pk__in=holders)
    if not people.exists():
        people = consultation.people_to_consult(user, document)
    return people.order_by("name_folded", "id")


# --- the web of relations ----------------------------------------------------------------------
@dataclass
class Link:
    label: str  # how the relation reads from the document being shown
    document: Document
    relation: DocumentRelation


@dataclass
class ImplementationNode:
    document: Document
    children: list["ImplementationNode"] = field(default_factory=list)


@dataclass
class DocumentWeb:
    outgoing: list[Link]
    incoming: list[Link]
    implementation: list[ImplementationNode]
    implementation_count: int = 0
    implementation_units: int = 0
    truncated: bool = False


IMPLEMENTATION_DEPTH = 8
IMPLEMENTATION_LIMIT = 500


def _visible_ids(user, ids) -> set[int]:
    ids = set(ids)
    if not ids:
        return set()
    visible = rules.filter_documents(user, Document.objects.filter(pk__in=ids))
    return set(visible.values_list("pk", flat=True))


def document_web(document: Document, user) -> DocumentWeb:
    """What `document` stands in relation with, both ways, and the tree of what implements it
    (what implements that, and so on): how far it has been made concrete. Only what `user`
    may see."""
    out_rows = list(
        DocumentRelation.objects.filter(source=document)
        .select_related("target")
        .order_by("kind", "target__issued_on", "id")
    )
    in_rows = list(
        DocumentRelation.objects.filter(target=document)
        .select_related("source")
        .order_by("kind", "source__issued_on", "id")
    )
    visible = _visible_ids(user, [r.target_id for r in out_rows] + [r.source_id for r in in_rows])
    outgoing = [
        Link(RelationKind(r.kind).label, r.target, r) for r in out_rows if r.target_id in visible
    ]
    incoming = [
        Link(INVERSE_LABELS[RelationKind(r.kind)], r.source, r)
        for r in in_rows
        if r.source_id in visible and r.kind != RelationKind.IMPLEMENTS
    ]
    roots, count, units, truncated = _implementation_tree(document, user)
    return DocumentWeb(outgoing, incoming, roots, count, units, truncated)


def _implementation_tree(document: Document, user):
    """Breadth first down "implemented by", one query (and one visibility check) per level."""
    nodes = {document.pk: ImplementationNode(document)}
    frontier = [document.pk]
    count, truncated = 0, False
    units: set[int] = set()
    for _level in range(IMPLEMENTATION_DEPTH):
        if not frontier:
            break
        rows = list(
            DocumentRelation.objects.filter(target_id__in=frontier, kind=RelationKind.IMPLEMENTS)
            .select_related("source")
            .order_by(F("source__issued_on").asc(nulls_last=True), "source_id")
        )
        visible = _visible_ids(user, [r.source_id for r in rows])
        frontier = []
        for row in rows:
            if row.source_id not in visible or row.source_id in nodes:
                continue  # hidden, or already placed (a document implementing two levels)
            if count >= IMPLEMENTATION_LIMIT:
                truncated = True
                break
            node = ImplementationNode(row.source)
            nodes[row.source_id] = node
            nodes[row.target_id].children.append(node)
            frontier.append(row.source_id)
            count += 1
            units.add(row.source.issuer_unit_id or -row.source.owner_unit_id)
    else:
        truncated = truncated or bool(frontier)
    return nodes[document.pk].children, count, len(units), truncated
