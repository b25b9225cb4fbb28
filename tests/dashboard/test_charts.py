"""Server-drawn SVG charts: well-formed, scaled, and no label can inject markup."""

import re
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


def test_bar_labels_are_whole_names_on_as_many_lines_as_they_need():
    long_en = "Police Commissionerate Gautam Buddh Nagar (Noida) Traffic"
    long_hi = "पुलिस कमिश्नरेट गौतम बुद्ध नगर यातायात"
    svg = str(charts.hbars([(long_en, 7), (long_hi, 3), ("Meerut", 1)], "By unit"))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    labels = [" ".join(t.text for t in text.iter(f"{ns}tspan"))
              for text in root.iter(f"{ns}text") if text.get("class") == "chart-label"]
    # Tried: names longer than a line; each comes back whole, the long one over more than one line.
    assert labels == [long_en, long_hi, "Meerut"]
    first = next(t for t in root.iter(f"{ns}text") if t.get("class") == "chart-label")
    assert len(list(first.iter(f"{ns}tspan"))) >= 2
    bars = [float(r.get("y")) for r in root.iter(f"{ns}rect")]
    assert bars == sorted(bars) and bars[1] - bars[0] > 18 + 4  # the tall row pushes the next one down


def test_league_chart_names_units_whole_and_days_in_the_readers_language(client_for, hq, forwarded):
    from django.urls import reverse

    from districts.models import Unit

    forwarded("gautam-buddh-nagar-commissionerate", text="सेक्टर 62 में रात भर तेज़ संगीत")
    unit = Unit.objects.get(slug="gautam-buddh-nagar-commissionerate")
    client = client_for(hq)
    for lang, name in (("en", unit.name_en), ("hi", unit.name_hi)):
        client.cookies["django_language"] = lang
        html = client.get(reverse("dashboard:league"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        words = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", html))
        # Tried: a unit whose name is longer than a chart line; every word of it is drawn, in order.
        assert name in words, (lang, name)
    days = re.findall(r'class="chart-label">([^<]+)</text>', html)
    assert days and all(re.fullmatch(r"\d{1,2} (जनवरी|फ़रवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|अक्टूबर|नवंबर|दिसंबर)", d)
                        for d in days), days
