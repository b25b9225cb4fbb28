"""Triage: the desk's first reading of a mention, as an experienced HQ operator reads it.

`judge.judge(text, ...)` returns a `Judgement`: what kind of mention it is, whether a life is in danger now
(and the words that say so), whether it must be restricted (and the words), the unit and police station it
belongs to (and the words that place it), its class, the language to answer in, and a confidence for each.
It knows no channel and no screen: ingest, manual intake, the dashboard and the API call it alike.

Modules: `normalise` (folding and the cross-script skeleton), `lexicon` (the reviewed terms plus the
admin's, compiled and cached), `places` (the gazetteer and address reading), `language` (reply language),
`judge` (the rules that combine them). Nothing here imports the package eagerly, so that
complaints.models can take the term classes from `terms` without a cycle."""
