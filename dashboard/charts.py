"""Charts drawn by the server as inline SVG (no script, no external library): bars and a line."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 640
BAR_H = 18
GAP = 4
LINE_H = 13
LABEL_CHARS = 28  # what fits on one line of the label column at the chart's font size


def wrap(label, width=LABEL_CHARS):
    """A label's whole text in lines of at most `width` characters, broken between words (a word longer
    than a line stands alone): a unit's full name, never cut short."""
    lines, line = [], ""
    for word in str(label).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines or [""]


def _num(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def hbars(items, title, width=WIDTH, label_width=190):
    """Horizontal bars for [(label, value), ...]; labels are escaped and shown whole, on as many lines as
    they need (the row grows to fit)."""
    items = [(wrap(label), value) for label, value in items]
    top = max((v for _l, v in items), default=0) or 1
    rows = [max(BAR_H, len(lines) * LINE_H + 4) for lines, _v in items]
    height = sum(rows) + GAP * len(rows) + 24 if items else BAR_H + GAP + 24
    span = width - label_width - 60
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    y = 20
    for (lines, value), row in zip(items, rows):
        w = max(1, round(span * value / top)) if value else 0
        bar_y = y + (row - BAR_H) / 2
        first = y + (row - len(lines) * LINE_H) / 2 + LINE_H - 3
        tspans = "".join(f'<tspan x="{label_width - 6}" dy="{0 if i == 0 else LINE_H}">{escape(text)}</tspan>'
                         for i, text in enumerate(lines))
        parts.append(f'<text x="{label_width - 6}" y="{first:g}" text-anchor="end" class="chart-label">{tspans}</text>')
        parts.append(f'<rect x="{label_width}" y="{bar_y:g}" width="{w}" height="{BAR_H}" class="chart-bar"/>')
        parts.append(f'<text x="{label_width + w + 4}" y="{bar_y + 13:g}" class="chart-value">{_num(value)}</text>')
        y += row + GAP
    if not items:
        parts.append('<text x="10" y="16" class="chart-label">—</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line(points, title, width=WIDTH, height=200):
    """A line (with dots) for [(label, value), ...] in order; first and last labels on the axis."""
    points = list(points)
    top = max((v for _l, v in points), default=0) or 1
    left, bottom, right, upper = 40, height - 24, width - 10, 10
    n = len(points)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="chart-axis"/>',
             f'<text x="{left - 4}" y="{upper + 10}" text-anchor="end" class="chart-value">{top}</text>',
             f'<text x="{left - 4}" y="{bottom}" text-anchor="end" class="chart-value">0</text>']
    coords = []
    for i, (_label, value) in enumerate(points):
        x = left + (right - left) * (i / (n - 1) if n > 1 else 0.5)
        y = bottom - (bottom - upper) * value / top
        coords.append((round(x, 1), round(y, 1), value))
    if coords:
        parts.append('<polyline class="chart-line" fill="none" points="'
                     + " ".join(f"{x},{y}" for x, y, _v in coords) + '"/>')
        for x, y, v in coords:
            parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" class="chart-dot"><title>{v}</title></circle>')
        parts.append(f'<text x="{left}" y="{height - 6}" class="chart-label">{escape(str(points[0][0]))}</text>')
        parts.append(f'<text x="{right}" y="{height - 6}" text-anchor="end" class="chart-label">'
                     f'{escape(str(points[-1][0]))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
