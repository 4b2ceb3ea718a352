"""Who may do what with public sites. The public itself needs no rule: it sees what is published
on an open site and nothing else (selectors.py)."""

from trienkhai.org import rules as org_rules

from .models import PublicSite


def can_manage_site(user, unit) -> bool:
    """Open or close a unit's site, change its address and how comments are moderated: those who
    manage the unit."""
    return org_rules.can_manage_unit(user, unit)


def can_write(user, site: PublicSite) -> bool:
    """Write, publish and withdraw the site's posts, and see its drafts: the unit's editors."""
    return org_rules.can_edit_unit(user, site.unit)


def sites_for(user, queryset):
    """The sites whose posts the user may write."""
    q = org_rules.visible_q(user, org_rules.EDIT, "unit__path")
    return queryset if q is None else queryset.filter(q)
