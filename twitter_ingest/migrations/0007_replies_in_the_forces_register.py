"""The replies on X in the force's own register (docs/glossary.md, "Replies on X"). Only a text still as
0002 wrote it is replaced, one language at a time, so wording HQ has edited stays as HQ wrote it."""

from django.db import migrations

OLD = {
    "reply_with_code": (
        "Your complaint has been registered with UP Police. Tracking code: {code}. Please quote it in any "
        "follow-up.{link}",
        "आपकी शिकायत यूपी पुलिस में दर्ज कर ली गई है। ट्रैकिंग कोड: {code}। आगे की जानकारी हेतु यही कोड लिखें।{link}",
    ),
    "forward": (
        "@{handle} Please take necessary action on complaint {code} and reply Noted.",
        "@{handle} कृपया शिकायत {code} पर आवश्यक कार्यवाही कर Noted से अवगत कराएं।",
    ),
    "noted": ("Noted. {code}", "संज्ञान में लिया गया। {code}"),
    "closing": (
        "Complaint {code} has been resolved: {report}{link}",
        "शिकायत {code} का निस्तारण कर दिया गया है: {report}{link}",
    ),
    "status": ("Complaint {code}: {stage}.{link}", "शिकायत {code}: {stage}।{link}"),
}

NEW = {
    "reply_with_code": (
        "Your complaint has been received by Uttar Pradesh Police. Its tracking code is {code} — please quote "
        "this code in all further communication. In an emergency, dial 112.{link}",
        "आपकी शिकायत उत्तर प्रदेश पुलिस को प्राप्त हो गई है, जिसका ट्रैकिंग कोड {code} है। कृपया आगे के संवाद में "
        "यही कोड लिखें। आपात स्थिति में डायल 112 करें।{link}",
    ),
    "forward": (
        "@{handle} Kindly take cognizance of complaint {code} and take necessary action. Please apprise us of "
        "the action taken.",
        "@{handle} कृपया शिकायत {code} का संज्ञान लेकर आवश्यक कार्यवाही करें एवं कृत कार्यवाही से अवगत कराएँ।",
    ),
    "noted": (
        "Noted. Necessary action on complaint {code} is being taken.",
        "शिकायत {code} संज्ञान में ली गई है। आवश्यक कार्यवाही की जा रही है।",
    ),
    "closing": (
        "Complaint {code} has been disposed of. Action taken: {report}{link}",
        "शिकायत {code} का निस्तारण किया गया है। कृत कार्यवाही: {report}{link}",
    ),
    "status": (
        "Complaint {code} — present status: {stage}.{link}",
        "शिकायत {code} की वर्तमान स्थिति: {stage}।{link}",
    ),
}


def _replace(apps, before, after):
    ReplyTemplate = apps.get_model("twitter_ingest", "ReplyTemplate")
    for key, (en, hi) in after.items():
        old_en, old_hi = before[key]
        ReplyTemplate.objects.filter(key=key, text_en=old_en).update(text_en=en)
        ReplyTemplate.objects.filter(key=key, text_hi=old_hi).update(text_hi=hi)


def use_the_forces_register(apps, schema_editor):
    _replace(apps, OLD, NEW)


def back_to_the_old_wording(apps, schema_editor):
    _replace(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("twitter_ingest", "0006_watches")]
    operations = [migrations.RunPython(use_the_forces_register, back_to_the_old_wording)]
