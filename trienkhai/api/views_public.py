"""Public sites through the API: a unit's sites, their posts (drafts too), what they show of the
product, and citizens' comments to moderate.

Thin, like the pages (public.views): a site the user may not even see is a 404, one they see but
may not write is a 403 (its settings need the right to manage the unit); every write goes
through public.services or public.comments, which check what the values mean and audit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.public import comments, rules, services
from trienkhai.public.models import Post, PublicComment, PublicSite

from .conventions import ApiView, etag_of, idempotent_create, revision_from, stale
from .errors import ApiError
from .serializers_public import (
    PublicationIn,
    PublicationOut,
    PublicCommentActionIn,
    PublicCommentOut,
    PublicPostIn,
    PublicPostOut,
    PublicPublishIn,
    PublicSiteIn,
    PublicSiteOut,
)


def _site(user, pk: int, *, manage: bool = False) -> PublicSite:
    """The site when the user may write its posts (or, with `manage`, change its settings)."""
    site = get_object_or_404(PublicSite.objects.select_related("unit"), pk=pk)
    if not org_rules.can_view_unit(user, site.unit):
        raise Http404
    if manage and not rules.can_manage_site(user, site.unit):
        raise ApiError(403, "forbidden", _("Bạn cần quyền quản lý đơn vị để đổi cài đặt trang."))
    if not rules.can_write(user, site):
        raise ApiError(403, "forbidden", _("Bạn không có quyền viết cho trang công khai này."))
    return site


def _check_revision(wanted: int, current: int) -> None:
    if wanted != current:
        raise stale()


# --- sites --------------------------------------------------------------------------------------
class SiteList(mixins.ListModelMixin, ApiView):
    """The public sites whose posts you write; POST opens a unit's site (its managers;
    Idempotency-Key honoured)."""

    serializer_class = PublicSiteOut

    def get_queryset(self):
        return rules.sites_for(self.request.user, PublicSite.objects.select_related("unit"))

    @extend_schema(operation_id="public_sites_list")
    def get(self, request):
        return self.list(request)

    @extend_schema(request=PublicSiteIn, responses={201: PublicSiteOut})
    def post(self, request):
        user = request.user
        incoming = PublicSiteIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("revision", None)
        unit = Unit.objects.filter(pk=data.pop("unit", None)).first()
        if unit is None or not org_rules.can_view_unit(user, unit):
            raise ApiError(400, "invalid", _("Hãy chọn một đơn vị bạn được xem."), "unit")
        if not rules.can_manage_site(user, unit):
            raise ApiError(
                403, "forbidden", _("Bạn cần quyền quản lý đơn vị để mở trang công khai.")
            )

        def create():
            site = services.site_save(actor=user, unit=unit, **data)
            return PublicSiteOut(site).data, reverse("api:public_site", args=[site.pk])

        return idempotent_create(request, "public_sites", create)


class SiteDetail(ApiView):
    """A site: its address, name, introduction, how comments are moderated, open or closed.
    PATCH changes them (those who manage the unit; If-Match or `revision`)."""

    serializer_class = PublicSiteOut

    def get(self, request, pk: int):
        site = _site(request.user, pk)
        return Response(PublicSiteOut(site).data, headers={"ETag": etag_of(site)})

    @extend_schema(request=PublicSiteIn(partial=True), responses={200: PublicSiteOut})
    def patch(self, request, pk: int):
        site = _site(request.user, pk, manage=True)
        wanted = revision_from(request, site)
        incoming = PublicSiteIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = {field: getattr(site, field) for field in services.SITE_FIELDS}
        data.update(incoming.validated_data)
        data.pop("revision", None)
        data.pop("unit", None)
        _check_revision(wanted, site.revision)
        site = services.site_save(
            actor=request.user, unit=site.unit, site=site, revision=wanted, **data
        )
        return Response(PublicSiteOut(site).data, headers={"ETag": etag_of(site)})


# --- posts --------------------------------------------------------------------------------------
def _post(user, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("site__unit"), pk=pk)
    _site(user, post.site_id)
    return post


class PostList(mixins.ListModelMixin, ApiView):
    """A site's posts, drafts included, newest first; POST writes a draft."""

    serializer_class = PublicPostOut

    def get_queryset(self):
        site = _site(self.request.user, self.kwargs["pk"])
        return site.posts.select_related("site").prefetch_related("categories")

    @extend_schema(operation_id="public_site_posts_list")
    def get(self, request, pk: int):
        return self.list(request)

    @extend_schema(request=PublicPostIn, responses={201: PublicPostOut})
    def post(self, request, pk: int):
        site = _site(request.user, pk)
        incoming = PublicPostIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("revision", None)
        names = data.pop("categories", [])

        def create():
            post = services.post_save(actor=request.user, site=site, category_names=names, **data)
            return PublicPostOut(post).data, reverse("api:public_post", args=[post.pk])

        return idempotent_create(request, f"public_site_posts:{site.pk}", create)


