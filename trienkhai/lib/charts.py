"""Charts drawn on the server: the same figure as SVG for a page and as PNG for Word and PDF.

No chart JavaScript reaches the browser. matplotlib's bundled DejaVu Sans covers Vietnamese, so
labels keep their diacritics everywhere. SVG text is kept as text (not paths), so it stays
small and searchable.
"""

import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)
from matplotlib.ticker import MaxNLocator  # noqa: E402

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "svg.fonttype": "none",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

PALETTE = ["#0b4f9c", "#a3151b", "#1d6b36", "#8a5a00", "#5a2d82", "#00707a", "#6b6b6b"]


def _render(fig, fmt: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=150 if fmt == "png" else 72)
    plt.close(fig)
    return buffer.getvalue()


def line_chart(
    series: dict[str, Sequence[tuple[float, float]]],
    *,
    title: str = "",
    y_label: str = "",
    target: float | None = None,
    target_label: str = "",
    fmt: str = "svg",
    size: tuple[float, float] = (6.0, 3.0),
) -> bytes:
    """One line per series of (x, y) points, with an optional dashed target line."""
    fig, ax = plt.subplots(figsize=size)
    for i, (name, points) in enumerate(series.items()):
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", color=PALETTE[i % len(PALETTE)], label=name)
    if target is not None:
        ax.axhline(target, linestyle="--", color="#6b6b6b", linewidth=1, label=target_label)
    ax.set_title(title)
    ax.set_ylabel(y_label)
    ax.grid(axis="y", color="#e3e6ea")
    if len(series) > 1 or target is not None:
        ax.legend(frameon=False, fontsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _render(fig, fmt)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    x_label: str = "",
    colors: Sequence[str] | None = None,
    fmt: str = "svg",
    size: tuple[float, float] | None = None,
) -> bytes:
    """Horizontal bars, one per label: readable with long Vietnamese labels."""
    size = size or (6.0, max(1.2, 0.35 * len(labels) + 0.6))
    fig, ax = plt.subplots(figsize=size)
    positions = range(len(labels))
    ax.barh(list(positions), list(values), color=list(colors) if colors else PALETTE[0])
    ax.set_yticks(list(positions), labels=list(labels))
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(x_label)
    for pos, value in zip(positions, values, strict=True):
        ax.text(value, pos, f" {value:g}", va="center", fontsize=8)
    if all(float(v).is_integer() for v in values):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.25 ticks
    return _render(fig, fmt)


_STYLE_ATTR = re.compile(r'style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)


def _as_attributes(match: re.Match) -> str:
    """style="fill: #fff; stroke: #000" → fill="#fff" stroke="#000" (presentation attributes)."""
    pairs = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip().replace('"', "'")
        if name and value:
            pairs.append(f'{name}="{value}"')
    return " ".join(pairs)


def as_svg_text(data: bytes) -> str:
    """SVG bytes as text to place inline in a page, safe under the site's Content-Security-Policy.

    The policy forbids inline style (style="..." and <style>), which matplotlib uses for every
    colour: the declarations become SVG presentation attributes, which the policy allows, and
    the global style element (line joins) is dropped. The XML prolog goes too.
    """
    text = data.decode("utf-8")
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    text = _STYLE_ELEMENT.sub("", text)
    return _STYLE_ATTR.sub(_as_attributes, text)
