"""Server-drawn SVG charts: well-formed, scaled, and no label can inject markup."""

import xml.etree.ElementTree as ET

from dashboard import charts


def test_bars_are_scaled_and_labels_escaped():
    svg = str(charts.hbars([("<script>alert(1)</script>", 10), ("मेरठ", 5), ("zero", 0)], "By unit"))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    widths = [float(r.get("width")) for r in root.iter(f"{ns}rect")]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "मेरठ" in svg


def test_line_has_a_point_per_day_and_survives_empty_data():
    svg = str(charts.line([(f"{d:02d} Nov", d % 4) for d in range(1, 31)], "Per day"))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(list(root.iter(f"{ns}circle"))) == 30
    ET.fromstring(str(charts.line([], "Nothing")))
    ET.fromstring(str(charts.hbars([], "Nothing")))
