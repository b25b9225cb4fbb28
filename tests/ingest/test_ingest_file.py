"""`ingest_file`: bad input is filed faithfully or skipped with a recorded reason; order and re-runs."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.models import Complaint, Message
from complaints.reasons import describe_in
from twitter_ingest.models import Mention, RejectedInput

STATE = {"id": "1000000000000000001", "username": "Uppolice", "name": "UP POLICE"}


def tweet(tweet_id, text, author="3000000000000000001", **extra):
    return {"id": str(tweet_id), "text": text, "author_id": author, "edit_history_tweet_ids": [str(tweet_id)],
            "created_at": extra.pop("created_at", "2026-11-20T10:00:00.000Z"), **extra}


def line(*tweets, users=None, errors=None):
    body = {"data": list(tweets), "meta": {"result_count": len(tweets)}}
    if users is not None:
        body["includes"] = {"users": users}
    if errors:
        body["errors"] = errors
    return json.dumps(body, ensure_ascii=False)


def write(tmp_path, lines, name="feed.jsonl"):
    path = tmp_path / name
    with open(path, "wb") as handle:
        for item in lines:
            handle.write(item if isinstance(item, bytes) else item.encode("utf-8", "surrogatepass"))
            handle.write(b"\n")
    return path


def ingest(tmp_path, lines, name="feed.jsonl", rejected=False):
    """The command's JSON summary; with rejected=True it must also end with the rejected-input error."""
    path = write(tmp_path, lines, name)
    out = StringIO()
    if rejected:
        with pytest.raises(CommandError) as failed:
            call_command("ingest_file", str(path), "--json", stdout=out)
        assert failed.value.returncode == 3
    else:
        call_command("ingest_file", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


CITIZEN = {"id": "3000000000000000001", "username": "citizen_a", "name": "Citizen A", "location": "Noida"}


@pytest.mark.django_db
def test_bad_input_is_filed_faithfully_or_rejected_with_a_reason(tmp_path):
    big = 2**63 - 7
    lines = [
        line(tweet(1861000000000000001, "@Uppolice " + "लंबी शिकायत " * 900), users=[CITIZEN]),      # ~10,000 chars
        line(tweet(1861000000000000002, "@Uppolice NUL\x00 inside and 🚨 emoji 👨‍👩‍👧"), users=[CITIZEN]),
        line(tweet(1861000000000000003, "@Uppolice \u202eRTL override\u202c مرحبا and zero\u200bwidth\u200d")),  # no includes
        line(tweet(big, "@Uppolice id beyond 2^53", author="4999999999999999999"), users=[CITIZEN]),  # unknown author
        # JSON escapes a lone surrogate as \ud800: valid JSON, not a valid character
        json.dumps({"data": [tweet(1861000000000000004, "@Uppolice lone surrogate \ud800 here")]}),
        '{"data": [{"id": "1861000000000000005", "text": "@Uppolice trunc',                        # truncated
        "this is not json",
        "[1, 2, 3]",
        line({"text": "no id"}, {"id": "12ab", "text": "bad id"}, {"id": "1861000000000000006"}),
        line(errors=[{"value": "1860000000000000000", "title": "Not Found Error", "detail": "Could not find tweet",
                      "resource_id": "1860000000000000000", "resource_type": "tweet",
                      "type": "https://api.twitter.com/2/problems/resource-not-found"}]),
        b"\xff\xfe not utf-8",
        "",
    ]
    summary = ingest(tmp_path, lines, rejected=True)
    assert summary["new complaints"] == 5 and summary["tweets"] == 5
    # X's errors[] entry is recorded, but it is not the file's fault.
    assert summary["input rejected"] == 7 and summary["API errors"] == 1
    assert RejectedInput.objects.count() == 8
    reasons = " | ".join(describe_in("en", r) for r in RejectedInput.objects.values_list("reason", flat=True))
    for expected in ("Malformed JSON", "Not a tweet id", "without a usable id", "has no text", "X reported an error",
                     "Not UTF-8", "must be a JSON object"):
        assert expected in reasons
    long = Complaint.objects.get(source_tweet_id="1861000000000000001")
    assert len(long.text) > 9000 and long.author_location == "Noida"
    nul = Complaint.objects.get(source_tweet_id="1861000000000000002")
    assert "\x00" not in nul.text and "🚨" in nul.text and "👨‍👩‍👧" in nul.text
    assert nul.events.get(action="file").data["text_cleaned"]
    rtl = Complaint.objects.get(source_tweet_id="1861000000000000003")
    assert "\u202e" in rtl.text and "\u200b" in rtl.text and rtl.author_username == ""
    beyond = Complaint.objects.get(source_tweet_id=str(big))
    assert int(beyond.source_tweet_id) == big and beyond.author_id == "4999999999999999999"
    raw = Mention.objects.get(tweet_id="1861000000000000002")
    assert len(raw.content_hash) == 64 and raw.raw["tweet"]["text"].startswith("@Uppolice NUL")


@pytest.mark.django_db
def test_time_order_whatever_the_line_order_and_idempotent_reruns(tmp_path):
    root = tweet(1861000000000000100, "@Uppolice Naubasta me chori", created_at="2026-11-20T10:00:00.000Z",
                 conversation_id="1861000000000000100")
    follow = tweet(1861000000000000200, "@Uppolice abhi tak koi nahi aaya", created_at="2026-11-20T11:00:00.000Z",
                   conversation_id="1861000000000000100",
                   referenced_tweets=[{"type": "replied_to", "id": "1861000000000000100"}])
    lines = [line(follow, users=[CITIZEN]), line(root, users=[CITIZEN])]
    first = ingest(tmp_path, lines)
    assert (first["new complaints"], first["follow-ups"]) == (1, 1)
    complaint = Complaint.objects.get()
    assert Message.objects.get(complaint=complaint).kind == "citizen"
    again = ingest(tmp_path, lines + [line(root, follow, users=[CITIZEN])], name="again.jsonl")
    assert again["already filed"] == 4 and again["new complaints"] == 0
    assert Mention.objects.count() == 2 and Complaint.objects.count() == 1


@pytest.mark.django_db
def test_a_tweet_filed_by_hand_is_not_filed_again(tmp_path, make_complaint):
    existing = make_complaint(source_tweet_id="1861000000000000300")
    summary = ingest(tmp_path, [line(tweet(1861000000000000300, "@Uppolice same tweet"), users=[CITIZEN])])
    assert summary["ignored"] == 1
    assert Mention.objects.get().complaint == existing


@pytest.mark.django_db
def test_manual_intake_uses_the_same_path():
    from twitter_ingest.filing import file_manual

    summary = file_manual(tweet(1861000000000000400, "@Uppolice Sigra me chori", lang="hi"), includes={"users": [CITIZEN]})
    assert summary.counts == {"complaint": 1}
    again = file_manual(tweet(1861000000000000400, "@Uppolice Sigra me chori"))
    assert again.already == 1 and Complaint.objects.get().suggested_unit.slug == "varanasi-commissionerate"
    assert Mention.objects.get().source == "manual"


@pytest.mark.django_db
def test_an_edited_tweet_keeps_what_was_filed_and_adds_the_edit_to_the_thread(tmp_path):
    original = tweet(1861000000000000500, "@Uppolice chori hui Naini me")
    edited = tweet(1861000000000000501, "@Uppolice chori hui Naini me, edit: 2 bikes",
                   edit_history_tweet_ids=["1861000000000000500", "1861000000000000501"],
                   created_at="2026-11-20T10:05:00.000Z")
    ingest(tmp_path, [line(original, users=[CITIZEN])])
    summary = ingest(tmp_path, [line(edited, users=[CITIZEN])], name="edit.jsonl")
    assert summary["edits"] == 1 and Complaint.objects.get().text == "@Uppolice chori hui Naini me"
    assert Mention.objects.get(tweet_id="1861000000000000501").complaint == Complaint.objects.get()
    edit = Complaint.objects.get().messages.get()
    assert (edit.kind, edit.tweet_id, edit.text) == ("edit", "1861000000000000501",
                                                     "@Uppolice chori hui Naini me, edit: 2 bikes")


POISON_TRIGGER = {
    "sqlite": ["CREATE TRIGGER poison BEFORE INSERT ON complaints_message WHEN NEW.text LIKE '%poison%' "
               "BEGIN SELECT RAISE(ABORT, 'poison message'); END"],
    "postgresql": ["CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.text LIKE '%poison%' THEN "
                   "RAISE EXCEPTION 'poison message'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER poison BEFORE INSERT ON complaints_message FOR EACH ROW EXECUTE FUNCTION poison()"],
}


@pytest.mark.django_db
def test_a_poison_mention_is_rejected_with_its_reason_and_the_rest_is_filed(tmp_path):
    from django.db import connection

    # The database refuses one follow-up (a stand-in for any unexpected error); the batch is filed again
    # one by one, so only that mention is rejected and the others are filed.
    with connection.cursor() as cursor:
        for statement in POISON_TRIGGER[connection.vendor]:
            cursor.execute(statement)
    root = tweet(1861000000000000600, "@Uppolice Lanka me chori", conversation_id="1861000000000000600")
    replies = [tweet(1861000000000000600 + i, f"@Uppolice {word}", conversation_id="1861000000000000600",
                     created_at=f"2026-11-20T10:0{i}:00.000Z",
                     referenced_tweets=[{"type": "replied_to", "id": "1861000000000000600"}])
               for i, word in ((1, "abhi tak koi nahi aaya"), (2, "poison pill"), (3, "abhi bhi intezaar"))]
    summary = ingest(tmp_path, [line(root, *replies, users=[CITIZEN])])
    assert (summary["new complaints"], summary["follow-ups"], summary["rejected"]) == (1, 2, 1)
    rejected = Mention.objects.get(tweet_id="1861000000000000602")
    assert rejected.outcome == "rejected" and "poison message" in describe_in("en", rejected.reason)
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_rejected_lines_fail_the_run_and_are_recorded_once(tmp_path):
    lines = [line(tweet(1861000000000000700, "@Uppolice Chinhat me chori"), users=[CITIZEN]),
             '{"data": [{"id": "1861000000000000701", "text": "@Uppolice trunc',
             line({"id": "12ab", "text": "bad id"}, {"text": "no id"})]
    path = write(tmp_path, lines)
    for run in range(2):
        out = StringIO()
        with pytest.raises(CommandError) as failed:
            call_command("ingest_file", str(path), "--no-progress", stdout=out)
        message = str(failed.value)
        assert failed.value.returncode == 3
        assert message.startswith("3 piece(s) of input on 2 line(s) could not be filed")
        assert "line 2, column 49: Malformed JSON at column 49: Unterminated string" in message
        assert "line 3: Not a tweet id" in message and "Rejected input" in message and str(path) in message
        assert f"{3 if run == 0 else 0} new in this run" in message
        assert RejectedInput.objects.count() == 3          # recorded once, however often the file is run
    assert Complaint.objects.count() == 1
    assert sorted(RejectedInput.objects.values_list("line", flat=True)) == [2, 3, 3]
    # The same bad line elsewhere in another file is another piece of input.
    ingest(tmp_path, [lines[0], lines[0], lines[1]], name="other.jsonl", rejected=True)
    assert RejectedInput.objects.count() == 4


@pytest.mark.django_db
def test_json_errors_name_the_line_and_column(tmp_path):
    summary = ingest(tmp_path, ['{"data": [', '{"data": [{"id": "1", "text": "x"}], "meta": {"result_count": 1,}}',
                                "[" * 100000], rejected=True)
    where = summary["rejected lines"]
    assert where[0].startswith("line 1, column 11: Malformed JSON at column 11: Expecting value")
    assert where[1].startswith("line 2, column 65: Malformed JSON at column 65: Expecting property name")
    assert where[2].startswith("line 3: Malformed JSON: RecursionError")
    excerpt = RejectedInput.objects.get(line=2).excerpt
    assert '"result_count": 1,}}' in excerpt


@pytest.mark.django_db
def test_api_errors_alone_do_not_fail_the_run(tmp_path):
    summary = ingest(tmp_path, [line(tweet(1861000000000000800, "@Uppolice Lanka me chori",
                                           referenced_tweets=[{"type": "replied_to", "id": "1860000000000000001"}]),
                                     errors=[{"value": "1860000000000000001", "title": "Not Found Error",
                                              "resource_id": "1860000000000000001", "resource_type": "tweet",
                                              "detail": "Could not find tweet"}])])
    assert summary["API errors"] == 1 and summary["input rejected"] == 0 and RejectedInput.objects.count() == 1


@pytest.mark.django_db
def test_a_text_longer_than_x_allows_is_cut_and_kept_as_evidence(tmp_path):
    huge = "@Uppolice " + "मेरी शिकायत सुनिए " * 300000          # 5.4 million characters on one line
    summary = ingest(tmp_path, [line(tweet(1861000000000000900, huge), users=[CITIZEN])])
    assert summary["new complaints"] == 1 and summary["texts cut"] == 1
    complaint = Complaint.objects.get()
    assert len(complaint.text) == 25000 and huge.startswith(complaint.text)
    event = complaint.events.get(action="text_cut")
    assert event.data == {"kept": 25000, "cut": len(huge) - 25000}
    assert Mention.objects.get().raw["tweet"]["text"] == huge


@pytest.mark.slow
def test_the_exit_status_of_a_run_as_an_operator_runs_it(tmp_path):
    from .processes import database_url, env_for, manage, prepare

    with database_url(tmp_path) as url:
        env = env_for(url)
        prepare(env)
        good = write(tmp_path, [line(tweet(1861000000000000950, "@Uppolice Sigra me chori"), users=[CITIZEN])],
                     name="good.jsonl")
        assert manage(env, "ingest_file", str(good), "--no-progress").returncode == 0
        bad = write(tmp_path, [line(tweet(1861000000000000951, "@Uppolice Naini me chori")), "not json"],
                    name="bad.jsonl")
        result = manage(env, "ingest_file", str(bad), "--no-progress", check=False)
        assert result.returncode == 3 and "new complaints       1" in result.stdout
        assert "1 piece(s) of input on 1 line(s) could not be filed (line 2, column 1: Malformed JSON" in result.stderr
