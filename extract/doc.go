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
// article: see rules.go and lexicon.go. Reporting and accusing verbs are
// listed as lemmas and inflected (verbForms: "confirm" -> confirms,
// confirmed, confirming), so an unlisted form of a known verb still counts;
// adverbs, auxiliaries and time adverbials ("has long been", "on Monday")
// may stand between a subject and its verb, and a fronted gerund clause
// ("By exposing ..., we") hands the cue to the main clause's subject.
// Press wording is covered too (TestPress, testdata/press): asides between
// a subject and its verb ("NATO, in its first rebuke of Beijing,
// condemned"; "the minister, Ank Bijleveld, said"), headline verbs that look
// like nouns ("US sanctions Russia", "US charges six"), "X led allies in
// accusing Y", "the Five Eyes" as its five members, "the bureau" after the
// FBI, "stopped short of" (other), severing diplomatic ties (other), and
// "from the territory of X". A victim ("attacks on Ukraine's grid") is never
// the speaker's country, and "investigators from Microsoft" speak for the
// company.
// Press set 2 (TestPress2, testdata/press2) added, as general rules:
// recalling an ambassador (other); "no further punitive measures" and "would
// not retaliate against X" (declining: other, X accused); "identified X as
// responsible"; a list of demonyms before one head ("Russian, Chinese and
// North Korean hackers"); "cyber" between a light verb and "sanctions";
// "the bloc" as an official noun; "with a high degree of certainty" (highly
// likely); organisations introduced by a demonym and an organisation noun
// in a sanction or charge ("the North Korean firm Chosun Expo"); a subject
// inside the clause a speaker reports ("the embassy said Britain had
// offered no evidence") or of an infinitive after an object is not a
// further speaker; and a news headline about hacking (no Publisher) makes
// the whole story cyber context ("the campaign was carried out by China").
//
// Government CERTs and cyber agencies (CERT-UA, CERT-FR/ANSSI, BSI, CCCS,
// ACSC, ...) are official bodies; vendors' and coordination centres' are not.
//
// Confidence is reported on the UK Professional Head of Intelligence
// Assessment (PHIA) probability yardstick. The US intelligence community's
// "high / moderate / low confidence" grades the evidence behind a
// judgement, not a probability, but reporters and readers take it as one,
// so it is mapped to the nearest PHIA band: high confidence -> "highly
// likely", moderate (medium) confidence -> "likely", low or low-to-moderate
// confidence -> "realistic possibility". An unqualified "we assess" or
// "we judge" carries no probability and leaves confidence empty.
//
// What is not an official statement, in general: reporters' questions
// ("Q ..." paragraphs, quoted questions), companies and researchers,
// conditions ("if Russia conducts ..."), hypothetical acts ("potential
// charges", "a task force dedicated to prosecuting", "required to
// designate"), agentless passives ("is investigated and prosecuted"),
// "designate" without a sanctioning authority or ground ("designate a
// Cybersecurity Coordinator", "designated by FireEye as APT32"), and
// military rather than cyber attacks. Pronouns count as anaphors only in an
// accuser's or perpetrator's position ("hold them accountable", "they
// hacked"), and reach back at most three sentences (the headline's actor
// excepted).
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
// (testdata/eval/labelled.jsonl, the development set, and
// testdata/eval/heldout.jsonl, labelled before the extractor ran on it and
// not used to write rules, and testdata/eval/blind.jsonl, labelled by
// someone who never read the rules; format in eval.go).
//
// extract imports the standard library, news and actors only; it must not
// import index, ingest, bot or any adapter.
package extract
