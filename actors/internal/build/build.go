// Package build turns the public corpus (MITRE ATT&CK groups and campaigns,
// MISP galaxy threat actors) into the gazetteer data file that package actors
// embeds. It is used by the generator (actors/internal/gen) and by the test
// that proves the committed file is what the corpus generates. It reads only
// the files it is given and imports nothing outside the standard library.
package build

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Notice is the MITRE ATT&CK licence notice, reproduced as the licence
// requires (corpus SOURCES.md, section 1). It is written to actors/NOTICE and
// into the data file.
const Notice = `ATT&CK®
The MITRE Corporation (MITRE) hereby grants you a non-exclusive, royalty-free license to use
ATT&CK® for research, development, and commercial purposes. Any copy you make for such purposes
is authorized provided that you reproduce MITRE's copyright designation and this license in any
such copy.

"© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of
The MITRE Corporation."

Disclaimers: MITRE does not claim ATT&CK enumerates all possibilities for the types of actions
and behaviors documented as part of its adversary model and framework of techniques. Using the
information contained within ATT&CK to address or cover full categories of techniques will not
guarantee full defensive coverage as there may be undisclosed techniques or variations on
existing techniques not documented by ATT&CK. ALL DOCUMENTS AND THE INFORMATION CONTAINED
THEREIN ARE PROVIDED ON AN "AS IS" BASIS AND THE CONTRIBUTOR, THE ORGANIZATION HE/SHE REPRESENTS
OR IS SPONSORED BY (IF ANY), THE MITRE CORPORATION, ITS BOARD OF TRUSTEES, OFFICERS, AGENTS, AND
EMPLOYEES, DISCLAIM ALL WARRANTIES, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTY
THAT THE USE OF THE INFORMATION THEREIN WILL NOT INFRINGE ANY RIGHTS OR ANY IMPLIED WARRANTIES
OF MERCHANTABILITY OR FITNESS FOR A PARTICULAR PURPOSE.
`

// Attribution credits the MISP galaxy (CC0 1.0; attribution is a courtesy).
const Attribution = `Threat-actor names, aliases, countries and descriptions also come from the MISP galaxy ` +
	`threat-actor cluster (https://github.com/MISP/misp-galaxy, clusters/threat-actor.json, version 349), ` +
	`by the MISP Project and its contributors, used under CC0 1.0 Universal.`

// Provenance names the exact upstream versions.
var Provenance = []string{
	"MITRE ATT&CK v18.1 (https://github.com/mitre/cti commit 421deacb77191b38bdd1bf63268954e93da91365): intrusion sets and campaigns",
	"MISP galaxy threat-actor cluster version 349 (https://github.com/MISP/misp-galaxy commit 9434ace4eb925c9a1c9b3bccf014a25f9d14f0b0)",
}

// File is the data file's shape.
type File struct {
	Notice      string   `json:"notice"`
	Attribution string   `json:"attribution"`
	Provenance  []string `json:"provenance"`
	Rule        string   `json:"canonical_name_rule"`
	Actors      []Actor  `json:"actors"`
}

// PressNames overrides the canonical name of the best-known groups with the
// name the press uses, keyed by ATT&CK id. Reporters write "Sandworm" and
// "Kimsuky", rarely Mandiant's later APT44 and APT43 (which stay aliases);
// the other entries pin names the general rule already gives, so that a
// data update cannot silently rename them. Each name must be one the entry
// owns (Build fails otherwise).
var PressNames = map[string]string{
	"G0034": "Sandworm",      // ATT&CK "Sandworm Team"; APT44
	"G0094": "Kimsuky",       // APT43
	"G0032": "Lazarus Group", // HIDDEN COBRA
	"G1017": "Volt Typhoon",
	"G1045": "Salt Typhoon",
	"G0007": "APT28", // Fancy Bear
	"G0016": "APT29", // Cozy Bear
}