class PostDetail(ApiView):
    """A post; PATCH corrects it (a published post changes at once on the site)."""

    serializer_class = PublicPostOut

    def get(self, request, pk: int):
        post = _post(request.user, pk)
        return Response(PublicPostOut(post).data, headers={"ETag": etag_of(post)})

    @extend_schema(request=PublicPostIn(partial=True), responses={200: PublicPostOut})
    def patch(self, request, pk: int):
        post = _post(request.user, pk)
        wanted = revision_from(request, post)
        incoming = PublicPostIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = {f: getattr(post, f) for f in ("title", "summary", "body", "author_name")}
        data.update(incoming.validated_data)
        data.pop("revision", None)
        names = data.pop("categories", None)
        if names is None:
            names = list(post.categories.values_list("name", flat=True))
        _check_revision(wanted, post.revision)
        post = services.post_save(
            actor=request.user, site=post.site, post=post, revision=wanted,
            category_names=names, **data,
        )  # fmt: skip
        return Response(PublicPostOut(post).data, headers={"ETag": etag_of(post)})


class PostPublish(ApiView):
    """Show the post to the public, dated `published_on` (today when left out)."""

    serializer_class = PublicPostOut

    @extend_schema(request=PublicPublishIn, responses={200: PublicPostOut})
    def post(self, request, pk: int):
        post = _post(request.user, pk)
        incoming = PublicPublishIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        post = services.post_publish(
            actor=request.user, post=post, published_on=incoming.validated_data.get("published_on")
        )
        return Response(PublicPostOut(post).data, headers={"ETag": etag_of(post)})


class PostWithdraw(ApiView):
    """Take the post off the public site; it stays as a draft."""

    serializer_class = PublicPostOut

    @extend_schema(request=None, responses={200: PublicPostOut})
    def post(self, request, pk: int):
        post = services.post_withdraw(actor=request.user, post=_post(request.user, pk))
        return Response(PublicPostOut(post).data, headers={"ETag": etag_of(post)})


# --- what a site shows of the product -------------------------------------------------------------
def _title(thing) -> str:
    """How a thing shown is named: a document by its number, the others by their title."""
    return thing.number_text if hasattr(thing, "number_text") else thing.title


def _save(kind, **arguments):
    """`publication_save`, with a refused item reported on the API's field (`items`)."""
    try:
        return services.publication_save(kind=kind, **arguments)
    except ValidationError as error:
        if hasattr(error, "error_dict") and kind.field in error.error_dict:
            raise ApiError(400, "invalid", error.message_dict[kind.field][0], "items") from None
        raise


def _row(name: str, publication, site) -> dict:
    field = services.KINDS[name].field
    return {
        "kind": name, "id": publication.pk, "target": getattr(publication, f"{name}_id"),
        "title": _title(getattr(publication, name)), "summary": publication.summary,
        "items": sorted(item.pk for item in getattr(publication, field).all()),
        "address": reverse(f"public_site:{name}", args=[site.slug, publication.pk]),
        "revision": publication.revision,
    }  # fmt: skip


class PublicationList(ApiView):
    """What the site shows besides its news: programmes, survey results, documents, task groups
    and campaigns, each with the ids of the items chosen (indicators, questions, files,
    subtasks, target groups); POST shows one more (`kind`, `target`, `summary`, `items`)."""

    serializer_class = PublicationOut
    pagination_class = None

    @extend_schema(operation_id="public_site_publications_list")
    def get(self, request, pk: int):
        site = _site(request.user, pk)
        shown = []
        for name, kind in services.KINDS.items():
            chosen = kind.model.objects.filter(site=site).select_related(name)
            for publication in chosen.prefetch_related(kind.field):  # one query per kind
                shown.append(_row(name, publication, site))
        shown.sort(key=lambda row: (row["kind"], row["id"]))
        return Response(PublicationOut(shown, many=True).data)

    @extend_schema(request=PublicationIn, responses={201: PublicationOut})
    def post(self, request, pk: int):
        site = _site(request.user, pk)
        incoming = PublicationIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if "kind" not in data:
            raise ApiError(400, "invalid", _("Hãy cho biết loại nội dung công khai."), "kind")
        name = data["kind"]
        kind = services.KINDS[name]
        thing = kind.publishable(site).filter(pk=data.get("target") or 0).first()
        if thing is None:
            raise ApiError(400, "invalid", kind.outside % {"unit": site.unit.name}, "target")

        def create():
            publication = _save(
                kind, actor=request.user, site=site, thing=thing,
                summary=data["summary"], ids=data.get("items", []),
            )  # fmt: skip
            location = reverse("api:public_publication", args=[name, publication.pk])
            return _row(name, publication, site), location

        return idempotent_create(request, f"public_site_publications:{site.pk}", create)


