"""The words an operator reads out to Dial 112 when handing over an urgent complaint, in Hindi and English:
the tracking code, where it is (the place as the complainant wrote it and the district and thana the desk
placed it in), the words that made it urgent, and how to reach the complainant.

Complaints from X carry no phone number, only the handle; a phone or walk-in complaint has the contact
taken down by staff (author_contact), which is staff-only: this text is shown on the dashboard and never
stored in the audit trail or posted anywhere.
"""

from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Script:
    hi: str
    en: str


def _names(obj):
    if obj is None:
        return "", ""
    return (obj.name_hi or obj.name_en), obj.name_en


def _written_place(complaint):
    """The words of the complaint that placed it (the triage's evidence for unit and thana), in order."""
    triage = complaint.triage or {}
    words = []
    for key in ("thana", "unit"):
        for evidence in (triage.get(key) or {}).get("evidence") or []:
            text = (evidence.get("words") or "").strip()
            rule = evidence.get("rule") or ""
            if text and ":skipped" not in rule and text not in words:
                words.append(text)
    return words


def _place(complaint):
    """(Hindi, English) of where the complaint is; empty parts left out."""
    written = _written_place(complaint)
    station = complaint.police_station or complaint.suggested_station
    unit = complaint.unit or complaint.suggested_unit
    station_hi, station_en = _names(station)
    unit_hi, unit_en = _names(unit)
    hi = [f"थाना {station_hi}" if station_hi else "", f"जनपद/कमिश्नरेट {unit_hi}" if unit_hi else ""]
    en = [f"police station {station_en}" if station_en else "", unit_en]
    if written:
        quoted = ", ".join(f"“{w}”" for w in written)
        hi.append(f"शिकायतकर्ता के शब्दों में {quoted}")
        en.append(f"in the complainant's words {quoted}")
    if complaint.author_location:
        hi.append(f"प्रोफ़ाइल में स्थान: {complaint.author_location}")
        en.append(f"location on the profile: {complaint.author_location}")
    hi, en = [p for p in hi if p], [p for p in en if p]
    return "; ".join(hi) or "स्थान ज्ञात नहीं", "; ".join(en) or "place not known"


def _contact(complaint):
    """(Hindi, English) of how to reach the complainant."""
    parts_hi, parts_en = [], []
    if complaint.author_username:
        parts_hi.append(f"एक्स (ट्विटर) पर @{complaint.author_username}")
        parts_en.append(f"@{complaint.author_username} on X (Twitter)")
    if complaint.author_name:
        parts_hi.insert(0, complaint.author_name)
        parts_en.insert(0, complaint.author_name)
    if complaint.author_contact:
        parts_hi.append(f"संपर्क {complaint.author_contact}")
        parts_en.append(f"contact {complaint.author_contact}")
    else:
        parts_hi.append("फ़ोन नंबर उपलब्ध नहीं")
        parts_en.append("no phone number on file")
    return ", ".join(parts_hi) or "ज्ञात नहीं", ", ".join(parts_en) or "not known"


def script(complaint) -> Script:
    """The prepared text, in both languages, for this complaint as it stands now."""
    code = complaint.tracking_code
    received = timezone.localtime(complaint.received_at).strftime("%d-%m-%Y %H:%M")
    place_hi, place_en = _place(complaint)
    contact_hi, contact_en = _contact(complaint)
    terms = ", ".join(f"“{t}”" for t in (complaint.urgent_terms or []))
    hi = (
        f"यूपी पुलिस ट्विटर सेवा, मुख्यालय सोशल मीडिया सेल से। अति आवश्यक प्रकरण, ट्रैकिंग कोड {code}, "
        f"प्राप्त {received} IST। स्थान: {place_hi}। "
        + (f"अति आवश्यक शब्द: {terms}। " if terms else "")
        + f"शिकायतकर्ता: {contact_hi}। कृपया तत्काल पीआरवी भेजकर कार्यवाही करें और 112 की संदर्भ संख्या बताएँ।"
    )
    en = (
        f"UP Police Twitter Seva, HQ social-media cell. Urgent complaint, tracking code {code}, "
        f"received {received} IST. Place: {place_en}. "
        + (f"Urgent words: {terms}. " if terms else "")
        + f"Complainant: {contact_en}. Please send a PRV now and give us your reference number."
    )
    return Script(hi=hi, en=en)
