"""What the document endpoints return and accept: the register's rows, one document with its
relations and files, consultation rounds and their comments. ISO dates throughout."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trienkhai.documents.models import (
    ISSUED_STATES,
    Comment,
    Consultation,
    DocStatus,
    Document,
    Recipient,
    RelationKind,
    Resolution,
    type_choices,
)
from trienkhai.org.models import PositionRole

from .serializers import Id, UnitRef

TYPE_CODES = [code for code, _label in type_choices()]
ISSUED_CHOICES = [s.value for s in DocStatus if s in ISSUED_STATES]


class DocumentNumberOut(serializers.Serializer):
    """The number as the register parsed it: 07-KH/ThU → 7, KH, ThU; 45/2020/NĐ-CP → year 2020."""

    text = serializers.CharField(allow_null=True, help_text="as written; null for a draft")
    system = serializers.ChoiceField(choices=["party", "state"])
    type = serializers.CharField(help_text="document type code: KH, NQ, QĐ, CV...")
    type_name = serializers.CharField()
    issuer = serializers.CharField(help_text="issuer code in the number: ThU, TW, UBND...")
    number = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField(allow_null=True, help_text="only legal normative documents")


class DocumentRef(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "number_text", "summary", "issued_on", "status"]


class DocumentOut(serializers.ModelSerializer):
    """A row of the register."""

    number = serializers.SerializerMethodField()
    issuer_unit = UnitRef(allow_null=True)
    owner_unit = UnitRef(help_text="the unit whose register keeps it")

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "issuer_name",
            "issuer_unit",
            "owner_unit",
            "is_external",
            "signer_name",
            "signer_title",
            "issued_on",
            "summary",
            "status",
        ]

    @extend_schema_field(DocumentNumberOut)
    def get_number(self, document):
        return {
            "text": document.number_text or None,
            "system": document.system,
            "type": document.doc_type,
            "type_name": document.type_name,
            "issuer": document.issuer_code,
            "number": document.number,
            "year": document.year,
        }


class RelationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    label = serializers.CharField(help_text="how it reads from this document, in Vietnamese")
    note = serializers.CharField(allow_blank=True)
    document = DocumentRef()


class FileOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField(help_text="bytes")
    version = serializers.IntegerField(allow_null=True, help_text="draft version, if any")
    uploaded_at = serializers.DateTimeField()
    download = serializers.CharField(help_text="the URL that downloads it")


class ImplementationOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="documents implementing it, at every level")
    units = serializers.IntegerField(help_text="units that issued them")
    truncated = serializers.BooleanField()


class DocumentDetailOut(DocumentOut):
    """One document, its relations both ways (only documents you may see) and its files."""

    relations_out = serializers.SerializerMethodField()
    relations_in = serializers.SerializerMethodField()
    implementation = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta(DocumentOut.Meta):
        fields = [
            *DocumentOut.Meta.fields,
            "revision",
            "relations_out",
            "relations_in",
            "implementation",
            "files",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(RelationOut(many=True))
    def get_relations_out(self, document):
        return self.context["relations_out"]

    @extend_schema_field(RelationOut(many=True))
    def get_relations_in(self, document):
        return self.context["relations_in"]

    @extend_schema_field(ImplementationOut)
    def get_implementation(self, document):
        return self.context["implementation"]

    @extend_schema_field(FileOut(many=True))
    def get_files(self, document):
        return self.context["files"]


class DocumentIn(serializers.Serializer):
    """An issued document entered in a register: one of your units' (`issuer_unit`), or one
    received from outside (`issuer_name` and the `owner_unit` that keeps it)."""

    number_text = serializers.CharField(
        max_length=120, help_text="07-KH/ThU, 127-QĐ/TW, 123/QĐ-UBND, 45/2020/NĐ-CP"
    )
    doc_type = serializers.ChoiceField(
        choices=TYPE_CODES,
        required=False,
        allow_blank=True,
        help_text="only when the number has no type code (1234/VPCP-KTTH)",
    )
    issuer_unit = Id(required=False, allow_null=True, help_text="your unit that issued it")
    issuer_name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="or an external issuer"
    )
    owner_unit = Id(
        required=False,
        allow_null=True,
        help_text="the register keeping an external document (default: your only unit); "
        "a document of your unit goes into its issuer's register",
    )
    issued_on = serializers.DateField()
    summary = serializers.CharField(max_length=4000)
    signer = Id(required=False, allow_null=True, help_text="id of a person")
    signer_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    signer_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ISSUED_CHOICES, required=False, default="issued")


class RelationIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RelationKind.choices, help_text="this document <kind>")
    target = Id(help_text="id of the other document")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ConsultationOut(serializers.ModelSerializer):
    """A round of comments on a draft, as the document page's consultation box shows it."""

    version = serializers.IntegerField(source="version.number")
    recipients = serializers.IntegerField(source="n_recipients")
    answered = serializers.IntegerField(source="n_answered")
    comments = serializers.IntegerField(source="n_comments")
    is_open = serializers.BooleanField()
    is_overdue = serializers.BooleanField()
    asked = serializers.SerializerMethodField(help_text="you are asked to comment")
    comments_shown = serializers.SerializerMethodField(
        help_text="which comments /api/consultations/<id>/comments/ gives you"
    )

    class Meta:
        model = Consultation
        fields = [
            "id",
            "round_number",
            "version",
            "opened_at",
            "deadline",
            "closed_at",
            "is_open",
            "is_overdue",
            "recipients",
            "answered",
            "comments",
            "asked",
            "comments_shown",
        ]

    def get_asked(self, consultation) -> bool:
        return consultation.pk in self.context["asked"]

    @extend_schema_field(serializers.ChoiceField(choices=["all", "own", "none"]))
    def get_comments_shown(self, consultation):
        if self.context["organiser"]:
            return "all"
        return "own" if consultation.pk in self.context["asked"] else "none"


