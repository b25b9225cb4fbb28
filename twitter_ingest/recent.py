"""The complaints filed in the last hours, kept by the filer to suggest duplicates: the same author
tweeting the same text to several handles, or a similar text about the same place close in time.

Only the last LOOK_BACK complaints are compared, as before; they are found through two small indexes (by
author and text, by unit) instead of a scan of all of them for every new complaint, which at backfill
rates cost more than filing the complaint itself."""

from datetime import timedelta

WINDOW = timedelta(hours=6)
THRESHOLD = 0.6
LOOK_BACK = 300


class RecentComplaints:
    def __init__(self):
        self.seq = 0
        self.entries = []  # (seq, time, complaint id, author id, unit id, token set, hash of the set)
        self.by_author = {}  # (author id, hash of the token set) -> entries, oldest first
        self.by_unit = {}  # unit id -> entries, oldest first

    def remember(self, at, pk, author_id, unit_id, tokens):
        self.seq += 1
        entry = (self.seq, at, pk, author_id, unit_id, tokens, hash(tokens))
        self.entries.append(entry)
        if len(self.entries) > 2 * LOOK_BACK:
            del self.entries[:LOOK_BACK]
        for index, key in ((self.by_author, (author_id, entry[6])), (self.by_unit, unit_id)):
            bucket = index.setdefault(key, [])
            bucket.append(entry)
            if len(bucket) > 2 * LOOK_BACK:
                cutoff = self.seq - LOOK_BACK
                bucket[:] = [e for e in bucket if e[0] > cutoff]

    def duplicate_of(self, at, author_id, unit_id, tokens):
        """(complaint id, score, reason) of the likeliest earlier complaint, or None. The same author with
        the same words wins over any similar text; among similar texts of the same unit the highest overlap
        wins, the most recent on a tie."""
        if not tokens:
            return None
        cutoff, window = self.seq - LOOK_BACK, WINDOW.total_seconds()
        if author_id:
            for seq, when, pk, *_ in reversed(self.by_author.get((author_id, hash(tokens)), ())):
                if seq <= cutoff:
                    break
                if at and when and abs((at - when).total_seconds()) > window:
                    continue
                return pk, 1.0, "same author, same text (tweeted to several handles)"
        if unit_id is None:
            return None
        best, size = None, len(tokens)
        for seq, when, pk, _, _, other, _ in reversed(self.by_unit.get(unit_id, ())):
            if seq <= cutoff:
                break
            if at and when and abs((at - when).total_seconds()) > window:
                continue
            # The overlap is at most the smaller set over the larger: most pairs are ruled out by size.
            if min(size, len(other)) / max(size, len(other)) < THRESHOLD:
                continue
            common = len(tokens & other)
            overlap = common / (size + len(other) - common)
            if overlap >= THRESHOLD and (best is None or overlap > best[1]):
                best = (pk, round(overlap, 2), "similar text, same place, close in time")
        return best

    def snapshot(self):
        return self.seq, list(self.entries[-LOOK_BACK:])

    def restore(self, snapshot):
        """Back to a snapshot (a batch that rolled back must not leave its complaints to be matched)."""
        seq, entries = snapshot
        self.seq, self.entries, self.by_author, self.by_unit = seq, list(entries), {}, {}
        for entry in entries:
            self.by_author.setdefault((entry[3], entry[6]), []).append(entry)
            self.by_unit.setdefault(entry[4], []).append(entry)
