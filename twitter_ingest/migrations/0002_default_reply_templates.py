from django.db import migrations

DEFAULTS = {
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


def create(apps, schema_editor):
    ReplyTemplate = apps.get_model("twitter_ingest", "ReplyTemplate")
    for key, (en, hi) in DEFAULTS.items():
        ReplyTemplate.objects.get_or_create(key=key, defaults={"text_en": en, "text_hi": hi})


class Migration(migrations.Migration):
    dependencies = [("twitter_ingest", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
