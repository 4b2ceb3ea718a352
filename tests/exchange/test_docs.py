"""docs/exchange.md documents every field of the format, and its example is a package."""

import json
import re
from pathlib import Path

from trienkhai.exchange import format as fmt

DOC = Path(__file__).resolve().parents[2] / "docs" / "exchange.md"


def test_every_section_and_field_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name, section in fmt.SECTIONS.items():
        assert f"### `{name}`" in text, name
        table = text.split(f"### `{name}`", 1)[1].split("###", 1)[0]
        for spec in section.fields:
            assert f"| `{spec.name}` |" in table, (name, spec.name)


def test_the_example_names_the_format_and_version():
    text = DOC.read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    assert f'"format": "{fmt.FORMAT}"' in example
    assert f'"version": {fmt.VERSION}' in example
    assert json.loads(example.replace("…", ""))["scope"]
