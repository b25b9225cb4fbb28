from complaints.models import Complaint
from twitter_ingest import poller
from twitter_ingest.models import Mention, Outbox

from .conftest import mention


def test_poll_files_a_mention(fake_x, state_account):
    mention(fake_x, "citizen_a", "@Uppolice मेरी बाइक चोरी हो गई है, थाना हज़रतगंज क्षेत्र। कृपया मदद करें")
    outcome = poller.poll_account(state_account)
    assert outcome.run.error == ""
    assert outcome.run.filed == 1
    complaint = Complaint.objects.get()
    assert complaint.suggested_unit.slug == "lucknow-commissionerate"
    assert Mention.objects.get().complaint == complaint
    assert Outbox.objects.get().kind == "reply_with_code"
