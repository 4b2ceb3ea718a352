"""Where the benchmark looks: target units, surveys and users, found by queries on the data.

The province and the city are those of `trienkhai bench generate`'s logins (BENCH_USERS) when
they are there; otherwise the provincial committee with the most units below it, and the
largest city or district committee (else the province's largest child). The national unit is
the root above the provinces, when the tree has one. Users: the generator's logins when they hold
exactly the access needed, otherwise users of this command's own (`bench_run_…`), made on first
use.
"""

from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from trienkhai.lib.text import fold
from trienkhai.org import services as org
from trienkhai.org.models import Access, AccessRole, Unit, UnitKind

CITY_KINDS = [UnitKind.CITY_PARTY_COMMITTEE, UnitKind.DISTRICT_PARTY_COMMITTEE]
OWN_PREFIX = "bench_run_"


class Targets:
    def size(self, unit: Unit) -> int:
        """Units in the subtree, the unit included."""
        return Unit.objects.filter(path__startswith=unit.path).count()

    def _largest(self, units) -> Unit | None:
        return max(units, key=lambda u: (self.size(u), -u.pk), default=None)

    def _generated_unit(self, role: str) -> Unit | None:
        """The unit of the generator's login for `role`, when it has exactly one access."""
        users = getattr(self._generator(), "BENCH_USERS", None) or {}
        name = users.get(role) if isinstance(users, dict) else None
        accesses = list(Access.objects.filter(user__username=name).select_related("unit")[:2])
        return accesses[0].unit if name and len(accesses) == 1 else None

    @cached_property
    def province(self) -> Unit | None:
        generated = self._generated_unit("province")
        if generated is not None:
            return generated
        provinces = Unit.objects.filter(
            kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE, ended_on__isnull=True
        )
        return self._largest(list(provinces))

    @cached_property
    def national(self) -> Unit | None:
        """The root holding the most provinces below it (a tree with a level above them)."""
        provinces = list(
            Unit.objects.filter(kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE).values_list(
                "path", flat=True
            )
        )
        best, most = None, 0
        for root in Unit.objects.get_root_nodes():
            held = sum(1 for path in provinces if path.startswith(root.path) and path != root.path)
            if held > most:
                best, most = root, held
        return best

    @cached_property
    def city(self) -> Unit | None:
        generated = self._generated_unit("city")
        if generated is not None:
            return generated
        cities = Unit.objects.filter(kind__in=CITY_KINDS, ended_on__isnull=True)
        if self.province is not None:
            inside = list(cities.filter(path__startswith=self.province.path))
            if inside:
                return self._largest(inside)
        if cities.exists():
            return self._largest(list(cities))
        if self.province is None:
            return None
        children = Unit.objects.filter(
            path__startswith=self.province.path,
            depth=self.province.depth + 1,
            ended_on__isnull=True,
        )
        return self._largest(list(children))

    # --- users ------------------------------------------------------------------------------
    def _generator(self):
        try:
            from trienkhai.bench import generate
        except ImportError:
            return None
        return generate

    def _generated(self) -> list[str]:
        users = getattr(self._generator(), "BENCH_USERS", None) or []
        names = users.values() if isinstance(users, dict) else users
        return [n if isinstance(n, str) else getattr(n, "username", str(n)) for n in names]

    def admin(self):
        User = get_user_model()
        for name in self._generated():
            user = User.objects.filter(username=name, is_superuser=True, is_active=True).first()
            if user is not None:
                return user
        user, _new = User.objects.get_or_create(
            username=f"{OWN_PREFIX}admin", defaults={"is_superuser": True, "is_staff": True}
        )
        return user

    def manager(self, role: str, unit: Unit):
        """A user whose only access is a manager's over `unit`: the page shows what they see."""
        User = get_user_model()
        candidates = User.objects.filter(username__in=self._generated(), is_superuser=False)
        for user in candidates.annotate(n=Count("accesses")).filter(n=1):
            if Access.objects.filter(user=user, unit=unit, role=AccessRole.MANAGER).exists():
                return user
        user, _new = User.objects.get_or_create(username=f"{OWN_PREFIX}{role}")
        # The command's own user: its access follows the target, so its scope is exactly it.
        Access.objects.filter(user=user).exclude(unit=unit).delete()
        if not Access.objects.filter(user=user, unit=unit, role=AccessRole.MANAGER).exists():
            org.access_grant(actor=None, user=user, unit=unit, role=AccessRole.MANAGER)
        return user

    # --- documents and surveys ----------------------------------------------------------------
    def search_words(self, unit: Unit) -> str:
        """Two words of the summary of the latest document kept in the subtree."""
        from trienkhai.documents.models import Document

        summary = (
            Document.objects.filter(owner_unit__path__startswith=unit.path)
            .exclude(summary="")
            .order_by("-issued_on", "-id")
            .values_list("summary", flat=True)
            .first()
        )
        words = [w for w in fold(summary or "").split() if len(w) > 2 and w.isalpha()]
        return " ".join(words[:2])

    def survey_with_most_forms(self):
        """(survey, forms) with the most forms counted, or (None, 0)."""
        from trienkhai.surveys.models import Survey, Tally

        row = (
            Tally.objects.filter(question_id=0, row_id=0, choice_id=0, group_id=0, unit_id=0)
            .filter(n__gt=0)
            .order_by("-n", "survey_id")
            .values_list("survey_id", "n")
            .first()
        )
        if row is None:
            return None, 0
        return Survey.objects.select_related("owner_unit").get(pk=row[0]), row[1]

    def open_survey(self):
        """The survey taking forms today with the most forms, having an allocation for codes."""
        from trienkhai.surveys.models import Survey, SurveyStatus, Tally
        from trienkhai.surveys.responses import survey_problem

        today = timezone.localdate()
        surveys = list(
            Survey.objects.filter(status=SurveyStatus.OPEN, allocations__isnull=False)
            .select_related("owner_unit")
            .distinct()
        )
        forms = dict(
            Tally.objects.filter(
                survey_id__in=[s.pk for s in surveys],
                question_id=0, row_id=0, choice_id=0, group_id=0, unit_id=0,
            ).values_list("survey_id", "n")
        )  # fmt: skip
        surveys.sort(key=lambda s: (-forms.get(s.pk, 0), s.pk))
        return next((s for s in surveys if survey_problem(s, today) is None), None)
