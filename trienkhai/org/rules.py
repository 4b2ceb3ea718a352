"""Who may do what in the organisation tree.

A user's access is a set of (unit path, role) pairs; a role on a unit reaches the whole subtree.
Ranks: viewer < editor < manager. Superusers are administrators and reach everything.
Other apps ask these functions; none of them re-implements the scope rules.
"""

from django.db.models import Q, QuerySet

from .models import Access, AccessRole, Person, Unit

RANK = {AccessRole.VIEWER: 1, AccessRole.EDITOR: 2, AccessRole.MANAGER: 3}
VIEW, EDIT, MANAGE = 1, 2, 3
_CACHE_ATTR = "_trienkhai_scopes"


def scopes(user) -> list[tuple[str, int]]:
    """(path, rank) pairs of the user's accesses, loaded once per request."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = Access.objects.filter(user=user).values_list("unit__path", "role")
        cached = [(path, RANK[role]) for path, role in rows]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_scopes(user) -> None:
    """Drop the cached scopes after the user's accesses changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def rank_on(user, unit: Unit) -> int:
    """The highest rank the user holds over `unit` (0 when none)."""
    if is_admin(user):
        return MANAGE
    return max((rank for path, rank in scopes(user) if unit.path.startswith(path)), default=0)


def can_view_unit(user, unit: Unit) -> bool:
    return rank_on(user, unit) >= VIEW


def can_edit_unit(user, unit: Unit) -> bool:
    """Edit the data of the unit: details, terms, people and positions."""
    return rank_on(user, unit) >= EDIT


def can_manage_unit(user, unit: Unit) -> bool:
    """Change the structure under the unit and grant access to it."""
    return rank_on(user, unit) >= MANAGE


def can_create_root(user) -> bool:
    return is_admin(user)


def can_reorganise(user, unit: Unit) -> bool:
    """Reorganising changes the unit's place: a manager of its parent's subtree decides it.

    A manager of the unit itself may rename it or reorganise below it, but not move, merge or
    dissolve the unit that defines their own scope.
    """
    parent = unit.parent_unit()
    if parent is None:
        return is_admin(user)
    return can_manage_unit(user, parent)


def can_rename(user, unit: Unit) -> bool:
    return can_manage_unit(user, unit)


def visible_q(user, min_rank: int = VIEW, field: str = "path") -> Q | None:
    """A filter for rows whose unit path lies in the user's scope; None means no limit."""
    if is_admin(user):
        return None
    paths = [path for path, rank in scopes(user) if rank >= min_rank]
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in _outermost(paths):
        q |= Q(**{f"{field}__startswith": path})
    return q


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths already covered by an ancestor path, so the filter stays short."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def filter_units(user, queryset: QuerySet[Unit], min_rank: int = VIEW) -> QuerySet[Unit]:
    q = visible_q(user, min_rank)
    return queryset if q is None else queryset.filter(q)


def filter_people(user, queryset: QuerySet[Person]) -> QuerySet[Person]:
    """People whose record is kept in the user's scope or who hold a position there."""
    if is_admin(user):
        return queryset
    home = visible_q(user, VIEW, "home_unit__path")
    held = visible_q(user, VIEW, "positions__unit__path")
    ids = Person.objects.filter(home | held).values("pk")
    return queryset.filter(pk__in=ids)


def can_view_person(user, person: Person) -> bool:
    return filter_people(user, Person.objects.filter(pk=person.pk)).exists()


def can_edit_person(user, person: Person) -> bool:
    return can_edit_unit(user, person.home_unit)


def can_add_person(user) -> bool:
    """A new person's record is kept by a unit the user may edit: they need one."""
    return filter_units(user, Unit.objects.all(), EDIT).exists()


def home_units(user) -> QuerySet[Unit]:
    """The units at the top of the user's scopes: where their tree starts."""
    if is_admin(user):
        return Unit.objects.get_root_nodes()
    paths = _outermost([path for path, _ in scopes(user)])
    return Unit.objects.filter(path__in=paths).order_by("path")
