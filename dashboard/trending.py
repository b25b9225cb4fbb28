"""The top hashtags and terms in complaint texts over a period (circular §4: what people are raising).

Hashtags are read with a regular expression (Latin or Devanagari letters, digits, underscore) and counted
without regard to case. Terms are the words of complaint.triage's normaliser (complaints.triage.normalise
.tokens: @handles and links are not words), counted by their folded spelling and shown in their most
frequent written form; stop-words (the common function words of Hindi, English and Hinglish, in
STOP_WORDS), words under three letters, numbers, tracking codes and the words of hashtags are left out.
Restricted (sensitive) complaints are not read: a rare word from one of them must not reach a page."""

import re
from collections import Counter, defaultdict
from datetime import timedelta

from django.utils import timezone

from complaints import tally
from complaints.models import Complaint
from complaints.triage.normalise import fold, tokens

HASHTAG = re.compile(r"(?<![\w#&])#([0-9A-Za-z_\u0900-\u0963\u0966-\u097f]+)")
TRACKING_CODE = re.compile(r"\bupp[\s-]?[0-9a-z]{5}[\s-]?[0-9a-z]{5}\b", re.IGNORECASE)

STOP_WORDS = frozenset(fold(w) for w in """
the a an and or but if of to in on at by for from with about as is are was were be been being am do does
did done have has had this that these those it its i me my we our you your he him his she her they them
their there here what which who whom when where why how not no yes so very can could will would should
shall may might must please pls plz sir madam mam ji kindly dear also than then too just only still all
any some more most other such own same into over under again up down out off rt via amp last every
near after before since
है हैं हूं हूँ था थी थे हो होता होती होते होना हुआ हुई हुए रहा रही रहे रहें गया गई गए गये गयी कर करें
करे करो करना करने करके किया किये किए की का के को में मे से पर और या तो भी ही नहीं न कि जो जब तब यह ये
वह वो इस उस इन उन एक अपने अपना अपनी मेरा मेरी मेरे हम हमारे हमारी आप आपके आपकी आपका मैं तुम लिए लिये
द्वारा साथ बाद पहले अब कब क्या क्यों कैसे कहां कहाँ यहां वहां जी श्रीमान महोदय कृपया सर प्लीज़ प्लीज
hai hain hu hoon tha thi the ho hota hoti hote hona hua hui hue raha rahi rahe rha rhi rhe gaya gayi gaye
kar kare karo karna karne karke kiya kiye ki ka ke ko mein me se par aur ya to bhi hi nahi nhi na jo jab
tab yeh ye woh wo vo is us in un ek apne apna apni mera meri mere hum hamare hamari aap aapke aapki aapka
main tum liye dwara sath saath baad pehle ab kab kya kyu kyon kaise kahan yahan wahan shriman mahoday
kripya kripaya karein kijiye krein kre
""".split())


def _texts(start, end):
    return (Complaint.objects.filter(received_at__gte=start, received_at__lt=end, is_restricted=False)
            .order_by().values_list("text", flat=True).iterator(chunk_size=2000))


def count(texts, top=10) -> dict:
    """{"hashtags": [(tag, n)], "terms": [(word, n)]}, the `top` most frequent of each; each complaint
    counts a hashtag or term once."""
    tags, terms, forms = Counter(), Counter(), defaultdict(Counter)
    tag_forms = defaultdict(Counter)
    for text in texts:
        text = TRACKING_CODE.sub(" ", text or "")
        seen_tags = set()
        for match in HASHTAG.finditer(text):
            key = fold(match.group(1))
            tag_forms[key]["#" + match.group(1)] += 1
            seen_tags.add(key)
        tags.update(seen_tags)
        seen = set()
        for tok in tokens(text):
            word = tok.word
            if (tok.start and text[tok.start - 1] == "#") or word in STOP_WORDS or len(word) < 3:
                continue
            if word.isdigit():
                continue
            forms[word][text[tok.start:tok.end]] += 1
            seen.add(word)
        terms.update(seen)
    return {
        "hashtags": [(tag_forms[k].most_common(1)[0][0], n) for k, n in tags.most_common(top)],
        "terms": [(forms[k].most_common(1)[0][0], n) for k, n in terms.most_common(top)],
    }


def between(start, end, top=10) -> dict:
    return count(_texts(start, end), top)


def today(top=10) -> dict:
    start, _end = tally.day_bounds(timezone.localdate())
    return between(start, start + timedelta(days=1), top)
