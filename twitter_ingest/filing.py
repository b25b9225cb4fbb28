"""The one filing path, used by the poller, `ingest_file` and manual intake.

For a batch of tweets (oldest first), in one transaction:
1. INSERT the Mention rows ... ON CONFLICT (tweet_id) DO NOTHING RETURNING tweet_id. The rows this
   transaction inserted are the ones it owns: a concurrent filer of the same tweet waits on the unique
   index and then skips it, so every tweet is processed exactly once even with two pollers, overlapping
   pages, or a worker killed mid-batch (its transaction rolls back, nothing is half-filed).
2. Classify each owned mention (classify.decide) and carry the decision out through complaints.lifecycle.
3. Write the outcomes, good-work posts, suggested duplicates and outbox rows in bulk, and move the
   account's checkpoint, still in the same transaction.

Caches (units, accounts, gazetteer) are compiled once per Filer; per batch a handful of queries find
the complaints that the batch's replies belong to."""

import dataclasses
import hashlib
import json
import logging
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from complaints import bulk, lifecycle, reasons
from complaints.models import Complaint, MessageKind, Status
from complaints.triage import fields as triage_fields
from complaints.triage import model as triage_model
from complaints.triage.judge import judge
from districts.models import Unit, XAccount

from . import classify, evidence, outbox
from .classify import Kind, ThreadComplaint
from .gazetteer import Gazetteer, words
from .models import (AccountCandidate, AccountState, DuplicateSuggestion, GoodWorkPost, HashOver, Mention, NotFiled,
                     Outbox, Outcome, RejectedInput, Source)
from .recent import LOOK_BACK, WINDOW, RecentComplaints
from .tweets import envelopes_from_response, media_of, safe, safe_json

log = logging.getLogger(__name__)

INGEST = lifecycle.Actor(name="ingest")
# Merges of a follow-up into its late original (Filer._merge_orphans) are made by this name.
REPAIR = lifecycle.Actor(name="ingest (thread repair)")
RETRYABLE = ("40P01", "40001")  # deadlock detected, serialization failure
# An account's name or bio must say "police" before it can stand for a unit (a citizen's bio names a town too).
_POLICE_WORD = re.compile(r"police|पुलिस|पुलीस|thana|थाना|कमिश्नरेट|commissionerate", re.IGNORECASE)


class Suggestion(NamedTuple):
    unit: object
    confidence: float
    reason: str


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    filed: int = 0
    already: int = 0
    max_lag: float | None = None

    def add(self, other):
        self.counts.update(other.counts)
        self.filed += other.filed
        self.already += other.already
        if other.max_lag is not None:
            self.max_lag = max(self.max_lag or 0, other.max_lag)


