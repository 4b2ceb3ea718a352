"""The pieces every endpoint relies on: English for a formatted Vietnamese message, deadline
texts, the error shape."""

import datetime as dt

import pytest

from trienkhai.lib.bilingual import english
from trienkhai.lib.dates import format_deadline, parse_deadline


def test_english_of_formatted_and_plain_messages():
    assert english("Trọng số là một số nguyên từ 1 đến 100.") == (
        "The weight is a whole number from 1 to 100."
    )
    assert english("Ngày “2020-13-01” không đúng dạng YYYY-MM-DD.") == (
        "The date “2020-13-01” is not in the form YYYY-MM-DD."
    )
    assert english("Một câu chưa có trong danh mục.") == "Một câu chưa có trong danh mục."


def test_english_of_django_and_drf_messages_read_back_from_their_catalogue():
    from django.utils import translation
    from rest_framework.exceptions import NotAuthenticated

    with translation.override("vi"):
        message = str(NotAuthenticated().detail)
    assert english(message) == "Authentication credentials were not provided."


@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("2020-09-20", dt.date(2020, 9, 20), "day"),
        ("2020-12", dt.date(2020, 12, 1), "month"),
        ("2025-Q4", dt.date(2025, 10, 1), "quarter"),
        ("2025", dt.date(2025, 1, 1), "year"),
    ],
)
def test_deadline_texts_round_trip(text, day, precision):
    assert parse_deadline(text) == (day, precision)
    assert format_deadline(day, precision) == text


@pytest.mark.parametrize("text", ["", "09/2020", "2020-13", "2020-02-30", "2025-Q5", "20-9-2020"])
def test_bad_deadline_texts(text):
    with pytest.raises(ValueError):
        parse_deadline(text)


def test_the_most_specific_message_wins():
    message = "“Thành ủy Bến Tre” đã kết thúc hoạt động từ ngày 1-7-2025; hãy chọn đơn vị kế thừa."
    assert english(message) == "“Thành ủy Bến Tre” ceased on 1-7-2025; choose its successor."


def test_the_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    # check --deploy fails on drf-spectacular's warnings: an unnamed enum, an unresolved type.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


def test_a_wrong_item_of_a_list_names_its_index():
    from trienkhai.api.errors import _flatten

    assert _flatten({"position_roles": {0: ["Sai."]}, "title": ["Thiếu."]}) == {
        "position_roles.0": ["Sai."],
        "title": ["Thiếu."],
    }
