"""The compliance matrix (unit × required document), as the page computes it
(plans.compliance.build_matrix): counts over every row the user sees, rows page by page."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.plans import compliance

from .conventions import ApiView, is_id
from .errors import ApiError


def _counts(c: compliance.Counts) -> dict:
    return {
        "total": c.total,
        "done": c.done,
        "late": c.late,
        "missing": c.missing,
        "overdue": c.overdue,
        "by_successor": c.by_successor,
        "pct_complied": c.pct_complied,
    }


def _cell(cell) -> dict | None:
    if cell is None:
        return None
    doc = cell.document
    return {
        "state": cell.state,
        "document": {"id": doc.pk, "number": doc.number_text} if doc else None,
        "by_successor": cell.by_successor,
    }


class ComplianceMatrix(ApiView):
    """Which sub-units issued the documents they were required to issue, and which are late."""

    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("document", int, description="requirements implementing it"),
            OpenApiParameter("unit", int, description="requirements set by or applying under it"),
            OpenApiParameter("page", int, description="page of rows (200 units a page)"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params, user = request.query_params, request.user
        document = unit = None
        for name in ("document", "unit", "page"):
            if params.get(name) and not is_id(params[name]):
                raise ApiError(
                    400, "invalid", _("“%(name)s” phải là một số.") % {"name": name}, name
                )
        if params.get("document"):
            document = get_object_or_404(
                document_rules.filter_documents(user, Document.objects.all()),
                pk=int(params["document"]),
            )
        if params.get("unit"):
            unit = get_object_or_404(
                org_rules.filter_units(user, Unit.objects.all()), pk=int(params["unit"])
            )
        if document is None and unit is None:
            raise ApiError(
                400, "invalid", _("Hãy chọn văn bản (document) hoặc đơn vị (unit)."), "document"
            )
        requirements = list(compliance.requirements_for(user, document=document, unit=unit))
        matrix = compliance.build_matrix(user, requirements, page=params.get("page") or 1)
        page = matrix.page
        return Response(
            {
                "as_of": matrix.today,
                "requirements": [
                    {
                        "id": r.pk,
                        "title": r.title,
                        "doc_type": r.doc_type,
                        "due_on": r.due_on,
                        "set_by": {"id": r.set_by_id, "name": r.set_by.name},
                    }
                    for r in requirements
                ],
                "counts": [_counts(c) for c in matrix.counts],
                "total": _counts(matrix.total),
                "rows": [
                    {
                        "unit": {"id": row.unit.pk, "name": row.unit.name},
                        "cells": [_cell(c) for c in row.cells],
                    }
                    for row in matrix.rows
                ],
                "page": {"number": page.number, "pages": page.paginator.num_pages}
                if page
                else None,
            }
        )
