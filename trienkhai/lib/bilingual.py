"""The English of a Vietnamese message that was already formatted ("Loại văn bản “XY” không có
trong danh mục." → "Document type “XY” is not in the list.").

Services raise their errors in the active language, with the values filled in. The API answers
in both languages: it reads the message in Vietnamese and finds the English through the English
catalogue (and, for Django's and DRF's own messages, their Vietnamese catalogue read backwards), matching the msgid as a pattern (each %(name)s a group) and filling the msgstr with the
same values. A message the catalogue does not know comes back unchanged.
"""

import functools
import re

from django.utils import translation

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _pairs():
    """(Vietnamese, English) pairs: ours (msgid Vietnamese) and Django's and DRF's own
    (msgid English, Vietnamese in their vi catalogue)."""
    for msgid, msgstr in translation.trans_real.translation("en")._catalog.items():  # noqa: SLF001
        yield msgid, msgstr
    for msgid, msgstr in translation.trans_real.translation("vi")._catalog.items():  # noqa: SLF001
        if isinstance(msgid, str) and msgid.isascii():
            yield msgstr, msgid


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    plain: dict[str, str] = {}
    shaped: list[tuple[re.Pattern, str]] = []
    for msgid, msgstr in _pairs():
        if not isinstance(msgid, str) or not msgid or not msgstr:
            continue
        if _PLACEHOLDER.search(msgid):
            parts, last, seen = [], 0, set()
            for index, m in enumerate(_PLACEHOLDER.finditer(msgid)):
                parts.append(re.escape(msgid[last : m.start()]))
                name = m.group(1) or f"_{index}"
                parts.append(".+?" if name in seen else f"(?P<{name}>.+?)")
                seen.add(name)
                last = m.end()
            parts.append(re.escape(msgid[last:]))
            literal = len(_PLACEHOLDER.sub("", msgid))
            shaped.append((literal, re.compile("^" + "".join(parts) + "$", re.S), msgstr))
        else:
            plain[msgid] = msgstr
    # The pattern with the most fixed text first: "… từ ngày %(day)s; hãy chọn …" before
    # "… từ ngày %(day)s", whose %(day)s would swallow the rest of the sentence.
    shaped.sort(key=lambda item: -item[0])
    return plain, [(pattern, msgstr) for _length, pattern, msgstr in shaped]


def english(message: str) -> str:
    """`message` (Vietnamese, formatted) in English, or unchanged when unknown."""
    message = str(message)
    plain, shaped = _patterns()
    if message in plain:
        return plain[message]
    for pattern, msgstr in shaped:
        m = pattern.match(message)
        if m:
            values = m.groupdict()
            positional = iter(v for k, v in sorted(values.items()) if k.startswith("_"))

            def fill(p: re.Match, values=values, positional=positional) -> str:
                return values.get(p.group(1), "") if p.group(1) else next(positional, "")

            return _PLACEHOLDER.sub(fill, msgstr)
    return message