// StateAgencies are the state organs reporters name as the accused (and a
// few as accusers in counter-accusations): intelligence and security
// services and military units that conduct cyber operations. They are not in
// ATT&CK or MISP as groups; newsdesk adds them to the gazetteer so that "the
// GRU", "Russia's military intelligence" and "GU" are one accused, with its
// state. An alias that a group already owns ("Unit 74455" is Sandworm,
// "Unit 8200" has an entry of its own) stays the group's.
var StateAgencies = []Actor{
	{Name: "GRU", Country: "RU", Aliases: []string{"Main Intelligence Directorate", "GRU military intelligence", "Russian military intelligence", "Russia's military intelligence", "General Staff Main Intelligence Directorate", "Main Directorate of the General Staff", "85th Main Special Service Centre", "GTsSS", "GTsST"},
		Description: "Russia's military intelligence service (Main Directorate of the General Staff of the Armed Forces)."},
	{Name: "SVR", Country: "RU", Aliases: []string{"Foreign Intelligence Service of the Russian Federation", "Russian Foreign Intelligence Service", "Russia's Foreign Intelligence Service", "Russian foreign intelligence"},
		Description: "Russia's Foreign Intelligence Service."},
	{Name: "FSB", Country: "RU", Aliases: []string{"Federal Security Service", "Russian Federal Security Service", "Russia's Federal Security Service", "FSB Center 16", "FSB Centre 16", "FSB Center 18", "FSB Centre 18", "Center 16", "Centre 18"},
		Description: "Russia's Federal Security Service."},
	{Name: "MSS", Country: "CN", Aliases: []string{"Ministry of State Security", "China's Ministry of State Security", "Chinese Ministry of State Security", "PRC Ministry of State Security", "Hainan State Security Department", "Guangdong State Security Department", "Jiangsu State Security Department", "Tianjin State Security Bureau", "Hubei State Security Department", "Chinese state security"},
		Description: "China's Ministry of State Security, the civilian intelligence service, and its provincial departments."},
	{Name: "PLA", Country: "CN", Aliases: []string{"People's Liberation Army", "People’s Liberation Army", "Chinese People's Liberation Army", "PLA Strategic Support Force", "Strategic Support Force", "Unit 61398", "Unit 61486"},
		Description: "China's People's Liberation Army and its cyber units."},
	{Name: "MPS", Country: "CN", Aliases: []string{"Ministry of Public Security", "China's Ministry of Public Security"},
		Description: "China's Ministry of Public Security."},
	{Name: "RGB", Country: "KP", Aliases: []string{"Reconnaissance General Bureau", "North Korea's Reconnaissance General Bureau", "General Reconnaissance Bureau"},
		Description: "North Korea's primary intelligence agency."},
	{Name: "IRGC", Country: "IR", Aliases: []string{"Islamic Revolutionary Guard Corps", "Iran's Revolutionary Guards", "Revolutionary Guard", "Revolutionary Guards", "IRGC Cyber Electronic Command", "IRGC-CEC", "IRGC Intelligence Organization"},
		Description: "Iran's Islamic Revolutionary Guard Corps and its cyber units."},
	{Name: "MOIS", Country: "IR", Aliases: []string{"Ministry of Intelligence and Security", "Iran's Ministry of Intelligence and Security", "Iranian Ministry of Intelligence", "Iran's intelligence ministry", "Ministry of Intelligence of Iran", "VAJA"},
		Description: "Iran's Ministry of Intelligence and Security."},
	{Name: "NSA", Country: "US", Aliases: []string{"National Security Agency", "US National Security Agency", "Tailored Access Operations"},
		Description: "The US National Security Agency."},
	{Name: "CIA", Country: "US", Aliases: []string{"Central Intelligence Agency"},
		Description: "The US Central Intelligence Agency."},
	{Name: "GCHQ", Country: "GB", Aliases: []string{"Government Communications Headquarters"},
		Description: "The UK's signals intelligence agency."},
}

// addAgencies appends StateAgencies to out, each alias only where no group
// owns its key. A canonical agency name a group owns is an error.
func addAgencies(out []Actor) ([]Actor, error) {
	owned := map[string]string{}
	for _, a := range out {
		owned[Key(a.Name)] = a.Name
		for _, al := range a.Aliases {
			owned[Key(al)] = a.Name
		}
	}
	for _, ag := range StateAgencies {
		if o, ok := owned[Key(ag.Name)]; ok {
			return nil, fmt.Errorf("state agency %s: the name belongs to %s; fix build.StateAgencies", ag.Name, o)
		}
		a := Actor{Name: ag.Name, Country: ag.Country, Description: ag.Description, Sources: []string{"newsdesk state agencies (actors/internal/build.StateAgencies)"} /* = actors.AgencySource */}
		owned[Key(ag.Name)] = ag.Name
		for _, al := range ag.Aliases {
			if _, taken := owned[Key(al)]; taken {
				continue
			}
			owned[Key(al)] = ag.Name
			a.Aliases = append(a.Aliases, al)
		}
		slices.SortFunc(a.Aliases, func(x, y string) int {
			return cmp.Or(cmp.Compare(strings.ToLower(x), strings.ToLower(y)), cmp.Compare(x, y))
		})
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y Actor) int {
		return cmp.Or(cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), cmp.Compare(x.Name, y.Name))
	})
	return out, nil
}

