"""The one chart component: an accessible SVG with the same data as a table, safe under a strict CSP."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from innokop.core.charts import Chart, Series, format_value, layout, nice_scale
from innokop.core.exports import xlsx_bytes

SVG = "{http://www.w3.org/2000/svg}"


def render(*charts: Chart) -> str:
    context = {f"c{i}": chart for i, chart in enumerate(charts)}
    source = "{% load charts %}<div>" + "".join(f"{{% chart c{i} %}}" for i in range(len(charts))) + "</div>"
    with translation.override("en"):
        return Template(source).render(Context(context))


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, html
    return ET.fromstring(match.group(0))  # raises when not well-formed


def quarters_chart(**overrides) -> Chart:
    values = dict(
        title="Contracted value per quarter",
        description="Value of contracts signed each quarter.",
        categories=["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"],
        series=[Series("Contracted", [Decimal("100"), Decimal("200"), None, Decimal("50")])],
        unit="kr",
    )
    values.update(overrides)
    return Chart(**values)


def test_it_renders_well_formed_svg_with_title_and_desc_referenced_by_aria():
    html = render(quarters_chart())
    svg = svg_of(html)
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text == "Contracted value per quarter"
    assert desc.text == "Value of contracts signed each quarter."
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "<figure" in html and "<figcaption" in html


def test_bars_scale_to_their_values_from_a_common_zero_line():
    drawing = layout(quarters_chart())
    heights = [bar.height for bar in drawing.bars]
    assert len(heights) == 3  # None draws no bar
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.02)
    assert heights[2] == pytest.approx(heights[0] / 2, abs=0.02)
    assert all(round(bar.y + bar.height, 2) == drawing.zero_y for bar in drawing.bars)
    # the axis reaches 200 at least, and 200 is drawn no higher than the top of the plot
    assert drawing.bars[1].y >= drawing.plot_top
    assert drawing.zero_y == drawing.plot_bottom


def test_the_svg_draws_the_bars_the_layout_computed():
    svg = svg_of(render(quarters_chart()))
    rects = svg.findall(f".//{SVG}rect")
    assert [float(r.get("height")) for r in rects] == [bar.height for bar in layout(quarters_chart()).bars]
    assert [r.find(f"{SVG}title").text for r in rects] == [
        "2026 Q1, Contracted: 100\u00a0kr", "2026 Q2, Contracted: 200\u00a0kr", "2026 Q4, Contracted: 50\u00a0kr",
    ]


def test_negative_values_hang_below_the_zero_line():
    chart = quarters_chart(series=[Series("Change", [10, -5, 0, None])], unit="")
    drawing = layout(chart)
    up, down, flat = drawing.bars
    assert up.y + up.height == pytest.approx(drawing.zero_y)
    assert down.y == drawing.zero_y and down.height == pytest.approx(up.height / 2, abs=0.02)
    assert flat.height == 0
    assert drawing.plot_top < drawing.zero_y < drawing.plot_bottom
    assert any(tick.label.startswith("-") or tick.label.startswith("\u2212") for tick in drawing.ticks)


def test_grouped_bars_sit_side_by_side_inside_their_category():
    chart = quarters_chart(series=[Series("A", [1, 2, 3, 4]), Series("B", [4, 3, 2, 1])], unit="")
    drawing = layout(chart)
    a0, b0 = drawing.bars[0], drawing.bars[4]
    assert b0.x == pytest.approx(a0.x + a0.width)
    assert b0.height == pytest.approx(4 * a0.height, abs=0.05)
    assert ["ik-chart__series--0", "ik-chart__series--1"] == sorted(
        {cls for cls in re.findall(r"ik-chart__series--\d", render(chart))}
    )


def test_a_line_breaks_where_a_value_is_missing():
    chart = quarters_chart(kind="line", series=[Series("Share", [10, 20, None, 40])], unit="%")
    drawing = layout(chart)
    (line,) = drawing.lines
    assert len(line.points) == 3
    assert len(line.segments) == 1 and line.segments[0].count(",") == 2  # 2026 Q1–Q2; Q4 stands alone
    svg = svg_of(render(chart))
    assert len(svg.findall(f".//{SVG}circle")) == 3
    assert len(svg.findall(f".//{SVG}polyline")) == 1


def test_the_target_line_is_drawn_at_its_value_and_labelled():
    chart = quarters_chart(series=[Series("On time", [50, 100, 75, 25])], unit="%", target=Decimal("80"))
    drawing = layout(chart)
    height_of_100 = drawing.zero_y - drawing.bars[1].y
    assert drawing.zero_y - drawing.target_y == pytest.approx(0.8 * height_of_100, abs=0.02)
    with translation.override("en"):
        assert "Target: 80" in render(chart)
        assert "Maximum: 80" in render(quarters_chart(target=Decimal("80"), target_label="Maximum"))


def test_an_all_zero_chart_still_has_a_scale_and_flat_bars():
    drawing = layout(quarters_chart(series=[Series("Nothing", [0, 0, 0, 0])]))
    assert all(bar.height == 0 for bar in drawing.bars)
    assert len(drawing.ticks) >= 2


def test_a_chart_without_values_says_so_instead_of_an_empty_picture():
    html = render(quarters_chart(series=[Series("Contracted", [None, None, None, None])]))
    assert "<svg" not in html and "<table" not in html
    assert "No data yet." in html
    assert "Contracted value per quarter" in html
    assert "No data yet." in render(quarters_chart(categories=[], series=[]))


def test_the_table_has_the_same_numbers_as_the_chart():
    chart = quarters_chart(series=[Series("Contracted", [Decimal("1250000"), 200, None, Decimal("0.5")])])
    header, rows = chart.table()
    assert header == ["Category", "Contracted (kr)"] or header[1] == "Contracted (kr)"
    assert rows == [["2026 Q1", Decimal("1250000")], ["2026 Q2", 200], ["2026 Q3", None], ["2026 Q4", Decimal("0.5")]]
    html = render(chart)
    cells = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">(.*?)</td>', html, re.S)
    assert cells[0] == "1\u00a0250\u00a0000\u00a0kr" and cells[1] == "200\u00a0kr" and cells[3] == "0,50\u00a0kr"
    assert "no value" in cells[2]
    assert re.search(r"<caption[^>]*>Contracted value per quarter", html)
    # the XLSX export takes the same rows as they are: numbers stay numbers
    from io import BytesIO

    from openpyxl import load_workbook
    sheet = load_workbook(BytesIO(xlsx_bytes("Chart", header, rows))).active
    assert [c.value for c in sheet[2]] == ["2026 Q1", 1250000]


def test_no_script_and_no_style_attribute_under_the_strict_csp():
    html = render(quarters_chart(), quarters_chart(kind="line", target=Decimal("120")))
    assert "<script" not in html.lower()
    assert "style=" not in html.lower()
    assert not re.search(r"\son\w+=", html)  # no event handler attributes


def test_labels_are_escaped_everywhere():
    evil = '<script>alert("x")</script>'
    chart = Chart(
        title=evil, description=evil, categories=[evil, "Q2"], series=[Series(evil, [1, 2]), Series("B", [2, 1])],
    )
    html = render(chart)
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    svg_of(html)  # still well-formed


def test_long_labels_are_shortened_in_the_picture_and_whole_in_the_table():
    long = "Statens servicecenter för digital förvaltning och e-legitimation"
    chart = quarters_chart(categories=[long, "B", "C", "D"])
    drawing = layout(chart)
    assert drawing.labels[0].text.endswith("…") and len(drawing.labels[0].text) <= 16
    assert not drawing.rotate_labels  # four shortened labels fit side by side
    crowded = Chart(title="t", description="d", categories=[f"{long} {i}" for i in range(8)], series=[Series("s", list(range(8)))])
    assert layout(crowded).rotate_labels
    assert 'transform="rotate(-35' in render(crowded)
    html = render(chart)
    assert f'<th scope="row" class="govuk-table__header">{long}</th>' in html
    svg = svg_of(html)
    label = [t for t in svg.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None][0]
    assert label.find(f"{SVG}title").text == long


def test_two_charts_on_one_page_have_their_own_ids():
    html = render(quarters_chart(), quarters_chart())
    ids = re.findall(r'<title id="([^"]+)"', html)
    assert len(ids) == 2 and ids[0] != ids[1]


def test_coordinates_are_not_localised_into_decimal_commas():
    with translation.override("sv"):
        html = Template("{% load charts %}{% chart c %}").render(Context({"c": quarters_chart(series=[Series("x", [1, 3, 7, 11])])}))
    svg = svg_of(html)
    for rect in svg.findall(f".//{SVG}rect"):
        float(rect.get("x")), float(rect.get("height"))
    assert "Ingen data" in html or "kr" in html


def test_format_value_reads_as_people_read_numbers():
    with translation.override("sv"):
        assert format_value(Decimal("12.5"), "%") == "12,5\u00a0%"
        assert format_value(1250000, "kr") == "1\u00a0250\u00a0000\u00a0kr"
        assert format_value(None, "kr") == ""
    with translation.override("en"):
        assert format_value(Decimal("12.5"), "%") == "12.5\u00a0%"


def test_nice_scale_covers_the_data_in_round_steps():
    assert nice_scale(0, 200) == (0, 200, 50)
    low, high, step = nice_scale(-5, 10)
    assert low <= -5 and high >= 10 and step in (2.5, 5)
    assert nice_scale(0, 0) == (0, 1, 0.2)
    assert nice_scale(0, 0, whole=True) == (0, 1, 1)
    assert nice_scale(0, 3, whole=True) == (0, 3, 1)
    assert [t.label for t in layout(quarters_chart(series=[Series("n", [0, 0, 0, 0])], unit="")).ticks] == ["0", "1"]


def test_a_series_with_the_wrong_number_of_values_is_refused():
    with pytest.raises(ValueError):
        Chart(title="t", description="d", categories=["a", "b"], series=[Series("s", [1])])
    with pytest.raises(ValueError):
        Chart(title="t", description="d", categories=["a"], series=[Series("s", [1])], kind="pie")


def test_the_caption_can_be_a_heading_for_a_page_of_charts():
    with translation.override("en"):
        html = Template("{% load charts %}{% chart c heading=2 %}").render(Context({"c": quarters_chart()}))
    assert '<h2 class="govuk-heading-m">Contracted value per quarter</h2>' in html
    assert "<h2" not in render(quarters_chart())


def test_a_workbook_of_chart_tables_has_safe_unique_sheet_names():
    from io import BytesIO

    from openpyxl import load_workbook

    from innokop.core.exports import xlsx_sheets_bytes

    long = "Andel kontrakt med små och medelstora företag per kvartal"
    book = load_workbook(BytesIO(xlsx_sheets_bytes([
        (long, ["a"], [[1]]), (long, ["b"], [[2]]), ("Kvartal 1/2 [utkast]: *?", ["c"], [["=SUM(A1)"]]),
    ])))
    names = book.sheetnames
    assert names[0] == long[:31] and len(names[1]) <= 31 and names[1] != names[0] and names[1].endswith(" 2")
    assert not any(char in names[2] for char in "[]:*?/\\")
    assert book[names[2]]["A2"].value == "'=SUM(A1)"  # formula-safe, as in xlsx_bytes
    assert book[names[1]]["A2"].value == 2
