// Package model owns the learned decision of extraction: a multinomial
// logistic regression over named binary features, its deterministic
// training (AdaGrad, a seeded shuffle) and its text file format.
//
// It knows nothing of language: package extract turns sentences into
// feature names (words, word pairs, and the rules as named features such as
// "rule:cue=indict") and maps classes to statement kinds. Training is
// reproducible bit for bit on one architecture, so the committed model can
// be checked against its data.
//
// model imports the standard library only.
package model