// Rule documents how the canonical name is chosen.
const Rule = "canonical name: the press name of a few best-known groups (Sandworm, Kimsuky, Lazarus Group, Volt Typhoon, Salt Typhoon, APT28, APT29; build.PressNames), else " +
	"an alias of the form APT<digits> owned by the entry (lowest-numbered among the most authoritative), " +
	"else the MITRE ATT&CK group name, else the MISP name; state agencies (GRU, MSS, IRGC, ...) from build.StateAgencies; an ATT&CK name ending in Group or Team also answers to its first words (Lazarus); every name or alias (compared case-, space- and punctuation-insensitively) " +
	"belongs to exactly one entry: a MITRE name beats a MITRE alias, which beats a revoked MITRE name, a MISP name, a MISP alias; ties go to the lower ATT&CK id, then the earlier name"

// Actor is one gazetteer entry in the data file.
type Actor struct {
	Name        string     `json:"name"`
	Aliases     []string   `json:"aliases,omitempty"`
	Country     string     `json:"country,omitempty"`
	Description string     `json:"description,omitempty"`
	References  []string   `json:"references,omitempty"`
	Sources     []string   `json:"sources,omitempty"`
	MitreID     string     `json:"mitre_id,omitempty"`
	Campaigns   []Campaign `json:"campaigns,omitempty"`
}

// Campaign is a MITRE ATT&CK campaign attributed to an actor.
type Campaign struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	FirstSeen string `json:"first_seen,omitempty"`
	LastSeen  string `json:"last_seen,omitempty"`
}