class Filer:
    def __init__(self, *, source=Source.FILE, account=None):
        self.source = source
        self.account = account
        self.gazetteer = Gazetteer()
        self.units = self.gazetteer.units
        accounts = list(XAccount.objects.filter(is_active=True))
        self.unit_of_handle = {a.handle.lower(): a.unit_id for a in accounts}
        self.unit_of_user_id = {a.user_id: a.unit_id for a in accounts if a.user_id}
        self.user_id_of_handle = {a.handle.lower(): a.user_id for a in accounts if a.user_id}
        self.own_handles = {a.handle.lower() for a in accounts if a.watched} | {settings.X_STATE_HANDLE.lower()}
        self.own_ids = set(AccountState.objects.exclude(user_id="").values_list("user_id", flat=True))
        self.pending, self.pending_notes, self.claimed = None, None, {}
        self.recent = RecentComplaints()  # for duplicate hints
        self._load_recent()

    # -------------------------------------------------- helpers
    def unit_of_author(self, author_id, username):
        """The unit whose registered account wrote a tweet. By X user id first: a renamed handle keeps its
        id. By handle only when the account's id is not on file, or the tweet carries none: a handle that
        matches but comes with another id is a look-alike (or a handle taken over), not the unit."""
        if author_id and author_id in self.unit_of_user_id:
            return self.unit_of_user_id[author_id]
        handle = (username or "").lower()
        known_id = self.user_id_of_handle.get(handle)
        if known_id and author_id and author_id != known_id:
            return None
        return self.unit_of_handle.get(handle)

    def _thread_view(self, complaint):
        return ThreadComplaint(pk=complaint.pk, status=complaint.status, unit_id=complaint.unit_id,
                               author_id=complaint.author_id,
                               author_username=complaint.author_username, tracking_code=complaint.tracking_code,
                               noted=complaint.noted_at is not None)

    def _load_recent(self):
        since = timezone.now() - WINDOW
        rows = Complaint.objects.filter(received_at__gte=since).order_by("-received_at", "-pk").values_list(
            "pk", "tweeted_at", "received_at", "author_id", "suggested_unit_id", "text")[:LOOK_BACK]
        for pk, tweeted, received, author_id, unit_id, text in reversed(list(rows)):
            self.recent.remember(tweeted or received, pk, author_id, unit_id, self._tokens(text))

    @staticmethod
    def _tokens(text):
        return frozenset(w for w, _ in words(classify.own_words(text)) if len(w) > 2)

    # -------------------------------------------------- the batch
    def file(self, envelopes, *, checkpoint=None, batch_size=500, progress=None, one_by_one=False):
        """File envelopes oldest first; `checkpoint` = (AccountState, newest id) moves with the last batch.
        Each batch is filed with one INSERT per run of new complaints and of thread messages; with
        `one_by_one` (the path a failed batch is filed again by) every mention is filed on its own, which
        must come to the same result."""
        seen, ordered = set(), []
        for env in sorted(envelopes, key=lambda e: e.sort_key):
            if env.tweet_id not in seen:
                seen.add(env.tweet_id)
                ordered.append(env)
        summary = Summary()
        summary.already += len(envelopes) - len(ordered)
        size = batch_size or max(1, len(ordered))
        chunks = [ordered[i:i + size] for i in range(0, len(ordered), size)] or [[]]
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            recent = self.recent.snapshot()
            try:
                result = self._retrying(chunk, checkpoint if last else None, recent, careful=one_by_one)
            except Exception:
                # Something other than a refused change broke the batch (it rolled back as a whole). File it
                # again with a savepoint per mention, so one poison tweet is rejected with its reason
                # instead of blocking the account's checkpoint for ever.
                log.exception("batch of %s mentions failed; filing it again one by one", len(chunk))
                self.recent.restore(recent)
                result = self._retrying(chunk, checkpoint if last else None, recent, careful=True)
            summary.add(result)
            if progress:
                progress(len(chunk))
        return summary

    def _retrying(self, chunk, checkpoint, recent, *, careful, attempts=6):
        """Two filers (--jobs, or a poller beside a backfill) can deadlock on the rows of complaints they
        both touch; PostgreSQL then rolls one batch back whole, so filing it again is safe."""
        for attempt in range(attempts):
            try:
                return self._file_chunk(chunk, checkpoint, careful=careful)
            except OperationalError as exc:
                if getattr(exc.__cause__, "pgcode", None) not in RETRYABLE or attempt == attempts - 1:
                    raise
                log.warning("batch of %s mentions hit %s; retrying", len(chunk), exc.__cause__.pgcode)
                self.recent.restore(recent)
                time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))

    def _file_chunk(self, chunk, checkpoint, careful=False):
        summary = Summary()
        with transaction.atomic(), outbox.batching():
            owned = self._claim(chunk)
            summary.already += len(chunk) - len(owned)
            self._lookups(owned)
            good, dups, updates = [], [], []
            self.not_filed, self.candidates = [], []
            now = timezone.now()

            def settle(env, mention, outcome, reason, complaint_id):
                mention.outcome, mention.reason, mention.complaint_id = outcome, reason[:300], complaint_id
                updates.append(mention)
                summary.counts[outcome] += 1
                summary.filed += 1
                lag = (now - env.created_at).total_seconds()
                summary.max_lag = lag if summary.max_lag is None else max(summary.max_lag, lag)

            # New complaints are filed in runs with one INSERT each (lifecycle.file_complaints); a mention
            # that refers to a complaint still waiting in the run flushes the run first.
            self.pending = None if careful else []
            self.pending_tweets, self.pending_conversations = set(), set()
            self.pending_notes = None if careful else []
            self._settle = settle
            for env, mention in owned:
                if self.pending and self._refers_to_pending(env):
                    self._flush_pending(dups)
                result = (self._file_carefully if careful else self._file_one)(env, mention, good, dups)
                if result is not None:
                    settle(env, mention, *result)
            if self.pending:
                self._flush_pending(dups)
            self._flush_notes()
            self._merge_orphans([m for m in updates if m.outcome == Outcome.COMPLAINT], dups)
            if updates:
                self._save_outcomes(updates)
            if good:
                GoodWorkPost.objects.bulk_create(good)
            if self.not_filed:
                NotFiled.objects.bulk_create(self.not_filed)
            if self.candidates:
                AccountCandidate.objects.bulk_create(self.candidates)
            if dups:
                DuplicateSuggestion.objects.bulk_create(dups, ignore_conflicts=True)
            if checkpoint is not None:
                state, newest = checkpoint
                if newest and (not state.since_id or int(newest) > int(state.since_id)):
                    AccountState.objects.filter(pk=state.pk).update(since_id=newest)
                    state.since_id = newest
        return summary

    @staticmethod
    def _save_outcomes(mentions):
        """One UPDATE ... FROM (VALUES ...) on PostgreSQL: bulk_update's CASE per row costs more than the
        filing itself at backfill rates. Elsewhere a plain executemany."""
        table = Mention._meta.db_table
        rows = [(m.pk, m.outcome, m.reason, m.complaint_id) for m in mentions]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for start in range(0, len(rows), 1000):
                    part = rows[start:start + 1000]
                    values = ", ".join(["(%s, %s, %s, %s::bigint)"] * len(part))
                    cursor.execute(
                        f"UPDATE {table} AS m SET outcome = v.outcome, reason = v.reason, complaint_id = v.cid "
                        f"FROM (VALUES {values}) AS v(id, outcome, reason, cid) WHERE m.id = v.id",
                        [value for row in part for value in row])
            else:
                cursor.executemany(f"UPDATE {table} SET outcome = %s, reason = %s, complaint_id = %s WHERE id = %s",
                                   [(outcome, reason, cid, pk) for pk, outcome, reason, cid in rows])

    def _claim(self, chunk):
        """INSERT ... ON CONFLICT DO NOTHING RETURNING: the mentions this transaction owns."""
        if not chunk:
            return []
        table = Mention._meta.db_table
        columns = ["tweet_id", "account_id", "source", "author_id", "author_username", "conversation_id",
                   "in_reply_to_tweet_id", "tweeted_at", "received_at", "raw", "content_hash", "outcome", "reason",
                   "received_bytes", "hash_over"]
        fields = [Mention._meta.get_field(c if c != "account_id" else "account") for c in columns]
        if connection.vendor == "postgresql":
            fields = [(f, bulk.plain_type(f)) for f in fields]
            prepare = bulk.value_for
        else:
            fields = [(f, None) for f in fields]
            prepare = _prepared
        now = timezone.now()
        rows, by_id = [], {}
        for env in chunk:
            raw, encoded = safe_json(env.raw())
            mention = Mention(
                tweet_id=env.tweet_id, account=self.account, source=self.source, author_id=env.author_id[:20],
                author_username=safe(env.username)[:50], conversation_id=env.conversation_id,
                in_reply_to_tweet_id=env.replied_to if lifecycle.is_tweet_id(env.replied_to) else "",
                tweeted_at=env.created_at, received_at=now, raw=raw,
                content_hash=_content_hash(env), received_bytes=env.received,
                hash_over=HashOver.BYTES if env.received is not None else HashOver.REJSON,
                outcome=Outcome.PENDING, reason="",
            )
            values = []
            for column, (f, plain) in zip(columns, fields):
                if column == "raw":
                    values.append(encoded)
                elif column == "account_id":
                    values.append(self.account.pk if self.account else None)
                else:
                    values.append(prepare(f, plain, getattr(mention, f.attname)))
            rows.append(values)
            by_id[env.tweet_id] = (env, mention)
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        sql = (f'INSERT INTO {table} ({", ".join(columns)}) VALUES {", ".join([placeholders] * len(rows))} '
               f"ON CONFLICT (tweet_id) DO NOTHING RETURNING id, tweet_id")
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for row in rows for v in row])
            returned = cursor.fetchall()
        owned = []
        for pk, tweet_id in returned:
            env, mention = by_id[tweet_id]
            mention.pk = pk
            mention._state.adding = False
            owned.append((env, mention))
        owned.sort(key=lambda pair: pair[0].sort_key)
        self.claimed = {env.tweet_id: mention for env, mention in owned}
        return owned

    def _lookups(self, owned):
        """Find, with a few queries, the complaints that this batch's replies and codes refer to."""
        self.by_tweet, self.by_conversation, self.complaints = {}, {}, {}
        ids, conversations, code_list = set(), set(), set()
        for env, _ in owned:
            ids.update(i for t, i in env.refs if t in ("replied_to", "quoted"))
            ids.update(env.earlier_versions)
            if env.conversation_id and env.conversation_id != env.tweet_id:
                conversations.add(env.conversation_id)
            if "UPP" in (env.text or "").upper():
                code_list.update(classify.codes_in(env.text))
        ids.discard("")
        if ids:
            for pk, tweet_id in Complaint.objects.filter(source_tweet_id__in=ids).values_list("pk", "source_tweet_id"):
                self.by_tweet[tweet_id] = pk
            for pk, tweet_id in Mention.objects.filter(tweet_id__in=ids, complaint__isnull=False).values_list(
                    "complaint_id", "tweet_id"):
                self.by_tweet.setdefault(tweet_id, pk)
            for pk, tweet_id in Outbox.objects.filter(posted_tweet_id__in=ids, complaint__isnull=False).values_list(
                    "complaint_id", "posted_tweet_id"):
                self.by_tweet.setdefault(tweet_id, pk)
        if conversations:
            for pk, conv in Complaint.objects.filter(conversation_id__in=conversations).order_by("received_at", "pk") \
                    .values_list("pk", "conversation_id"):
                self.by_conversation[conv] = pk
        self.by_code = {}
        if code_list:
            for complaint in Complaint.objects.filter(tracking_code__in=code_list):
                self.by_code[complaint.tracking_code] = complaint.pk
                self.complaints[complaint.pk] = complaint
        wanted = (set(self.by_tweet.values()) | set(self.by_conversation.values())) - set(self.complaints)
        if wanted:
            self.complaints.update(Complaint.objects.in_bulk(wanted))

    def _thread_of(self, env):
        """The complaint whose thread the mention is in, and the duplicate it was reached through (or None)."""
        found = via = None
        for kind, ref in env.refs:
            if kind == "replied_to" and ref in self.by_tweet:
                found = self.by_tweet[ref]
                break
        else:
            if env.conversation_id and env.conversation_id != env.tweet_id:
                found = self.by_conversation.get(env.conversation_id)
        if found is not None:
            # A reply under a complaint merged into another (by a person, or _merge_orphans) goes to the one
            # that carries on, where the duplicate's thread was moved.
            complaint, hops = self._complaint(found), 0
            while complaint.duplicate_of_id and complaint.status == Status.DUPLICATE and hops < 5:
                survivor = self._complaint(complaint.duplicate_of_id)
                if not lifecycle.thread_follows(complaint, survivor):
                    break
                via, found, hops, complaint = via or complaint, survivor.pk, hops + 1, survivor
        return found, via

    def _complaint(self, pk):
        complaint = self.complaints.get(pk)
        if complaint is None:
            complaint = self.complaints[pk] = Complaint.objects.get(pk=pk)
        return complaint

    def _file_carefully(self, env, mention, good, dups):
        kept = (len(good), len(dups), self.recent.snapshot(), len(self.not_filed), len(self.candidates))
        try:
            with transaction.atomic():
                return self._file_one(env, mention, good, dups)
        except Exception as exc:  # recorded on the mention, never lost and never retried for ever
            log.exception("mention %s could not be filed", env.tweet_id)
            del good[kept[0]:], dups[kept[1]:], self.not_filed[kept[3]:], self.candidates[kept[4]:]
            self.recent.restore(kept[2])
            return Outcome.REJECTED, reasons.encode(reasons.NOT_FILED_ERROR, detail=f"{type(exc).__name__}: {exc}"), None

    def _file_one(self, env, mention, good, dups):
        try:
            return self._decide_and_act(env, mention, good, dups)
        except lifecycle.LifecycleError as exc:
            log.warning("mention %s not filed: %s", env.tweet_id, exc)
            return Outcome.REJECTED, reasons.encode(reasons.NOT_FILED_REFUSED, detail=str(exc)), None

    def _decide_and_act(self, env, mention, good, dups):
        text = env.text
        if env.earlier_versions:
            edited = self._edit_of(env)
            if edited is not None:
                return edited
        username = env.username
        author_unit = self.unit_of_author(env.author_id, username)
        is_own = (username.lower() in self.own_handles) or (env.author_id and env.author_id in self.own_ids)
        if is_own:
            author_unit = None
        thread_pk, via = self._thread_of(env)
        thread = self._thread_view(self._complaint(thread_pk)) if thread_pk else None
        if thread is not None and via is not None and classify.is_complainant(self._thread_view(via), env.author_id,
                                                                              username):
            # The merged duplicate's own complainant, writing in its thread, is a complainant of the survivor.
            thread = dataclasses.replace(thread, author_id=via.author_id, author_username=via.author_username)
        code_complaint = None
        for code in classify.codes_in(text) if "UPP" in text.upper() else []:
            if code in self.by_code:
                code_complaint = self._thread_view(self._complaint(self.by_code[code]))
                break
        complainant = thread is not None and classify.is_complainant(thread, env.author_id, username)
        context = classify.context_for(thread, author_is_unit=author_unit is not None,
                                       thread_unit_slug=self._slug(thread.unit_id) if thread else None,
                                       complainant=complainant)
        reading = judge(text, author=username, author_unit=self._slug(author_unit), context=context,
                        lang_tag=str(env.tweet.get("lang") or ""))
        candidate = None
        if author_unit is None and not is_own and thread is not None and not complainant:
            candidate = self._candidate_unit(env, thread)
        decision = classify.decide(
            judgement=reading, text=text, ref_types={t for t, _ in env.refs}, author_id=env.author_id,
            username=username, author_unit_id=author_unit, is_own=is_own, thread=thread,
            code_complaint=code_complaint, candidate_unit_id=candidate)
        kind = decision.kind
        if kind in (Kind.RETWEET, Kind.OWN_POST, Kind.EMPTY):
            return Outcome.IGNORED, decision.reason, None
        if kind == Kind.GOOD_WORK:
            good.append(GoodWorkPost(mention=mention, unit_id=author_unit, handle=username[:50], text=safe(text),
                                     tweeted_at=env.created_at))
            return Outcome.GOOD_WORK, decision.reason, None
        if kind in (Kind.APPRECIATION, Kind.NOT_A_COMPLAINT):
            unit_slug = reading.unit.value
            self.not_filed.append(NotFiled(
                mention=mention, kind=decision.flags.get("read") or NotFiled.Kind.NOT_A_COMPLAINT,
                unit_id=triage_fields.unit_id(unit_slug), handle=username[:50], text=safe(text),
                words=list(dict.fromkeys(reading.kind.words))[:20], tweeted_at=env.created_at))
            outcome = Outcome.APPRECIATION if kind == Kind.APPRECIATION else Outcome.NOT_A_COMPLAINT
            return outcome, decision.reason, None
        if kind == Kind.ACCOUNT_TO_CONFIRM:
            author = env.author or {}
            self.candidates.append(AccountCandidate(
                mention=mention, complaint_id=thread.pk, unit_id=candidate, handle=username[:50],
                user_id=env.author_id[:20], name=str(author.get("name") or "")[:100],
                bio=str(author.get("description") or "")[:400], text=safe(text), tweeted_at=env.created_at,
                evidence=self._candidate_reading(env, thread).as_dict()))
            return Outcome.ACCOUNT_TO_CONFIRM, decision.reason, thread.pk
        complaint = self._complaint(decision.complaint.pk) if decision.complaint else None
        unit = self.units.get(author_unit) if author_unit else None
        actor = lifecycle.Actor(name=f"@{username}"[:150], unit=unit) if username else INGEST
        flags = decision.flags
        deferrable = (kind == Kind.FOLLOW_UP and not flags.get("reopen_request")) or (
            kind == Kind.DISTRICT_UPDATE and not (flags.get("disposal") or flags.get("notes")
                                                  or flags.get("not_concerned")))
        if deferrable and self.pending_notes is not None:
            # Plain follow-ups and unit replies go in with one INSERT per run (lifecycle.add_notes).
            message_kind = MessageKind.CITIZEN if kind == Kind.FOLLOW_UP else MessageKind.DISTRICT
            outcome = Outcome.FOLLOW_UP if kind == Kind.FOLLOW_UP else Outcome.DISTRICT_UPDATE
            self.pending_notes.append((env, outcome, decision.reason, {
                "complaint": complaint, "text": text, "kind": message_kind, "actor": actor, "tweet_id": env.tweet_id}))
            return None
        if kind in (Kind.NOTED, Kind.DISTRICT_UPDATE, Kind.STATUS_REQUEST, Kind.FOLLOW_UP):
            self._flush_notes()  # keep a complaint's thread in tweet order
        if kind == Kind.NOTED:
            fresh = lifecycle.note(complaint, by_unit=unit, actor=actor, tweet_id=env.tweet_id, at=env.created_at,
                                   note=text[:500])
            self.complaints[fresh.pk] = fresh
            return Outcome.NOTED, decision.reason, fresh.pk
        if kind == Kind.DISTRICT_UPDATE:
            return self._district_update(env, decision, complaint, unit, actor)
        if kind == Kind.STATUS_REQUEST:
            outbox.queue_status_reply(complaint, env.tweet_id)
            return Outcome.STATUS_REQUEST, decision.reason, complaint.pk
        if kind == Kind.FOLLOW_UP:
            fresh = lifecycle.add_note(complaint, text, actor=actor, kind=MessageKind.CITIZEN, tweet_id=env.tweet_id)
            if flags.get("reopen_request"):
                lifecycle.record(fresh, "reopen_requested", actor=actor, note=text[:500],
                                 data={"tweet_id": env.tweet_id})
            self.complaints[fresh.pk] = fresh
            return Outcome.FOLLOW_UP, decision.reason, fresh.pk
        return self._new_complaint(env, decision, dups, reading)

    def _edit_of(self, env):
        """An edit (X gives it a new id) of a tweet already in a complaint goes into that complaint's thread
        as an edit: what was filed stays as it was, so both versions are kept."""
        self._flush_notes()  # an earlier version filed in this batch as a follow-up settles first
        complaint_id = None
        for earlier in reversed(env.earlier_versions):
            complaint_id = self.by_tweet.get(earlier)
            if complaint_id is None and earlier in self.claimed:
                complaint_id = self.claimed[earlier].complaint_id
            if complaint_id is not None:
                break
        if complaint_id is None:
            return None
        complaint = self._complaint(complaint_id)
        username = env.username
        unit_id = self.unit_of_author(env.author_id, username)
        actor = lifecycle.Actor(name=f"@{username}"[:150], unit=self.units.get(unit_id)) if username else INGEST
        fresh = lifecycle.add_note(complaint, env.text, actor=actor, kind=MessageKind.EDIT, tweet_id=env.tweet_id)
        self.complaints[fresh.pk] = fresh
        self.by_tweet[env.tweet_id] = fresh.pk
        return Outcome.EDIT, f"edit of tweet {earlier}, added to the thread of {fresh.tracking_code}", fresh.pk

    def _merge_orphans(self, roots, dups):
        """A citizen's follow-up filed as a complaint of its own because its original had not arrived (a
        poll cut short, a tweet X served late) is merged into the original's complaint once it is filed,
        with the follow-up put in the original's thread and an audit event on both. Only a follow-up still
        untouched (new) is merged; one already acted on is put before HQ as a suggested duplicate."""
        roots = {m.tweet_id: m.complaint_id for m in roots if m.complaint_id}
        if not roots:
            return
        orphans = set(Complaint.objects.filter(conversation_id__in=list(roots)).exclude(
            source_tweet_id__in=list(roots)).values_list("pk", "conversation_id"))
        orphans |= set(Mention.objects.filter(in_reply_to_tweet_id__in=list(roots), outcome=Outcome.COMPLAINT,
                                              complaint__isnull=False).values_list("complaint_id", "in_reply_to_tweet_id"))
        for orphan_pk, root_tweet in sorted(orphans):
            # Read afresh: this batch may have added to the follow-up's complaint since it was cached.
            root, orphan = self._complaint(roots[root_tweet]), Complaint.objects.get(pk=orphan_pk)
            if orphan.pk == root.pk or not orphan.author_id or orphan.author_id != root.author_id \
                    or orphan.duplicate_of_id or orphan.status == Status.DUPLICATE:
                continue
            if orphan.status != Status.NEW:
                dups.append(DuplicateSuggestion(complaint=orphan, candidate=root, score=0.9,
                                                reason="a follow-up filed before its original arrived"))
                continue
            actor = REPAIR
            citizen = lifecycle.Actor(name=f"@{orphan.author_username}"[:150]) if orphan.author_username else actor
            try:
                with transaction.atomic():
                    # expected_version: a person who acted on the follow-up meanwhile wins; it is left alone.
                    merged = lifecycle.merge(
                        orphan, root, actor=actor, expected_version=orphan.version,
                        note=reasons.encode(reasons.FOLLOW_UP_OF, code=root.tracking_code))
                    fresh = lifecycle.add_note(root, orphan.text, actor=citizen, kind=MessageKind.CITIZEN,
                                               tweet_id=orphan.source_tweet_id)
                    fresh = lifecycle.record(fresh, "merged_automatically", actor=actor, data={
                        "merged": merged.tracking_code, "tweet_id": orphan.source_tweet_id, "original": root_tweet},
                        note=reasons.encode(reasons.MERGED_AUTOMATICALLY, code=merged.tracking_code)).complaint
            except lifecycle.LifecycleError as exc:
                log.warning("follow-up %s not merged into %s: %s", orphan.tracking_code, root.tracking_code, exc)
                continue
            self.complaints[merged.pk] = merged
            self.complaints[fresh.pk] = fresh

    def _district_update(self, env, decision, complaint, unit, actor):
        flags, text = decision.flags, env.text
        if flags.get("notes"):
            # A plain update (or a reported outcome) from the complaint's unit shows it has the matter:
            # Noted, when none was recorded.
            complaint = lifecycle.note(complaint, by_unit=unit, actor=actor, tweet_id=env.tweet_id, at=env.created_at,
                                       note=text[:500])
            self.complaints[complaint.pk] = complaint
        attention = bool(flags.get("disposal") or flags.get("not_concerned"))
        fresh = lifecycle.add_note(complaint, text, actor=actor, kind=MessageKind.DISTRICT, tweet_id=env.tweet_id,
                                   needs_attention=attention)
        if flags.get("disposal"):
            lifecycle.record(fresh, "disposal_reported", actor=actor, note=text[:500],
                             data={"tweet_id": env.tweet_id, "needs_attention": True})
        self.complaints[fresh.pk] = fresh
        return Outcome.DISTRICT_UPDATE, decision.reason, fresh.pk

    def _slug(self, unit_id):
        unit = self.units.get(unit_id) if unit_id is not None else None
        return unit.slug if unit else None

    def _candidate_unit(self, env, thread):
        """For a reply from an account not on file in a forwarded complaint's thread: the unit its name or bio
        names, when the reply reads as that unit taking the matter up."""
        if thread.unit_id is None or thread.status not in ("forwarded", "reopened"):
            return None
        author = env.author or {}
        profile = f"{author.get('name') or ''} | {author.get('description') or ''}"
        if not _POLICE_WORD.search(profile):
            return None
        named = triage_fields.unit_id(judge(profile).unit.value)
        if named is None or named != thread.unit_id:
            return None
        reading = self._candidate_reading(env, thread, named)
        return named if reading.records_noted else None

    def _candidate_reading(self, env, thread, unit_id=None):
        slug = self._slug(unit_id or thread.unit_id)
        return judge(env.text, author=env.username, author_unit=slug,
                     context=classify.Context("hq_forward", self._slug(thread.unit_id)))

    def _new_complaint(self, env, decision, dups, reading):
        spec, suggestion = self._complaint_spec(env, reading)
        if self.pending is not None:
            self.pending.append((env, decision, suggestion, spec))
            self.pending_tweets.add(env.tweet_id)
            self.pending_conversations.add(spec["conversation_id"])
            return None
        _model_suggestions([spec])
        suggestion = suggestion or _suggestion_of(spec, self.units)
        try:
            complaint = lifecycle.file_complaint(actor=INGEST, **spec)
        except lifecycle.DuplicateTweet as exc:
            return Outcome.IGNORED, reasons.encode(reasons.ALREADY_FILED, code=exc.existing.tracking_code), exc.existing.pk
        return self._after_filing(env, decision, suggestion, complaint, dups)

    def _complaint_spec(self, env, reading):
        text = env.text
        author = env.author or {}
        location = author.get("location") if isinstance(author.get("location"), str) else ""
        spec = dict(
            text=text, source_tweet_id=env.tweet_id,
            conversation_id=env.conversation_id or env.tweet_id, author_id=env.author_id[:20],
            author_username=env.username or "", author_name=str(author.get("name") or ""),
            author_location=location or "", tweeted_at=env.created_at, media=media_of(env),
            **triage_fields.complaint_fields(reading, x_lang=str(env.tweet.get("lang") or "")),
        )
        suggestion = _suggestion_of(spec, self.units)
        if suggestion is None:
            # Nothing in the words places it: the tagged handles, the author's profile location and the
            # tweet's place still may.
            place = (env.place or {}).get("full_name") or ""
            tagged = [h for h in env.tagged if h.lower() not in self.own_handles]
            found = self.gazetteer.suggest("", tagged=tagged, location=location, place=place)
            if found:
                suggestion = Suggestion(found.unit, found.confidence, found.reason)
                spec.update(suggested_unit=found.unit, suggestion_reason=found.reason,
                            suggestion_confidence=found.confidence)
        return spec, suggestion

    def _refers_to_pending(self, env):
        waiting = self.pending_tweets
        return (any(ref in waiting for _, ref in env.refs) or any(i in waiting for i in env.earlier_versions)
                or (env.conversation_id and env.conversation_id in self.pending_conversations))

    def _flush_notes(self):
        if not self.pending_notes:
            return
        pending, self.pending_notes = self.pending_notes, []
        for (env, outcome, reason, item), result in zip(pending, lifecycle.add_notes([p[3] for p in pending])):
            mention = self.claimed[env.tweet_id]
            if isinstance(result, lifecycle.LifecycleError):
                self._settle(env, mention, Outcome.REJECTED, reasons.encode(reasons.NOT_FILED_REFUSED, detail=str(result)), None)
            else:
                self._settle(env, mention, outcome, reason, item["complaint"].pk)

    def _flush_pending(self, dups):
        pending, self.pending = self.pending, []
        self.pending_tweets, self.pending_conversations = set(), set()
        settle = self._settle
        specs = [spec for _, _, _, spec in pending]
        _model_suggestions(specs)
        results = lifecycle.file_complaints(specs, actor=INGEST)
        for (env, decision, suggestion, spec), result in zip(pending, results):
            suggestion = suggestion or _suggestion_of(spec, self.units)
            mention = self.claimed[env.tweet_id]
            if isinstance(result, lifecycle.DuplicateTweet):
                settle(env, mention, Outcome.IGNORED, reasons.encode(reasons.ALREADY_FILED, code=result.existing.tracking_code),
                       result.existing.pk)
            elif isinstance(result, lifecycle.LifecycleError):
                settle(env, mention, Outcome.REJECTED, reasons.encode(reasons.NOT_FILED_REFUSED, detail=str(result)), None)
            else:
                settle(env, mention, *self._after_filing(env, decision, suggestion, result, dups))

    def _after_filing(self, env, decision, suggestion, complaint, dups):
        if env.text_cut:
            lifecycle.record(complaint, "text_cut", actor=INGEST, data={"kept": len(env.text), "cut": env.text_cut},
                             note=reasons.encode(reasons.TEXT_CUT, kept=len(env.text), cut=env.text_cut))
        self.by_conversation.setdefault(complaint.conversation_id, complaint.pk)
        self.by_tweet[env.tweet_id] = complaint.pk
        self.complaints[complaint.pk] = complaint
        unit_id = suggestion.unit.pk if suggestion else None
        tokens = self._tokens(complaint.text)
        duplicate = self.recent.duplicate_of(env.created_at, env.author_id, unit_id, tokens)
        if decision.flags.get("thread_of_other") and decision.complaint and not duplicate:
            duplicate = (decision.complaint.pk, 0.5, "posted in the thread of another complaint")
        if duplicate:
            dups.append(DuplicateSuggestion(complaint=complaint, candidate_id=duplicate[0], score=duplicate[1],
                                            reason=duplicate[2]))
        self.recent.remember(env.created_at, complaint.pk, env.author_id, unit_id, tokens)
        threshold = settings.X_AUTO_FORWARD_CONFIDENCE
        if suggestion and threshold is not None and suggestion.confidence >= threshold:
            lifecycle.forward(complaint, suggestion.unit, actor=lifecycle.Actor(name="auto-forward"),
                              note=suggestion.reason)
        return Outcome.COMPLAINT, suggestion.reason if suggestion else "", complaint.pk


