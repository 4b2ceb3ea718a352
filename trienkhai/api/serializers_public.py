"""What the public-site endpoints read and return: sites, their posts, what they show of the
product, and citizens' comments with the writer's contact (for the unit only)."""

from rest_framework import serializers

from trienkhai.public.models import Post, PublicComment, PublicSite

from .serializers import UnitRef
from .serializers_outreach import Code


def moderation(**kwargs):
    return Code("PublicModerationEnum", PublicSite.Moderation.values, **kwargs)


class PublicSiteOut(serializers.ModelSerializer):
    unit = UnitRef(read_only=True)
    moderation = moderation(read_only=True)
    address = serializers.SerializerMethodField(help_text="the public address, /p/<slug>/")

    class Meta:
        model = PublicSite
        fields = [
            "id", "unit", "slug", "title", "intro", "moderation", "is_open", "address",
            "revision",
        ]  # fmt: skip

    def get_address(self, site) -> str:
        return f"/p/{site.slug}/"


class PublicSiteIn(serializers.Serializer):
    """A site to open (`unit` given) or the changes to one; the service checks what they mean."""

    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    slug = serializers.CharField(max_length=200, allow_blank=True)
    title = serializers.CharField(max_length=200, allow_blank=True)
    intro = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    moderation = moderation(required=False)
    is_open = serializers.BooleanField(required=False)
    revision = serializers.IntegerField(required=False)


def post_status(**kwargs):
    return Code("PublicPostStatusEnum", Post.Status.values, **kwargs)


class PublicPostOut(serializers.ModelSerializer):
    status = post_status(read_only=True)
    categories = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField(help_text="its public address once published")

    class Meta:
        model = Post
        fields = [
            "id", "site", "title", "slug", "summary", "body", "author_name", "categories",
            "status", "published_on", "address", "revision",
        ]  # fmt: skip

    def get_categories(self, post) -> list[str]:
        return sorted(c.name for c in post.categories.all())

    def get_address(self, post) -> str:
        return f"/p/{post.site.slug}/tin/{post.slug}/"


class PublicPostIn(serializers.Serializer):
    title = serializers.CharField(max_length=300, allow_blank=True)
    summary = serializers.CharField(max_length=500, allow_blank=True, required=False)
    body = serializers.CharField(max_length=100_000, allow_blank=True)
    author_name = serializers.CharField(max_length=200, allow_blank=True)
    categories = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=20, required=False
    )
    revision = serializers.IntegerField(required=False)


class PublicPublishIn(serializers.Serializer):
    published_on = serializers.DateField(required=False, help_text="today when left out")


def comment_status(**kwargs):
    return Code("PublicCommentStatusEnum", PublicComment.Status.values, **kwargs)


class PublicCommentOut(serializers.ModelSerializer):
    status = comment_status(read_only=True)
    on_post = serializers.IntegerField(source="post_id", read_only=True, allow_null=True)
    on_programme = serializers.IntegerField(source="programme_id", read_only=True, allow_null=True)

    class Meta:
        model = PublicComment
        fields = [
            "id", "name", "contact", "body", "status", "reason", "reply", "reports",
            "needs_review", "created_at", "on_post", "on_programme",
        ]  # fmt: skip


class PublicCommentActionIn(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True, required=False)
    reply = serializers.CharField(max_length=5000, allow_blank=True, required=False)


KIND_NAMES = ["programme", "survey", "document", "task", "campaign"]


class PublicationIn(serializers.Serializer):
    """What to show (`kind` and the `target`'s id, when creating), the introduction for the
    public and the ids of the items chosen (indicators, questions, files, subtasks, target
    groups); the service checks each is the target's own."""

    kind = Code("PublicationKindEnum", KIND_NAMES, required=False)
    target = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    summary = serializers.CharField(max_length=20_000, allow_blank=True)
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=5000,
        required=False,
    )
    revision = serializers.IntegerField(required=False)


class PublicationOut(serializers.Serializer):
    """One thing the site shows of the product: a programme, a survey's results, a document, a
    task group or a campaign, with the ids of the items chosen."""

    kind = Code("PublicationKindEnum", KIND_NAMES)
    id = serializers.IntegerField()
    target = serializers.IntegerField(help_text="the programme's, survey's… id")
    title = serializers.CharField()
    summary = serializers.CharField()
    items = serializers.ListField(child=serializers.IntegerField())
    address = serializers.CharField()
    revision = serializers.IntegerField()
