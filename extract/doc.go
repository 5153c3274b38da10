// Package extract turns article text into statements of state cyber
// attribution: who (speaker, speaker country) said what (kind: allegation,
// indictment, sanction, response, other) about whom (accused actors through
// the actors gazetteer, states as ISO 3166-1 alpha-2 codes, organisations as
// written), with the stated confidence on the UK PHIA yardstick, targets and
// the event date.
//
// It is rule-based, deterministic and pure: no I/O, no network, no models.
// The rules describe the language of official attribution in general
// (governments, ministries, agencies, embassies and spokespeople; reporting
// verbs; accusation, indictment, sanction and denial vocabulary), not one
// article: see rules.go and lexicon.go.
//
// Offsets are byte offsets into Document.Body as given; statements found in
// Document.Title have Offset -1. Invalid UTF-8 is tolerated (Sentence is
// repaired with U+FFFD); bodies over MaxBody are refused with ErrTooLarge.
//
// The JSON shape of a statement (news.Statement, printed by
// `newsdesk extract FILE --json` as {"statements":[...]}) is stable:
// kind, speaker, speaker_country, accused, targets, confidence, event_date,
// sentence, offset.
//
// Evaluate scores an Extractor against a hand-labelled JSON Lines set
// (testdata/eval/labelled.jsonl; format in eval.go).
//
// extract imports the standard library, news and actors only; it must not
// import index, ingest, bot or any adapter.
package extract