type mitreRecord struct {
	AttackID   string   `json:"attack_id"`
	Name       string   `json:"name"`
	Aliases    []string `json:"aliases"`
	Text       string   `json:"text"`
	Revoked    bool     `json:"revoked"`
	Deprecated bool     `json:"deprecated"`
	RevokedBy  *struct {
		AttackID string `json:"attack_id"`
	} `json:"revoked_by"`
	SourceURL  string `json:"source_url"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
	FirstSeen    string `json:"first_seen"`
	LastSeen     string `json:"last_seen"`
	AttributedTo []struct {
		AttackID string `json:"attack_id"`
	} `json:"attributed_to"`
}

type mispRecord struct {
	Name       string   `json:"name"`
	Aliases    []string `json:"aliases"`
	Text       string   `json:"text"`
	Country    string   `json:"country"`
	CFRSponsor string   `json:"cfr_suspected_state_sponsor"`
	References []string `json:"references"`
}

// Key normalises a name for comparison: lower case, letters and digits only.
// "APT 31", "apt-31" and "APT31" share the key "apt31".
func Key(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func readJSONL[T any](path string) ([]T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read corpus file: %w", err)
	}
	var out []T
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// name provenance ranks, most authoritative first
const (
	rankMitreName = iota
	rankMitreAlias
	rankRevoked
	rankMispName
	rankMispAlias
	rankDerived // "Lazarus" from "Lazarus Group": what reporters write
)

type entry struct {
	mitre     *mitreRecord
	misps     []*mispRecord
	names     []cand // every name claimed, in claim order
	campaigns []Campaign
	order     string // tie-break key: "0:G0001" for MITRE, "1:<misp name>" otherwise
}

type cand struct {
	text string
	rank int
}

func (e *entry) claim(text string, rank int) {
	text = strings.Join(strings.Fields(text), " ")
	if Key(text) == "" {
		return
	}
	e.names = append(e.names, cand{text, rank})
}

var attackIDRe = regexp.MustCompile(`^G\d{4}$`)
var aptRe = regexp.MustCompile(`^apt(\d+)$`)

// Build reads the corpus directory and returns the data file's bytes and the
// notice file's bytes. Output is deterministic.
func Build(corpus string) (data []byte, notice []byte, err error) {
	groups, err := readJSONL[mitreRecord](filepath.Join(corpus, "mitre-attack-groups.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	campaigns, err := readJSONL[mitreRecord](filepath.Join(corpus, "mitre-attack-campaigns.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	misps, err := readJSONL[mispRecord](filepath.Join(corpus, "misp-threat-actors.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	actors, err := merge(groups, campaigns, misps)
	if err != nil {
		return nil, nil, err
	}
	if actors, err = addAgencies(actors); err != nil {
		return nil, nil, err
	}
	f := File{Notice: Notice, Attribution: Attribution, Provenance: Provenance, Rule: Rule, Actors: actors}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, nil, fmt.Errorf("encode gazetteer: %w", err)
	}
	return buf.Bytes(), []byte(Notice), nil
}

func merge(groups, campaigns []mitreRecord, misps []mispRecord) ([]Actor, error) {
	var entries []*entry
	byID := map[string]*entry{}
	slices.SortFunc(groups, func(a, b mitreRecord) int { return cmp.Compare(a.AttackID, b.AttackID) })
	for i := range groups {
		g := &groups[i]
		if g.Revoked || g.Deprecated {
			continue
		}
		e := &entry{mitre: g, order: "0:" + g.AttackID}
		e.claim(g.Name, rankMitreName)
		for _, a := range g.Aliases {
			e.claim(a, rankMitreAlias)
		}
		for _, suffix := range []string{" Group", " Team"} {
			if short, ok := strings.CutSuffix(g.Name, suffix); ok && len(short) >= 4 {
				e.claim(short, rankDerived)
			}
		}
		entries = append(entries, e)
		byID[g.AttackID] = e
	}
	// revoked groups donate their names to the group that replaced them
	for i := range groups {
		g := &groups[i]
		if !g.Revoked || g.RevokedBy == nil {
			continue
		}
		if e := byID[g.RevokedBy.AttackID]; e != nil {
			e.claim(g.Name, rankRevoked)
			for _, a := range g.Aliases {
				e.claim(a, rankRevoked)
			}
		}
	}
	for i := range campaigns {
		c := &campaigns[i]
		if c.Revoked || c.Deprecated {
			continue
		}
		for _, at := range c.AttributedTo {
			if e := byID[at.AttackID]; e != nil {
				e.campaigns = append(e.campaigns, Campaign{ID: c.AttackID, Name: c.Name, FirstSeen: day(c.FirstSeen), LastSeen: day(c.LastSeen)})
			}
		}
	}
	// index MITRE names for matching MISP actors
	mitreName := map[string]*entry{}  // key of MITRE name
	mitreAlias := map[string]*entry{} // key of MITRE alias (first claimant by id)
	for _, e := range entries {
		for _, c := range e.names {
			k := Key(c.text)
			if c.rank == rankMitreName {
				mitreName[k] = e
			} else if _, ok := mitreAlias[k]; !ok {
				mitreAlias[k] = e
			}
		}
	}
	slices.SortStableFunc(misps, func(a, b mispRecord) int {
		return cmp.Compare(strings.TrimSpace(a.Name), strings.TrimSpace(b.Name))
	})
	// pass 1: MISP actors that name a MITRE group (same name, or its ATT&CK id)
	var rest []*mispRecord
	for i := range misps {
		m := &misps[i]
		if e := strongMatch(m, mitreName, byID); e != nil {
			e.misps = append(e.misps, m)
			e.claimMISP(m)
			continue
		}
		rest = append(rest, m)
	}
	// pass 2: the others join a MITRE group through its aliases unless the
	// countries disagree (MISP's Iranian "IRIDIUM" is not Sandworm's alias)
	mispOnly := map[string]*entry{}
	for _, m := range rest {
		target := weakMatch(m, mitreName, mitreAlias)
		if target != nil {
			if c, mc := country(target), strings.ToUpper(m.Country); c != "" && mc != "" && c != mc {
				target = nil
			}
		}
		if target == nil {
			target = mispOnly[Key(m.Name)]
		}
		if target == nil {
			target = &entry{order: "1:" + strings.TrimSpace(m.Name)}
			entries = append(entries, target)
			mispOnly[Key(m.Name)] = target
		}
		target.misps = append(target.misps, m)
		target.claimMISP(m)
	}

	// every key belongs to one entry: best rank, then entry order
	type owner struct {
		e    *entry
		rank int
	}
	owners := map[string]owner{}
	for _, e := range entries {
		for _, c := range e.names {
			k := Key(c.text)
			o, ok := owners[k]
			if !ok || c.rank < o.rank || (c.rank == o.rank && e.order < o.e.order) {
				owners[k] = owner{e, c.rank}
			}
		}
	}

	var out []Actor
	for _, e := range entries {
		// owned names, each key once, best-ranked spelling first
		var owned []cand
		seen := map[string]bool{}
		names := slices.Clone(e.names)
		slices.SortStableFunc(names, func(a, b cand) int { return cmp.Compare(a.rank, b.rank) })
		for _, c := range names {
			k := Key(c.text)
			if seen[k] || owners[k].e != e {
				continue
			}
			seen[k] = true
			owned = append(owned, c)
		}
		if len(owned) == 0 {
			continue // everything it was called belongs to others
		}
		canon := canonical(e, owned)
		if e.mitre != nil {
			if press, ok := PressNames[e.mitre.AttackID]; ok {
				if !slices.ContainsFunc(owned, func(c cand) bool { return c.text == press }) {
					return nil, fmt.Errorf("press name %q for %s (%s) is not one of its names; fix build.PressNames", press, e.mitre.AttackID, e.mitre.Name)
				}
				canon = press
			}
		}
		a := Actor{Name: canon}
		for _, c := range owned {
			if c.text != canon && !attackIDRe.MatchString(c.text) {
				a.Aliases = append(a.Aliases, c.text)
			}
		}
		slices.SortFunc(a.Aliases, func(x, y string) int {
			return cmp.Or(cmp.Compare(strings.ToLower(x), strings.ToLower(y)), cmp.Compare(x, y))
		})
		a.Country = country(e)
		if e.mitre != nil {
			a.Description = strings.TrimSpace(e.mitre.Text)
			a.MitreID = e.mitre.AttackID
			a.Sources = append(a.Sources, "MITRE ATT&CK "+e.mitre.AttackID)
			a.References = append(a.References, e.mitre.SourceURL)
			n := 0
			for _, r := range e.mitre.References {
				if r.URL != "" && n < 2 && !slices.Contains(a.References, r.URL) {
					a.References = append(a.References, r.URL)
					n++
				}
			}
		}
		if len(e.misps) > 0 {
			a.Sources = append(a.Sources, "MISP galaxy")
			if a.Description == "" {
				a.Description = strings.TrimSpace(e.misps[0].Text)
			}
			n := 0
			for _, m := range e.misps {
				for _, r := range m.References {
					if n < 3 && len(a.References) < 5 && !slices.Contains(a.References, r) {
						a.References = append(a.References, r)
						n++
					}
				}
			}
		}
		slices.SortFunc(e.campaigns, func(x, y Campaign) int { return cmp.Compare(x.ID, y.ID) })
		a.Campaigns = e.campaigns
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y Actor) int {
		return cmp.Or(cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), cmp.Compare(x.Name, y.Name))
	})
	return out, nil
}

func (e *entry) claimMISP(m *mispRecord) {
	e.claim(m.Name, rankMispName)
	for _, a := range m.Aliases {
		e.claim(a, rankMispAlias)
	}
}

// strongMatch finds the MITRE group a MISP actor names: the same name, or an
// ATT&CK id listed among its aliases that is the only one listed.
func strongMatch(m *mispRecord, mitreName map[string]*entry, byID map[string]*entry) *entry {
	if e := mitreName[Key(m.Name)]; e != nil {
		return e
	}
	var ids []string
	for _, a := range m.Aliases {
		if a = strings.TrimSpace(a); attackIDRe.MatchString(a) {
			ids = append(ids, a)
		}
	}
	if len(ids) == 1 {
		return byID[ids[0]]
	}
	return nil
}

// weakMatch: the MISP name is a MITRE alias, or two or more of its aliases
// are the group's names.
func weakMatch(m *mispRecord, mitreName, mitreAlias map[string]*entry) *entry {
	if e := mitreAlias[Key(m.Name)]; e != nil {
		return e
	}
	counts := map[*entry]int{}
	for _, a := range m.Aliases {
		k := Key(a)
		if e := mitreName[k]; e != nil {
			counts[e] += 2
		} else if e := mitreAlias[k]; e != nil {
			counts[e]++
		}
	}
	var best *entry
	for e, n := range counts {
		if n < 2 {
			continue
		}
		if best == nil || n > counts[best] || (n == counts[best] && e.order < best.order) {
			best = e
		}
	}
	return best
}

func canonical(e *entry, owned []cand) string {
	bestRank, bestNum := 99, 0
	var apt string
	for _, c := range owned {
		m := aptRe.FindStringSubmatch(Key(c.text))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		r := c.rank
		if r == rankMitreAlias {
			r = rankMitreName // a MITRE APT alias counts as authoritative as the name
		}
		if apt == "" || r < bestRank || (r == bestRank && n < bestNum) {
			apt, bestRank, bestNum = "APT"+m[1], r, n
		}
	}
	if apt != "" {
		return apt
	}
	return owned[0].text // best-ranked: the MITRE name, else the MISP name
}

var countryNames = map[string]string{
	"china": "CN", "people's republic of china": "CN", "russian federation": "RU", "russia": "RU",
	"iran (islamic republic of)": "IR", "iran": "IR", "korea (democratic people's republic of)": "KP",
	"north korea": "KP", "korea (republic of)": "KR", "south korea": "KR", "palestine": "PS",
	"united states": "US", "us": "US", "pakistan": "PK", "belarus": "BY", "india": "IN", "vietnam": "VN",
	"spain": "ES", "lebanon": "LB", "france": "FR", "united arab emirates": "AE", "israel": "IL",
}

const nat = `(Chinese|China|People’s Republic of China|People's Republic of China|PRC|Russian|Russia|Iranian|Iran|North Korean|North Korea|DPRK|Pakistani|Pakistan|Vietnamese|Vietnam|Indian|India|Belarusian|Belarus|Turkish|Lebanese|Lebanon|Palestinian|Israeli|Syrian|Ukrainian)`

// patterns in which a description gives the group's own nationality (not its victims')
var nationalityRes = []*regexp.Regexp{
	regexp.MustCompile(`\b` + nat + `(?:'s|’s)?[-–‑ ](?:based|nexus|linked|backed|sponsored|state|government|affiliated|aligned|related|origins?|speaking)\b`),
	regexp.MustCompile(`\b(?:suspected|likely|probable|possible|an?|is)\s+` + nat + `\s+(?:\w+[- ]){0,3}?(?:cyber|espionage|threat|group|actor|APT|intelligence|military|state-sponsored|hacking|adversary|operators?)`),
	regexp.MustCompile(`\b(?:attributed to|operate from|operates from|hackers from|based in|located in)\s+(?:the\s+)?(?:\w+\s+Province\s+of\s+)?` + nat + `\b`),
	regexp.MustCompile(`\b` + nat + `\s+(?:origins|nexus)\b`),
}

var adjectiveCode = map[string]string{
	"chinese": "CN", "china": "CN", "people’s republic of china": "CN", "people's republic of china": "CN", "prc": "CN",
	"russian": "RU", "russia": "RU", "iranian": "IR", "iran": "IR",
	"north korean": "KP", "north korea": "KP", "dprk": "KP", "pakistani": "PK", "pakistan": "PK", "vietnamese": "VN", "vietnam": "VN",
	"indian": "IN", "india": "IN", "belarusian": "BY", "belarus": "BY", "turkish": "TR", "lebanese": "LB", "lebanon": "LB", "palestinian": "PS",
	"israeli": "IL", "syrian": "SY", "ukrainian": "UA",
}

// mitreCountry is the nationality the MITRE description gives the group
// itself in its first two sentences, or "".
func mitreCountry(text string) string {
	cut := 0
	for i := 0; i < 2; i++ {
		j := strings.Index(text[cut:], ". ")
		if j < 0 {
			cut = len(text)
			break
		}
		cut += j + 2
	}
	best, code := -1, ""
	for _, re := range nationalityRes {
		if m := re.FindStringSubmatchIndex(text[:cut]); m != nil && (best < 0 || m[0] < best) {
			best, code = m[0], adjectiveCode[strings.ToLower(text[m[2]:m[3]])]
		}
	}
	return code
}

// country: the MISP country (best-matched record first), else the CFR
// sponsor, else the nationality the MITRE description gives the group.
func country(e *entry) string {
	for _, m := range e.misps {
		if len(m.Country) == 2 {
			return strings.ToUpper(m.Country)
		}
	}
	for _, m := range e.misps {
		if c := countryNames[strings.ToLower(strings.TrimSpace(m.CFRSponsor))]; c != "" {
			return c
		}
	}
	if e.mitre != nil {
		return mitreCountry(e.mitre.Text)
	}
	return ""
}

func day(ts string) string {
	if len(ts) >= 10 {
		return ts[:10]
	}
	return ts
}
