from django import forms
from django.utils.translation import gettext_lazy as _

from trienkhai.org.forms import VNDateField


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khóa"),
        max_length=100,
        help_text=_("Để nhận ra khóa sau này, ví dụ: “Báo cáo tự động của Văn phòng”."),
        error_messages={"required": _("Hãy đặt tên cho khóa.")},
    )
    read_only = forms.BooleanField(
        label=_("Chỉ đọc (không tạo, không sửa dữ liệu)"), required=False
    )
    expires_on = VNDateField(
        label=_("Hết hạn sau ngày"), required=False, help_text=_("Để trống: không hết hạn.")
    )