def _prepared(field, plain, value):
    return field.get_db_prep_save(value, connection)


def _content_hash(env):
    """Over the bytes X sent when they were kept; else over the tweet re-serialised (a file line, manual intake)."""
    if env.received is not None:
        return evidence.digest(env.received)
    return hashlib.sha256(json.dumps(env.tweet, ensure_ascii=False, sort_keys=True).encode(
        "utf-8", "surrogatepass")).hexdigest()


def _suggestion_of(spec, units):
    unit_id = spec.get("suggested_unit_id")
    if unit_id is None or unit_id not in units:
        return None
    return Suggestion(units[unit_id], spec.get("suggestion_confidence") or 0.0, spec.get("suggestion_reason") or "")


def _model_suggestions(specs):
    """Where the rules placed a new complaint nowhere, the learned model's best unit is suggested (from
    SUGGEST_AT up), never forwarded on its own (its confidence stays below any auto-forward threshold).
    One vectorised call per run of such complaints; the others are not read by the model at filing (the
    complaint page shows its ranking when staff open one), which keeps the filing rate."""
    unplaced = [spec for spec in specs if not (spec.get("suggested_unit_id") or spec.get("suggested_unit"))]
    ranked = triage_model.predict_many([spec["text"] for spec in unplaced]) if unplaced else None
    if ranked is None:
        return
    placed = []
    for spec, suggestions in zip(unplaced, ranked):
        spec["triage"] = {**spec["triage"], "model": suggestions.as_dict()}
        if not suggestions.unit:
            continue
        slug, probability = suggestions.unit[0]
        unit_id = triage_fields.unit_id(slug)
        if unit_id and probability >= triage_model.SUGGEST_AT:
            spec.update(suggested_unit_id=unit_id, suggestion_confidence=round(min(probability, 0.5) * 0.8, 2))
            placed.append((spec, suggestions.version, unit_id, probability))
    names = {u.pk: reasons.named(u) for u in Unit.objects.filter(pk__in={p[2] for p in placed}).only(
        "name_en", "name_hi")} if placed else {}
    for spec, version, unit_id, probability in placed:
        spec["suggestion_reason"] = reasons.encode(reasons.MODEL_SUGGESTS, version=version, unit=names.get(unit_id, {
            "en": str(unit_id)}), percent=round(probability * 100))


def record_problems(problems, source, line=None):
    if problems:
        RejectedInput.objects.bulk_create([
            RejectedInput(source=str(source)[:200], line=line, reason=reason[:300], excerpt=excerpt[:2000])
            for reason, excerpt in problems
        ])


def file_manual(tweet, *, includes=None, account=None):
    """Manual intake of one tweet object (an operator pastes a tweet the poller missed)."""
    envelopes, problems = envelopes_from_response({"data": [tweet], "includes": includes or {}})
    record_problems(problems, "manual")
    return Filer(source=Source.MANUAL, account=account).file(envelopes)
