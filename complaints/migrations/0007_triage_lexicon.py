"""Triage terms HQ adds to the reviewed lexicon (fixtures/triage/lexicon.csv) or switches off, without a
release (complaints.triage.lexicon merges them over the fixture)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0006_open311_public_id'),
    ]

    operations = [
        migrations.CreateModel(
            name='LexiconTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(help_text='Words as people write them, in Devanagari, Hinglish or English; end with * to match any ending of the last word (गोली* matches गोलियां).', max_length=200, verbose_name='term')),
                ('language', models.CharField(choices=[('hi', 'Hindi (Devanagari)'), ('hinglish', 'Hinglish (Latin script)'), ('en', 'English')], default='hi', max_length=10, verbose_name='language')),
                ('term_class', models.CharField(choices=[('urgent', 'Urgent: life or limb in danger now'), ('not_urgent', 'Not urgent: cancels an urgent word next to it (past event, everyday sense)'), ('sensitive', 'Sensitive: always restricts'), ('not_sensitive', 'Not sensitive: cancels a sensitive word next to it (meter tampering…)'), ('acknowledgement', 'Acknowledgement: the unit has taken the matter up'), ('disposal', 'Disposal: an outcome reported (arrest, recovery, FIR, settled, found false)'), ('not_concerned', "Not concerned: the unit says the place is another unit's"), ('cognizance_request', 'Request for cognizance or action (never an acknowledgement)'), ('appreciation', 'Appreciation or thanks'), ('greeting', 'Festival or day greeting'), ('contrast', 'Contrast ("but"): thanks followed by a complaint'), ('complaint_signal', 'Complaint signal: asks for action or reports harm'), ('status_request', 'Status request'), ('noise', 'Noise: recruitment, politics, spam, jokes'), ('category_information', 'Class: information or suggestion'), ('category_not_police', 'Class: not a police matter'), ('category_action', 'Class: needs police action'), ('hinglish', 'Hinglish word (reply in Hindi)'), ('english', 'English word'), ('cue_minor', 'Cue: a minor'), ('cue_female', 'Cue: a woman or girl'), ('cue_self', 'Cue: the writer speaks of herself'), ('cue_inlaws', 'Cue: in-laws (sasural)'), ('cue_person', 'Cue: a person (not a thing)'), ('cue_now', 'Cue: happening now'), ('cue_husband', 'Cue: husband'), ('place_district', 'Place: district word (जनपद, jila, district)'), ('place_station', 'Place: police-station word (थाना, PS)'), ('place_state', "Place: the state's name (UP, उत्तर प्रदेश)"), ('place_not_after', "Place: after a town's name, not that district (road, colony)"), ('place_not_before', "Place: before a town's name, not that district (village)"), ('place_home', 'Place: where the writer lives, not where it happened'), ('place_ambiguous', 'Place: a name that is also an everyday word'), ('place_cue', 'Place: a word that says a place is meant (in, में, se)'), ('place_generic', 'Place: a station or locality name found in many towns (Civil Lines, Chowk)')], db_index=True, max_length=30, verbose_name='class')),
                ('requires', models.CharField(blank=True, help_text='Cue classes that must also occur in the mention: a|b for either, a&b for both.', max_length=200, verbose_name='requires')),
                ('source', models.CharField(max_length=300, verbose_name='source or reason')),
                ('is_active', models.BooleanField(default=True, help_text='Untick to switch off the reviewed term of this class with the same words, in every spelling the desk reads as the same word.', verbose_name='active')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'triage term',
                'verbose_name_plural': 'triage terms',
                'ordering': ['term_class', 'term'],
                'constraints': [models.UniqueConstraint(fields=('term', 'term_class'), name='lexiconterm_unique_term_class')],
            },
        ),
    ]
