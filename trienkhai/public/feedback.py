"""What citizens said about a programme, counted for the unit inside the product: comments
received per week and the themes they come back to.

Themes are pairs of neighbouring words (Vietnamese words are mostly two syllables: "nhà tạm",
"đèn đường"), compared without diacritics and case, kept when at least two comments use them,
and shown in the form most comments wrote them. Pairs made only of common function words ("của
các", "và có") are left out.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from trienkhai.lib.text import fold

from .models import PublicComment

WEEKS = 12
THEMES = 8
WORD = re.compile(r"\w+", re.UNICODE)
# Function words of Vietnamese, folded: a pair made only of these says nothing about a theme.
_COMMON_WORDS = """va la cua cac co cho khong nhung mot nay do thi da se dang duoc bi voi tu den trong ngoai
    tren duoi ve nen con neu khi vi de ma ra vao lai rat cung nhu hay hoac o tai theo nhieu it moi
    toi chung ta ban anh chi em ong ba ho minh thanh pho xin cam on y kien gop nguoi dan"""
COMMON = frozenset(_COMMON_WORDS.split())


@dataclass
class Feedback:
    total: int = 0
    shown: int = 0
    waiting: int = 0
    weeks: list = field(default_factory=list)  # (monday, count), oldest first
    themes: list = field(default_factory=list)  # (words, comments using them)

    @property
    def busiest(self) -> int:
        return max((n for _day, n in self.weeks), default=0)


def _pairs(text: str) -> dict[str, str]:
    """{folded pair: the pair as written (lower case)} of one comment."""
    words = WORD.findall(text.lower())
    out = {}
    for first, second in zip(words, words[1:], strict=False):
        key = f"{fold(first)} {fold(second)}"
        if key.split()[0] in COMMON and key.split()[1] in COMMON:
            continue
        if any(part.isdigit() for part in key.split()):
            continue
        out.setdefault(key, f"{first} {second}")
    return out


def programme_feedback(programme, today: dt.date | None = None) -> Feedback:
    """Comments on the programme from its public pages (rejected ones left out): how many, per
    week over the last twelve weeks, and the themes they share."""
    today = today or timezone.localdate()
    rows = list(
        PublicComment.objects.filter(about_programme=programme)
        .exclude(status=PublicComment.Status.REJECTED)
        .values_list("body", "status", "created_at")
    )
    result = Feedback(total=len(rows))
    monday = today - dt.timedelta(days=today.weekday())
    starts = [monday - dt.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    per_week = Counter()
    uses, written = Counter(), {}
    for body, status, created_at in rows:
        day = timezone.localtime(created_at).date()
        per_week[day - dt.timedelta(days=day.weekday())] += 1
        if status == PublicComment.Status.PUBLISHED:
            result.shown += 1
        else:
            result.waiting += 1
        for key, text in _pairs(body).items():
            uses[key] += 1
            written.setdefault(key, Counter())[text] += 1
    result.weeks = [(start, per_week.get(start, 0)) for start in starts]
    result.themes = [
        (written[key].most_common(1)[0][0], n) for key, n in uses.most_common() if n >= 2
    ][:THEMES]
    return result
