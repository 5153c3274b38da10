package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/newsdesk/newsdesk/news"
)

// mappingVersion is recorded in the index; an index built with another
// version must be rebuilt (newsdesk reindex) before this code can use it.
// Version 2 added the mention tag fields (see WithActors); version 3 gave
// statement documents their own headline field, so that a statement's
// words are searched in fields no article document has. Indexes of
// versions 1 and 2 are still opened (see compatibleVersions).
const mappingVersion = "3"

// internalMappingKey is the Bleve internal key holding mappingVersion.
var internalMappingKey = []byte("newsdesk.mapping_version")

// Index field names. See doc.go.
const (
	fType           = "type"
	fArticleID      = "article_id"
	fTitle          = "title"
	fHeadline       = "headline" // a statement's article title (version 3; "title" before)
	fBody           = "body"
	fSentence       = "sentence"
	fSpeaker        = "speaker"
	fActors         = "actors"
	fSpeakerCountry = "speaker_country"
	fKind           = "kind"
	fTargets        = "targets"
	fTargetsText    = "targets_text"
	fConfidence     = "confidence"
	fSourceName     = "source_name"
	fPublished      = "published"
	fSeq            = "seq"
	fSortDate       = "sort_date" // one keyword: published desc, seq desc, n asc, id
	fSortSeq        = "sort_seq"  // one keyword: seq asc, n asc, id
	fDoc            = "doc"       // article JSON, stored only (article documents)
	fHit            = "hit"       // hit JSON, stored only (statement documents)
	fNStmt          = "nstmt"     // number of statement documents, stored only (article documents)
)

// keywordAnalyzer turns a whole value into one lower-cased token, so that
// "APT31", "apt31" and "Apt31" are the same actor and by:gb equals by:GB.
const keywordAnalyzer = "newsdesk_keyword"

func textField() *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Analyzer = en.AnalyzerName
	f.Store = true
	f.Index = true
	f.IncludeTermVectors = true // phrases and match locations need them
	f.IncludeInAll = false
	f.DocValues = false
	return f
}

func keywordField() *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.Analyzer = keywordAnalyzer
	f.Store = false
	f.IncludeTermVectors = true // without them a phrase on a keyword field finds nothing
	f.IncludeInAll = false
	f.DocValues = true
	return f
}

// tagField holds mention tags: searched by term only, so neither term
// vectors nor doc values.
func tagField() *mapping.FieldMapping {
	f := keywordField()
	f.IncludeTermVectors = false
	f.DocValues = false
	return f
}

// sortField holds a precomputed sort key. Sorting on one keyword doc value
// is several times cheaper than on numeric and date doc values, which hold
// many prefix-coded terms per value.
func sortField() *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.Analyzer = "keyword"
	f.Store = false
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	f.DocValues = true
	return f
}

func storedOnly() *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Analyzer = keywordAnalyzer
	f.Store = true
	f.Index = false
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	f.DocValues = false
	return f
}

func dateField() *mapping.FieldMapping {
	f := bleve.NewDateTimeFieldMapping()
	f.Store = false
	f.IncludeInAll = false
	f.DocValues = true
	return f
}

func numberField() *mapping.FieldMapping {
	f := bleve.NewNumericFieldMapping()
	f.Store = false
	f.IncludeInAll = false
	f.DocValues = true
	return f
}

// newMapping builds the explicit index mapping: two document types chosen
// by the "type" field, nothing dynamic, nothing in _all.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer(keywordAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, err
	}
	im.TypeField = fType
	im.DefaultType = "unknown"
	im.DefaultAnalyzer = en.AnalyzerName
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()

	common := func(dm *mapping.DocumentMapping) {
		dm.Dynamic = false
		add := func(name string, f *mapping.FieldMapping) { dm.AddFieldMappingsAt(name, f) }
		add(fType, keywordField())
		add(fArticleID, keywordField())
		add(fActors, keywordField())
		add(fSpeakerCountry, keywordField())
		add(fKind, keywordField())
		add(fTargets, keywordField())
		tt := textField()
		tt.Store = false
		add(fTargetsText, tt)
		add(fSourceName, keywordField())
		add(fPublished, dateField())
		add(fSeq, numberField())
		add(fSortDate, sortField())
		add(fSortSeq, sortField())
	}

	art := bleve.NewDocumentMapping()
	common(art)
	art.AddFieldMappingsAt(fTitle, textField())
	body := textField()
	body.Store = false // the body is stored once, inside the article JSON (fDoc)
	art.AddFieldMappingsAt(fBody, body)
	art.AddFieldMappingsAt(fDoc, storedOnly())
	art.AddFieldMappingsAt(fNStmt, storedOnly())
	im.AddDocumentMapping(string(news.TypeArticle), art)

	st := bleve.NewDocumentMapping()
	common(st)
	st.AddFieldMappingsAt(fSentence, textField())
	hl := textField()
	hl.Store = false // shown from the hit JSON (fHit)
	st.AddFieldMappingsAt(fHeadline, hl)
	st.AddFieldMappingsAt(fSpeaker, textField())
	st.AddFieldMappingsAt(fConfidence, keywordField())
	st.AddFieldMappingsAt(fHit, storedOnly())
	st.AddFieldMappingsAt(fMentions, tagField())
	st.AddFieldMappingsAt(fTitleMentions, tagField())
	im.AddDocumentMapping(string(news.TypeStatement), st)

	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}