def _publication(user, name: str, pk: int):
    kind = services.KINDS.get(name)
    if kind is None:
        raise Http404
    publication = get_object_or_404(kind.model.objects.select_related("site__unit", name), pk=pk)
    _site(user, publication.site_id)
    return kind, publication


class PublicationDetail(ApiView):
    """One thing the site shows; PATCH changes its introduction or the items chosen (If-Match
    or `revision`); DELETE takes it off the site (the thing itself is untouched)."""

    serializer_class = PublicationOut

    def get(self, request, kind: str, pk: int):
        _kind, publication = _publication(request.user, kind, pk)
        return Response(
            _row(kind, publication, publication.site), headers={"ETag": etag_of(publication)}
        )

    @extend_schema(request=PublicationIn(partial=True), responses={200: PublicationOut})
    def patch(self, request, kind: str, pk: int):
        found, publication = _publication(request.user, kind, pk)
        wanted = revision_from(request, publication)
        incoming = PublicationIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        items = data.get("items")
        if items is None:
            items = list(getattr(publication, found.field).values_list("pk", flat=True))
        _check_revision(wanted, publication.revision)
        publication = _save(
            found, actor=request.user, site=publication.site,
            thing=getattr(publication, kind), summary=data.get("summary", publication.summary),
            ids=items, publication=publication, revision=wanted,
        )  # fmt: skip
        return Response(
            _row(kind, publication, publication.site), headers={"ETag": etag_of(publication)}
        )

    @extend_schema(responses={204: None})
    def delete(self, request, kind: str, pk: int):
        found, publication = _publication(request.user, kind, pk)
        services.publication_withdraw(actor=request.user, kind=found, publication=publication)
        return Response(status=204)


# --- citizens' comments -------------------------------------------------------------------------
QUEUES = {
    "needs_review": {"needs_review": True},
    "published": {"status": PublicComment.Status.PUBLISHED},
    "pending": {"status": PublicComment.Status.PENDING},
    "rejected": {"status": PublicComment.Status.REJECTED},
}


def _comment(user, pk: int) -> PublicComment:
    comment = get_object_or_404(PublicComment.objects.select_related("site__unit"), pk=pk)
    _site(user, comment.site_id)
    return comment


class CommentList(mixins.ListModelMixin, ApiView):
    """The site's comments in one queue (`needs_review`, the default: new and reported ones;
    or `published`, `pending`, `rejected`), with the writer's contact, for the unit only."""

    serializer_class = PublicCommentOut

    def get_queryset(self):
        site = _site(self.request.user, self.kwargs["pk"])
        queue = self.request.query_params.get("queue") or "needs_review"
        if queue not in QUEUES:
            raise ApiError(
                400, "invalid",
                _("“queue” phải là một trong: %(values)s.") % {"values": ", ".join(QUEUES)},
                "queue",
            )  # fmt: skip
        return site.comments.filter(**QUEUES[queue])

    @extend_schema(
        operation_id="public_site_comments_list",
        parameters=[OpenApiParameter("queue", str, enum=list(QUEUES))],
    )
    def get(self, request, pk: int):
        return self.list(request)


ACTIONS = {
    "approve": lambda actor, comment, data: comments.comment_approve(actor=actor, comment=comment),
    "reject": lambda actor, comment, data: comments.comment_reject(
        actor=actor, comment=comment, reason=data.get("reason", "")
    ),
    "reply": lambda actor, comment, data: comments.comment_reply(
        actor=actor, comment=comment, reply=data.get("reply", "")
    ),
}


class CommentAct(ApiView):
    """Moderate a comment: `approve` (it shows), `reject` (with a `reason`), `reply` (the unit's
    answer shown under it; an empty one withdraws it)."""

    serializer_class = PublicCommentOut

    @extend_schema(request=PublicCommentActionIn, responses={200: PublicCommentOut})
    def post(self, request, pk: int, action: str):
        if action not in ACTIONS:
            raise Http404
        comment = _comment(request.user, pk)
        incoming = PublicCommentActionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            comment = ACTIONS[action](request.user, comment, incoming.validated_data)
        return Response(PublicCommentOut(comment).data)


class CommentDetail(ApiView):
    """A comment; DELETE erases it with its writer's details, when the writer asks."""

    serializer_class = PublicCommentOut

    def get(self, request, pk: int):
        return Response(PublicCommentOut(_comment(request.user, pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        comments.comment_erase(actor=request.user, comment=_comment(request.user, pk))
        return Response(status=204)