class CommentOut(serializers.ModelSerializer):
    """A comment and how it was answered (the synthesis table's row)."""

    person = serializers.CharField(source="recipient.person.full_name")
    title = serializers.CharField(source="recipient.title")
    answered_in = serializers.IntegerField(
        source="answered_in.number", allow_null=True, help_text="version that took it in"
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "person",
            "title",
            "section",
            "text",
            "created_at",
            "is_late",
            "resolution",
            "response",
            "resolved_at",
            "answered_in",
        ]


# --- writing drafts, files and consultations -------------------------------------------------------
class DraftIn(serializers.Serializer):
    """A new draft in one of your units' registers, with its file (version 1), as the draft page:
    sent as multipart/form-data."""

    system = serializers.ChoiceField(choices=["party", "state"])
    doc_type = serializers.ChoiceField(choices=TYPE_CODES, help_text="KH, NQ, QC, QĐ...")
    issuer_unit = Id(help_text="your unit that writes and will issue it (its register keeps it)")
    summary = serializers.CharField(max_length=4000)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    file = serializers.FileField(help_text="PDF, Word (.docx) or Excel (.xlsx)")


class DocumentPatchIn(serializers.Serializer):
    """What the edit page corrects. `issued_on` only for an issued document, `issuer_name` only
    for an external one; send If-Match (the ETag) or `revision`."""

    revision = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    summary = serializers.CharField(max_length=4000, required=False)
    issued_on = serializers.DateField(required=False)
    issuer_name = serializers.CharField(max_length=255, required=False)
    signer = Id(required=False, allow_null=True, help_text="id of a person")
    signer_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    signer_title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class IssueIn(serializers.Serializer):
    """The signature of a draft: its date, and the number (the next free one when left out)."""

    issued_on = serializers.DateField()
    number = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=99999, help_text="default: next"
    )
    signer = Id(required=False, allow_null=True, help_text="id of a person holding a position")
    signer_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    revision = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class FilesIn(serializers.Serializer):
    """Files added to a document (multipart/form-data, field `files` repeated)."""

    files = serializers.ListField(child=serializers.FileField(), help_text="up to 10 files")
    version = Id(required=False, allow_null=True, help_text="id of a draft version")


class VersionIn(serializers.Serializer):
    """A revised version of a draft (multipart/form-data), with the comments it takes in."""

    file = serializers.FileField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    answers = serializers.ListField(
        child=Id(), required=False, max_length=1000, help_text="ids of comments taken in"
    )


class ConsultationIn(serializers.Serializer):
    """A round of comments on a draft: people one by one, and/or everyone holding a position
    (optionally in some roles) in some units; a deadline (a date alone means 23:59 that day)."""

    persons = serializers.ListField(child=Id(), required=False, max_length=500)
    position_units = serializers.ListField(child=Id(), required=False, max_length=100)
    position_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=PositionRole.choices),
        required=False,
        max_length=20,
    )
    deadline = serializers.CharField(
        max_length=40, help_text="2020-09-15T17:00:00+07:00, or 2020-09-15 (23:59 that day)"
    )
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CommentIn(serializers.Serializer):
    """A comment from a person asked; an organiser records one received on paper by naming
    the `recipient`."""

    section = serializers.CharField(max_length=100, required=False, allow_blank=True)
    text = serializers.CharField(max_length=20000, allow_blank=True)
    recipient = Id(required=False, allow_null=True, help_text="organisers: id of the recipient")


class NoCommentIn(serializers.Serializer):
    recipient = Id(required=False, allow_null=True, help_text="organisers: id of the recipient")


class RecipientOut(serializers.ModelSerializer):
    person = serializers.CharField(source="person.full_name")

    class Meta:
        model = Recipient
        fields = ["id", "person", "title", "answered_at", "no_comment"]


class ResolutionIn(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    response = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class RemindOut(serializers.Serializer):
    reminders = serializers.IntegerField(help_text="people due a reminder (sent in a moment)")
