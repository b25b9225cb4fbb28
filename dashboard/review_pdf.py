"""The weekly review drawn as a PDF with fpdf2. Devanagari is shaped by HarfBuzz (fpdf2's text shaping
through uharfbuzz), so conjuncts (क्ष, त्र, ज्ञ, द्ध) and the matra ि come out as in print; the text is
set in Noto Sans with Noto Sans Devanagari as the fallback for the letters Noto Sans lacks (both shipped
in dashboard/fonts with their licence, so nothing depends on the machine's fonts). Labels are gettext's,
in the language active when render() runs (review_report.build sets it)."""

import logging
from pathlib import Path

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _, ngettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .review_models import HonourMetric

# fontTools logs every glyph it keeps when fpdf2 subsets a font, at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).resolve().parent / "fonts"
DASH = "—"
NAME_WIDTH = 52


def _fmt(value):
    """A figure as the reader reads it: counts grouped in lakhs and crores (12,34,567; seva/formats)."""
    if value is None:
        return DASH
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, force_grouping=True)
    if isinstance(value, int) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return str(value)


def _name(obj, hindi):
    if obj is None:
        return _("Not yet routed (with HQ)")
    if isinstance(obj, dict):
        return (obj.get("unit_name_hi") or obj["unit_name_en"]) if hindi else obj["unit_name_en"]
    return (obj.name_hi or obj.name_en) if hindi else obj.name_en


