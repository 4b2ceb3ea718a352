"""Units of the organisation tree, as the user may see them; a date gives the tree as it was."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from trienkhai.lib.text import fold
from trienkhai.org import rules
from trienkhai.org.models import Unit, UnitPeriod
from trienkhai.org.selectors import period_at

from .conventions import ApiView, is_id, query_date
from .errors import ApiError
from .serializers import UnitOut, parent_ids

UNIT_FILTERS = [
    OpenApiParameter("parent", int, description="only the children of this unit"),
    OpenApiParameter("q", str, description="name contains (with or without diacritics)"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="units that existed on that day"),
    OpenApiParameter("include_ended", bool, description="also units that have ended"),
]


class UnitList(mixins.ListModelMixin, ApiView):
    """The units you may see (your scopes and their subtrees)."""

    serializer_class = UnitOut

    def get_queryset(self):
        qs = rules.filter_units(self.request.user, Unit.objects.all())
        params = self.request.query_params
        parent = params.get("parent")
        if parent:
            if not is_id(parent):
                raise ApiError(400, "invalid", _("“parent” phải là mã số đơn vị."), "parent")
            node = get_object_or_404(qs, pk=int(parent))
            qs = qs.filter(path__startswith=node.path, depth=node.depth + 1)
        if params.get("q"):
            qs = qs.filter(name_folded__contains=fold(params["q"]))
        day = query_date(self.request.query_params, "as_of")
        if day is not None:
            qs = qs.filter(pk__in=UnitPeriod.objects.filter(period_at(day)).values("unit"))
        elif params.get("include_ended", "").lower() not in ("1", "true", "yes"):
            qs = qs.filter(ended_on__isnull=True)
        return qs

    @extend_schema(parameters=UNIT_FILTERS, operation_id="units_list")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = UnitOut(page, many=True, context={"parent_ids": parent_ids(page)}).data
        return self.get_paginated_response(data)


class UnitDetail(ApiView):
    serializer_class = UnitOut

    def get(self, request, pk: int):
        unit = get_object_or_404(rules.filter_units(request.user, Unit.objects.all()), pk=pk)
        return Response(UnitOut(unit).data)
