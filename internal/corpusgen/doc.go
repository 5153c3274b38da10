// Package corpusgen generates deterministic, realistic corpora of
// news.Article values for benchmarks: from a seed and a number of
// statements it gives the same articles every time, built from the real
// sentences of the public corpus in /work/shared/corpus (White House
// statements, MITRE ATT&CK groups and campaigns, MISP threat actors; see
// its SOURCES.md).
//
// What makes the corpora realistic rather than copies of one text:
//   - every article has sentences of its own: statements and body are drawn
//     without repetition inside an article, from a pool of about ten
//     thousand distinct real sentences, and an allegation prefers the
//     sentences that name its actor (a gazetteer scan of the pool);
//   - accused actors follow a Zipf mix over the gazetteer (package actors),
//     the well-documented groups at the head, with their real aliases and
//     suspected sponsor countries; targets come from the actor's own MISP
//     record (sectors, suspected victims) when it has one;
//   - publication dates spread over years with more weight on recent ones,
//     and ingestion sequence follows publication;
//   - kinds come in newsroom proportions (allegations most, then responses,
//     sanctions, indictments, other), speakers are consistent with their
//     country (an accusing government's agencies; a response comes from the
//     accused actor's state), and event dates precede publication.
//
// Generation is seeded with math/rand/v2's PCG; the corpus files are read
// in file order, so one seed over the same files and gazetteer gives the
// same corpus byte for byte. When the corpus directory is absent, Load
// returns an error matching ErrNoCorpus, so tests and benchmarks can skip.
//
// corpusgen is for benchmarks and tests; the product does not import it.
package corpusgen
