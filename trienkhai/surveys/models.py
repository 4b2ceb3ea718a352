"""Anonymous opinion surveys (khảo sát dư luận) with one-time codes, paper forms and results.

Anonymity is built into the tables, not promised by the code that reads them:
- a `Response` and its `Answer` rows hold no user, no code, no address and no time finer than a
  day; their keys are random numbers, so neither their ids nor SQLite's rowid order them;
- a `Code` only knows whether it has been used, never when, nor by which response;
- respondent group and unit come from the code's allocation, and are kept only when the survey
  declares it records them;
- the draft of a response in progress (keyed by its code) is deleted in the transaction that
  records the response; PostgreSQL's hidden columns (xmin, ctid) are rewritten for used codes by
  `anonymity.codes_reseal`, so not even the order of use survives.
Results come from `Tally` rows, counted by the database in the transaction of each response.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trienkhai.org.models import Unit
from trienkhai.outreach.models import Campaign, TargetGroup

# Results of a cell (unit × group) with fewer responses than this are not shown.
MIN_CELL = 5
RANDOM_KEY_BITS = 62


def random_key() -> int:
    """A primary key that orders nothing: not time, not insertion."""
    return secrets.randbits(RANDOM_KEY_BITS) + 1


class RandomKeyField(models.BigIntegerField):
    """A 64-bit primary key filled with a random number. On SQLite it is declared `integer` so
    that it becomes the table's rowid: a `bigint` key would leave a hidden rowid counting
    insertions, which would order the rows by arrival."""

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    OPEN = "open", _("Đang nhận phiếu")
    CLOSED = "closed", _("Đã đóng")


class Survey(models.Model):
    """An opinion survey: its questions, its audience and quota, its period."""

    title = models.CharField(_("tên cuộc khảo sát"), max_length=300)
    intro = models.TextField(_("lời giới thiệu"), blank=True)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT, related_name="surveys"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("thuộc đợt quán triệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("đối tượng khảo sát"), blank=True, related_name="surveys"
    )
    total_forms = models.PositiveIntegerField(_("tổng số phiếu"), default=0)
    opens_on = models.DateField(_("ngày mở"), null=True, blank=True)
    closes_on = models.DateField(_("ngày đóng"), null=True, blank=True)
    record_group = models.BooleanField(
        _("ghi nhận nhóm đối tượng của người trả lời"),
        default=True,
        help_text=_("Kết quả của nhóm có dưới 5 phiếu không được hiển thị."),
    )
    record_unit = models.BooleanField(
        _("ghi nhận đơn vị của người trả lời"),
        default=True,
        help_text=_("Kết quả của đơn vị có dưới 5 phiếu không được hiển thị."),
    )
    double_entry = models.BooleanField(
        _("nhập phiếu giấy hai lần (hai người nhập, đối chiếu)"), default=False
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("phiên bản trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A new random number whenever the form's sections, questions, choices or rows change
    # (`structure.revision_bump`): the answering pages keep the form in memory under it.
    # Random rather than counted, so a key is never reused after a rollback or a restore.
    structure_revision = models.BigIntegerField(default=random_key, editable=False)

    class Meta:
        verbose_name = _("cuộc khảo sát")
        verbose_name_plural = _("cuộc khảo sát")
        ordering = ["-opens_on", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_frozen(self) -> bool:
        """Questions cannot change once a form has been answered: changes make a new version."""
        return self.responses.exists() or self.codes.filter(used=True).exists()


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("tên phần"), max_length=300)
    description = models.TextField(_("hướng dẫn"), blank=True)

    class Meta:
        ordering = ["survey_id", "position", "id"]

    def __str__(self):
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Chọn một")
    MULTI = "multi", _("Chọn nhiều")
    LIKERT = "likert", _("Thang đo 1–5")
    GRID = "grid", _("Bảng (hàng × thang đo)")
    NUMBER = "number", _("Số")
    YESNO = "yesno", _("Có / Không")
    SHORT_TEXT = "short_text", _("Trả lời ngắn")
    LONG_TEXT = "long_text", _("Trả lời dài")


# Kinds answered by picking choices; the only ones that can be counted, crossed and conditioned.
CHOICE_KINDS = {
    QuestionKind.SINGLE,
    QuestionKind.MULTI,
    QuestionKind.LIKERT,
    QuestionKind.GRID,
    QuestionKind.YESNO,
}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}


class Question(models.Model):
    """A question. Likert and yes/no questions get their choices made for them (1–5; 1 Có,
    2 Không), so every counted answer is a choice and the paper form prints its number."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    code = models.CharField(_("số câu"), max_length=20, blank=True)
    text = models.TextField(_("câu hỏi"))
    help_text = models.CharField(_("gợi ý trả lời"), max_length=300, blank=True)
    kind = models.CharField(_("loại câu hỏi"), max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(_("bắt buộc trả lời"), default=False)
    allow_other = models.BooleanField(_("có lựa chọn “Khác (ghi rõ)”"), default=False)
    min_value = models.DecimalField(
        _("giá trị nhỏ nhất"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("giá trị lớn nhất"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    condition_question = models.ForeignKey(
        "self",
        verbose_name=_("chỉ hỏi khi câu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependants",
    )
    condition_choice = models.ForeignKey(
        "Choice",
        verbose_name=_("được trả lời là"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["survey_id", "section__position", "position", "id"]
        indexes = [models.Index(fields=["survey", "position"], name="surveys_question_order")]

    def __str__(self):
        return f"{self.code} {self.text}".strip()

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS


class Choice(models.Model):
    """An answer to pick. `value` is the number printed on the paper form and typed in entry."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    value = models.PositiveSmallIntegerField(_("mã số"))
    label = models.CharField(_("nội dung lựa chọn"), max_length=300)
    is_other = models.BooleanField(_("là lựa chọn “Khác (ghi rõ)”"), default=False)

    class Meta:
        ordering = ["question_id", "position", "value"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="surveys_choice_value_once")
        ]

    def __str__(self):
        return f"{self.value}. {self.label}"


class GridRow(models.Model):
    """A row of a grid question; each row is answered on the question's scale (its choices)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    label = models.CharField(_("nội dung hàng"), max_length=300)

    class Meta:
        ordering = ["question_id", "position", "id"]

    def __str__(self):
        return self.label


class Allocation(models.Model):
    """Part of the quota: so many forms for a unit (and a target group)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    target_group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("đối tượng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    forms = models.PositiveIntegerField(_("số phiếu"))

    class Meta:
        ordering = ["survey_id", "unit__path", "target_group__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit", "target_group"], name="surveys_allocation_once"
            )
        ]

    def __str__(self):
        group = f" · {self.target_group}" if self.target_group_id else ""
        return f"{self.unit}{group}: {self.forms}"


class CodeKind(models.TextChoices):
    PAPER = "paper", _("Phiếu in")
    LINK = "link", _("Đường dẫn riêng")


class Code(models.Model):
    """A one-time code. It knows whether it was used, never when or for which response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="codes"
    )
    code = models.CharField(_("mã phiếu"), max_length=24, unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=CodeKind.choices)
    batch = models.PositiveSmallIntegerField(_("đợt in"), default=1)
    used = models.BooleanField(_("đã dùng"), default=False)

    class Meta:
        verbose_name = _("mã phiếu")
        verbose_name_plural = _("mã phiếu")
        ordering = ["survey_id", "id"]
        indexes = [models.Index(fields=["survey", "used"], name="surveys_code_use")]

    def __str__(self):
        return self.code


class ResponseDraft(models.Model):
    """Answers given so far by the holder of a code, between pages. Deleted when recorded."""

    code = models.OneToOneField(Code, on_delete=models.CASCADE, related_name="draft")
    page = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(default=dict)
    updated_on = models.DateField(auto_now=True)

    def __str__(self):
        return f"draft {self.pk}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    PAPER = "paper", _("Phiếu giấy")


class Response(models.Model):
    """One answered form. No user, code, address or time: see the module docstring."""

    id = RandomKeyField(primary_key=True, default=random_key, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    submitted_on = models.DateField(_("ngày nhận"))
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("hình thức"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        indexes = [models.Index(fields=["survey", "target_group"], name="surveys_response_grp")]

    def __str__(self):
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    """One answer on a form: a picked choice (per grid row), a number or a text."""

    id = RandomKeyField(primary_key=True, default=random_key, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    row = models.ForeignKey(
        GridRow, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["question", "choice"], name="surveys_answer_q"),
            # Number statistics of a selection (group, unit) read from the index alone.
            models.Index(
                fields=["question", "number", "response"],
                name="surveys_answer_number",
                condition=models.Q(number__isnull=False),
            ),
            # The histogram of all forms: few distinct numbers, so PostgreSQL deduplicates the
            # entries and reads them in table order (the one above jumps about the table).
            models.Index(
                fields=["question", "number"],
                name="surveys_answer_histogram",
                condition=models.Q(number__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.choice_id or self.number or self.text[:30]}"


class Tally(models.Model):
    """How many forms gave an answer, per group and unit cell, counted as responses arrive.

    Plain integers rather than foreign keys, with 0 for "none", so one unique key covers every
    combination on both databases (NULLs are never equal in a unique index). `question_id` 0
    counts the forms themselves.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question_id = models.IntegerField()
    row_id = models.IntegerField(default=0)
    choice_id = models.IntegerField(default=0)
    group_id = models.IntegerField(default=0)
    unit_id = models.IntegerField(default=0)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question_id", "row_id", "choice_id", "group_id", "unit_id"],
                name="surveys_tally_key",
            )
        ]
        # The results read one selection's cells (everyone: group 0, unit 0; or a group): a
        # hundred rows out of every survey's, found without scanning the table.
        indexes = [
            models.Index(fields=["survey", "group_id", "unit_id"], name="surveys_tally_selection")
        ]

    def __str__(self):
        return f"{self.question_id}/{self.row_id}/{self.choice_id}: {self.n}"


class PaperEntry(models.Model):
    """A paper form as typed by one staff member, waiting for the second typing (double entry)
    or for a mismatch to be resolved. Deleted when the response is recorded."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="paper_entries")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="paper_entries")
    data = models.JSONField(default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey_id", "code_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code", "entered_by"], name="surveys_entry_once")
        ]

    def __str__(self):
        return f"{self.code} ({self.entered_by})"