class ReviewPDF(FPDF):
    def __init__(self, title):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.review_title = title
        for family, style, face in (("sans", "", "NotoSans-Regular"), ("sans", "B", "NotoSans-Bold"),
                                    ("deva", "", "NotoSansDevanagari-Regular"),
                                    ("deva", "B", "NotoSansDevanagari-Bold")):
            self.add_font(family, style, str(FONTS / f"{face}.ttf"))
        self.set_fallback_fonts(["deva"], exact_match=False)
        self.set_text_shaping(True)
        self.set_auto_page_break(True, margin=14)
        self.alias_nb_pages()
        self.set_title(title)
        self.set_creator("UP Police Twitter Seva")

    def footer(self):
        self.set_y(-10)
        self.set_font("sans", "", 7)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.review_title} · {_('Page')} {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)

    def heading(self, text, size=12):
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.set_font("sans", "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        self.set_font("sans", "", 8)

    def para(self, text, size=8):
        self.set_font("sans", "", size)
        self.multi_cell(0, size * 0.45, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, header, rows, widths, first_left=True):
        self.set_font("sans", "", 7.5)
        align = ["LEFT" if (i == 0 and first_left) else "RIGHT" for i in range(len(widths))]
        with self.table(col_widths=widths, text_align=align, line_height=3.8, padding=0.8,
                        width=sum(widths), align="LEFT", first_row_as_headings=True) as table:
            head = table.row()
            for label in header:
                head.cell(label)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(_fmt(value))
        self.ln(2)


def _mark_cluster_tails(pdf):
    """HarfBuzz draws a cluster such as मि with several glyphs; fpdf2 gives the cluster's letters to its
    first glyph and no letters to the rest, which readers then copy out as stray symbols. Those glyphs
    are given a zero-width space instead, so copied and searched text reads as written."""
    for font in pdf.fonts.values():
        subset = getattr(font, "subset", None)
        for glyph, _code in (subset.items() if subset is not None else ()):
            if glyph is not None and not glyph.unicode:
                glyph.unicode = (0x200B,)


def _figure_columns():
    return [
        ("received", _("Received")), ("forwarded", _("Forwarded")),
        ("noted_within_target_pct", _("Noted in time (%)")),
        ("median_minutes_to_noted", _("Median minutes to Noted")),
        ("median_minutes_to_resolution", _("Median minutes to disposal")),
        ("disposed", _("Disposed")), ("not_heard", _("Not heard")),
        ("pending_beyond_target", _("Pending beyond target")), ("reopened", _("Reopened")),
        ("satisfaction_pct", _("Citizen satisfaction (%)")), ("urgent", _("Urgent")),
        ("sensitive", _("Sensitive")),
    ]


def _figures_table(pdf, label, lines, hindi):
    columns = _figure_columns()
    width = (pdf.epw - NAME_WIDTH) / len(columns)
    pdf.grid([label, *[c[1] for c in columns]],
             [[_name(line, hindi), *[line.get(key) for key, _label in columns]] for line in lines],
             [NAME_WIDTH, *[width] * len(columns)])


def render(data, language) -> bytes:
    hindi = language.startswith("hi")
    scope = data["scope"]
    title = _("Weekly review %(week)s") % {"week": data["week"]}
    pdf = ReviewPDF(title)
    pdf.add_page()
    pdf.set_font("sans", "B", 16)
    pdf.multi_cell(0, 8, _("Weekly review of complaints on X") + " — " + _name(scope, hindi),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(_("Week %(week)s: %(first)s to %(last)s (IST). Drawn %(at)s IST.") % {
        "week": data["week"], "first": data["first"].strftime("%d.%m.%Y"),
        "last": data["last"].strftime("%d.%m.%Y"), "at": data["generated_at"].strftime("%d.%m.%Y %H:%M")}, 9)
    if not data["final"]:
        pdf.para(_("The week has not ended: these figures are provisional."), 9)
    pdf.para(_("A complaint counts for the unit it is with now, in the week it was received. Noted in time: "
               "of those forwarded. Not heard: forwarded, still open and never noted. Medians are in minutes "
               "from forwarding. Citizen satisfaction: of the complaints whose complainant answered after "
               "resolution. “—”: no figure (nothing to count, or not yet measured)."))

    pdf.heading(_("The week in figures"))
    _figures_table(pdf, _("Scope"), [data["state"]], hindi)
    if data["zones"]:
        pdf.heading(_("Zones"), 11)
        _figures_table(pdf, _("Zone"), data["zones"], hindi)
    if data["ranges"]:
        pdf.heading(_("Ranges"), 11)
        _figures_table(pdf, _("Range"), data["ranges"], hindi)
    pdf.heading(_("Units, by rank"), 11)
    _figures_table(pdf, _("Unit"), data["units"], hindi)
    if data["quiet_units"]:
        pdf.para(ngettext("%(n)s unit received no complaints in the week and is not listed.",
                          "%(n)s units received no complaints in the week and are not listed.",
                          data["quiet_units"]) % {"n": _fmt(data["quiet_units"])})

    pdf.heading(_("Not heard: forwarded, still open and never noted"))
    if not data["not_heard"]:
        pdf.para(_("None."))
    for unit, listed in data["not_heard"]:
        shown = ", ".join(f"{c['code']} ({_fmt(c['hours'])} h)" for c in listed[:25])
        more = len(listed) - 25
        text = f"{_name(unit, hindi)} ({_fmt(len(listed))}): {shown}"
        if more > 0:
            text += " " + ngettext("and %(n)s more complaint", "and %(n)s more complaints", more) % {"n": _fmt(more)}
        pdf.para(text)
    pdf.para(_("Hours: since the complaint was forwarded, when this report was drawn."), 7)

    month = data["honour_month"]
    pdf.heading(_("Honour roll of %(month)s") % {"month": month.strftime("%m/%Y")})
    if not data["honour_rolls"]:
        pdf.para(_("No rules are set."))
    for roll in data["honour_rolls"]:
        rule = roll.rule_snapshot
        metric = str(HonourMetric(rule["metric"]).label)
        pdf.set_font("sans", "B", 9)
        pdf.multi_cell(0, 4.5, f"{rule['name_hi'] if hindi else rule['name_en']} ({metric}; "
                       + ngettext("at least %(n)s complaint", "at least %(n)s complaints", rule["min_received"])
                       % {"n": _fmt(rule["min_received"])} + ")",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        lines = [f"{e['place']}. {(e['name_hi'] or e['name_en']) if hindi else e['name_en']}: {_fmt(e['value'])}"
                 + (f" ({_('month before')} {_fmt(e['previous'])})" if e.get("previous") is not None else "")
                 + f" · {_('received')} {_fmt(e['received'])}" for e in roll.entries]
        pdf.para("; ".join(lines) if lines else _("None."))

    pdf.heading(_("Spikes of the week"))
    pdf.para(_("An hour is a spike for a unit when it received at least %(min)s complaints and at least "
               "%(factor)s times the average of the same hour of the week over the previous four weeks.")
             % {"min": data.get("spike_min", 5), "factor": data.get("spike_factor", 3)}, 7)
    if data["spikes"]:
        pdf.grid([_("Unit"), _("Hour (IST)"), _("Received"), _("Average before"), _("Times the average")],
                 [[_name(s["unit"], hindi), timezone.localtime(s["hour"]).strftime("%d.%m.%Y %H:00"),
                   _fmt(s["count"]), _fmt(s["average"]), _fmt(s["ratio"])] for s in data["spikes"]],
                 [NAME_WIDTH + 18, 40, 25, 30, 30])
        if data["spike_count"] > len(data["spikes"]):
            pdf.para(ngettext("%(n)s spike in all; the largest are listed.",
                              "%(n)s spikes in all; the largest are listed.", data["spike_count"]) % {"n": _fmt(data["spike_count"])})
    else:
        pdf.para(_("None."))

    pdf.heading(_("Top hashtags and terms of the week"))
    tags, terms = data["trending"]["hashtags"], data["trending"]["terms"]
    pdf.para(_("Hashtags") + ": " + (", ".join(f"{t} ({n})" for t, n in tags) or _("None.")))
    pdf.para(_("Terms") + ": " + (", ".join(f"{t} ({n})" for t, n in terms) or _("None.")))
    pdf.para(_("Each complaint counts a hashtag or term once; common words and sensitive complaints are left out."), 7)

    pdf.heading(_("X spend"))
    spend = data["x_spend"]
    pdf.para(_("Not yet measured.") if spend is None else
             _("%(usd)s USD on the X API (pay-per-use, UTC days).") % {"usd": spend})
    _mark_cluster_tails(pdf)
    return bytes(pdf.output())
