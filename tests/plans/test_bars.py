"""The progress bar tag: what a page draws for a percentage."""

from django.template import Context, Template
from django.utils import translation


def draw(source: str, **values) -> str:
    with translation.override("vi"):
        return Template("{% load bars %}" + source).render(Context(values))


def test_a_bar_is_filled_to_its_percentage_in_the_default_green():
    html = draw("{% bar 45 %}")
    assert '<rect width="45" height="10" fill="#1d6b36"/>' in html
    assert 'aria-label="45%"' in html


def test_a_decimal_comma_still_gives_svg_a_number_and_the_label_keeps_it():
    html = draw("{% bar pct %}", pct="12,5")
    assert '<rect width="12.5" height="10"' in html
    assert 'aria-label="12,5%"' in html


def test_the_length_stays_within_the_bar_and_rubbish_draws_nothing():
    assert '<rect width="100" height="10" fill="#0b4f9c"/>' in draw('{% bar 130 "#0b4f9c" %}')
    assert '<rect width="0" height="10"' in draw("{% bar -4 %}")
    assert '<rect width="0" height="10"' in draw("{% bar pct %}", pct="—")


def test_a_colour_is_escaped():
    html = draw("{% bar 50 colour %}", colour='"/><script>x</script>')
    assert "<script>" not in html
