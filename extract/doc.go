// Package extract turns article text into statements of state cyber
// attribution: who (speaker, speaker country) said what (kind: allegation,
// indictment, sanction, response, other) about whom (accused: groups and
// state agencies through the actors gazetteer, states as ISO 3166-1 alpha-2
// codes, named people and organisations as written), with the stated
// confidence on the UK PHIA yardstick, targets and the event date.
//
// The decision is learned. For every sentence of the headline and body the
// rules analyse the language (official bodies and titles, reporting,
// accusing, charging, sanctioning and denial cues, subjects, passives,
// conditions, quotations, transcript turns, anaphora) and name what they
// find as features (features.go: words, word pairs, name classes, cues,
// "rule:..." findings, "p:..." context); the statement model
// (extract/model, trained by `go generate ./extract/...` from data/train)
// gives each sentence "none" or a kind with a probability. The fields of a
// statement come from the rules and the gazetteer, and each is measured on
// its own (extract/eval). `newsdesk extract FILE --explain` shows each
// sentence's probabilities and the features that weighed most.
//
// Labelled data lives beside the code: data/GUIDELINE.md (how a statement
// is labelled), data/train (training data, each record with its source and
// licence) and testdata/dev (development sets that have guided changes,
// among them the former frozen test set, whose first run is recorded in
// testdata/dev/dev-was-frozen.md). A new frozen test set goes in data/test.
//
// Extraction is deterministic and pure: no I/O, no network. Offsets are byte
// offsets into Document.Body; statements in the headline have Offset -1.
// Invalid UTF-8 is tolerated: each invalid byte of Sentence reads "?", so
// Sentence has the length it has in the body. Bodies over MaxBody are
// refused with ErrTooLarge. Extract takes a batch and uses every core.
//
// The JSON shape of a statement (news.Statement, printed by
// `newsdesk extract FILE --json` as {"statements":[...]}) is stable:
// kind, speaker, speaker_country, accused, targets, confidence, event_date,
// sentence, offset, probability.
//
// extract imports the standard library, news, actors and its own
// subpackages; it must not import index, ingest, bot or any adapter.
package extract

//go:generate go run ./internal/train -data data/train -out model/statement.model
