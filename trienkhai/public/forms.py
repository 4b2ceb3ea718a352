"""Forms of the public-site pages inside the product; the services check what they mean."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PublicSite


class SiteForm(forms.Form):
    title = forms.CharField(label=_("Tên trang"), max_length=200)
    slug = forms.CharField(
        label=_("Địa chỉ"),
        max_length=60,
        help_text=_("Trang sẽ ở /p/<địa chỉ>/; chữ thường không dấu, chữ số, dấu gạch ngang."),
    )
    intro = forms.CharField(
        label=_("Giới thiệu"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    moderation = forms.ChoiceField(
        label=_("Ý kiến của người dân"), choices=PublicSite.Moderation.choices
    )
    is_open = forms.BooleanField(
        label=_("Mở trang cho công chúng"),
        required=False,
        help_text=_("Khi đóng, không ai ngoài đơn vị xem được trang và các tin đã đăng."),
    )


class PostForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    summary = forms.CharField(
        label=_("Tóm tắt"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hiện trong danh sách tin và khi chia sẻ đường dẫn."),
    )
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Mỗi đoạn cách nhau một dòng trống."),
    )
    author_name = forms.CharField(label=_("Tác giả"), max_length=200)
    categories = forms.CharField(
        label=_("Chuyên mục"),
        required=False,
        max_length=500,
        help_text=_("Cách nhau bằng dấu phẩy, ví dụ: Tin hoạt động, Thông báo."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def category_names(self) -> list[str]:
        raw = self.cleaned_data.get("categories") or ""
        return [name.strip() for name in raw.split(",") if name.strip()]


class ProgrammePublicationForm(forms.Form):
    summary = forms.CharField(
        label=_("Giới thiệu với người dân"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Viết bằng lời thông thường: chương trình nhằm gì, đến năm nào, ai thực hiện."),
        error_messages={"required": _("Hãy viết vài dòng giới thiệu chương trình với người dân.")},
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Chỉ tiêu công khai"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chỉ những chỉ tiêu được chọn mới hiện, với số liệu mới nhất và biểu đồ."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = programme.indicators.order_by("position", "id")


class CommentForm(forms.Form):
    """A citizen's comment. `website` is the honeypot: hidden from people, filled by robots."""

    name = forms.CharField(
        label=_("Họ tên"),
        max_length=100,
        error_messages={"required": _("Hãy cho biết họ tên của bạn.")},
    )
    contact = forms.CharField(
        label=_("Điện thoại hoặc email (không công khai, để đơn vị liên hệ khi cần)"),
        max_length=200,
        required=False,
    )
    body = forms.CharField(
        label=_("Ý kiến của bạn"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Hãy viết ý kiến của bạn.")},
    )
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Lý do không đăng"), max_length=300)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Trả lời của đơn vị"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Ảnh (PNG, JPEG hoặc GIF)"))
    alt = forms.CharField(
        label=_("Mô tả ảnh cho người không xem được"),
        max_length=300,
        help_text=_("Được đọc thay cho ảnh, ví dụ “Quang cảnh hội nghị quán triệt”."),
    )
    caption = forms.CharField(label=_("Chú thích dưới ảnh"), max_length=300, required=False)


class SurveyPublicationForm(forms.Form):
    summary = forms.CharField(
        label=_("Giới thiệu với người dân"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Khảo sát về điều gì, ai được hỏi, bao nhiêu phiếu, kết quả dùng để làm gì."),
        error_messages={"required": _("Hãy viết vài dòng giới thiệu cuộc khảo sát với người dân.")},
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("Câu hỏi công khai"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Chỉ hiện số phiếu và tỷ lệ; câu trả lời tự viết và từng phiếu không bao giờ hiện."
        ),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, survey, **kwargs):
        from .services import SHOWN_KINDS

        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = survey.questions.filter(kind__in=SHOWN_KINDS).order_by(
            "section__position", "position", "id"
        )


class DocumentPublicationForm(forms.Form):
    summary = forms.CharField(
        label=_("Giới thiệu với người dân"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Không bắt buộc: văn bản quy định gì, áp dụng cho ai, từ khi nào."),
    )
    files = forms.ModelMultipleChoiceField(
        label=_("Tệp công khai"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chỉ những tệp được chọn mới tải được từ trang công khai."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].queryset = document.files.filter(version__isnull=True)
        self.fields["files"].label_from_instance = lambda f: f.original_name


class TaskGroupPublicationForm(forms.Form):
    summary = forms.CharField(
        label=_("Giới thiệu với người dân"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Nhóm nhiệm vụ nhằm gì, do ai giao, hoàn thành khi nào."),
        error_messages={"required": _("Hãy viết vài dòng giới thiệu nhóm nhiệm vụ với người dân.")},
    )
    tasks = forms.ModelMultipleChoiceField(
        label=_("Nhiệm vụ con công khai"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Mỗi nhiệm vụ được chọn hiện tên, đơn vị chủ trì, thời hạn, trạng thái và tiến độ; "
            "nội dung, ý kiến trao đổi và tệp minh chứng không bao giờ hiện."
        ),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = task.subtasks.select_related("lead_unit").order_by(
            "deadline_end", "id"
        )
        self.fields["tasks"].label_from_instance = lambda t: f"{t.title} — {t.lead_unit.name}"


class CampaignPublicationForm(forms.Form):
    summary = forms.CharField(
        label=_("Giới thiệu với người dân"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Quán triệt văn bản nào, cho ai, đến khi nào."),
        error_messages={
            "required": _("Hãy viết vài dòng giới thiệu đợt quán triệt với người dân.")
        },
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Đối tượng công khai"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Với mỗi đối tượng được chọn, hiện số người dự kiến và số người đã học, theo từng "
            "đơn vị được giao; danh sách người dự, báo cáo viên và ghi chú của lớp không hiện."
        ),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, campaign, **kwargs):
        from .services import campaign_groups

        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = campaign_groups(campaign)
