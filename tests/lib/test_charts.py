"""Charts keep Vietnamese text as text, for the page (SVG) and for Word files (PNG)."""

from trienkhai.lib.charts import as_svg_text, bar_chart, line_chart


def test_a_line_chart_is_an_svg_with_its_vietnamese_labels():
    svg = as_svg_text(
        line_chart(
            {"Số hộ ở nhà tạm bợ": [(2015, 120), (2017, 64), (2020, 0)]},
            title="Nhà ở tạm bợ",
            y_label="hộ",
            target=0,
            target_label="Mục tiêu",
        )
    )
    assert svg.startswith("<svg")
    assert "Nhà ở tạm bợ" in svg
    assert "Mục tiêu" in svg


def test_a_bar_chart_renders_as_png_for_word_files():
    png = bar_chart(["Đã hoàn thành", "Quá hạn"], [12, 3], fmt="png")
    assert png.startswith(b"\x89PNG")


def test_inline_svg_carries_no_inline_style_that_the_content_security_policy_would_block():
    svg = as_svg_text(line_chart({"Rác thải được thu gom": [(2016, 70), (2020, 95.5)]}, target=90))
    assert "style=" not in svg
    assert "<style" not in svg
    assert 'fill="#0b4f9c"' in svg or 'stroke="#0b4f9c"' in svg
