package news

import "strings"

// Country is one state or bloc as the press names it. Each field is a
// "|"-separated list; a leading "=" marks a name that reading prose must
// match case-sensitively ("=US", not the word "us").
type Country struct {
	Code     string // ISO 3166-1 alpha-2; "EU" and "NATO" for the blocs
	Names    string // "United Kingdom|=UK|Britain"
	Demonyms string // "British|Briton"
	Capitals string // seats of government standing for it: "London|Downing Street"
}

// Countries is the one table of states and blocs that both extraction (in
// prose) and the command language (by:GB, by:"New Zealand") read.
var Countries = []Country{
	{"US", "United States|United States of America|America|U.S.|=US|USA|U.S.A.", "American|Americans|U.S.", "Washington|Washington D.C.|White House"},
	{"GB", "United Kingdom|=UK|U.K.|Britain|Great Britain|England", "British|English|Briton|Britons", "London|Downing Street|Whitehall"},
	{"NZ", "New Zealand", "New Zealander|New Zealanders", "Wellington"},
	{"AU", "Australia", "Australian|Australians", "Canberra"},
	{"CA", "Canada", "Canadian|Canadians", "Ottawa"},
	{"JP", "Japan", "Japanese", "Tokyo"},
	{"DE", "Germany", "German|Germans", "Berlin"},
	{"FR", "France", "French", "Paris|Elysee|Élysée"},
	{"NL", "Netherlands|the Netherlands|Holland", "Dutch", "The Hague"},
	{"IT", "Italy", "Italian", "Rome"},
	{"ES", "Spain", "Spanish", "Madrid"},
	{"PL", "Poland", "Polish", "Warsaw"},
	{"UA", "Ukraine", "Ukrainian|Ukrainians", "Kyiv|Kiev"},
	{"AL", "Albania", "Albanian|Albanians", "Tirana"},
	{"EE", "Estonia", "Estonian", "Tallinn"},
	{"LV", "Latvia", "Latvian", "Riga"},
	{"LT", "Lithuania", "Lithuanian", "Vilnius"},
	{"CZ", "Czech Republic|Czechia", "Czech", "Prague"},
	{"SE", "Sweden", "Swedish", "Stockholm"},
	{"NO", "Norway", "Norwegian", "Oslo"},
	{"FI", "Finland", "Finnish", "Helsinki"},
	{"DK", "Denmark", "Danish", "Copenhagen"},
	{"BE", "Belgium", "Belgian", ""},
	{"IE", "Ireland", "Irish", "Dublin"},
	{"CH", "Switzerland", "Swiss", "Bern"},
	{"AT", "Austria", "Austrian", "Vienna"},
	{"KR", "South Korea|Republic of Korea", "South Korean|South Koreans", "Seoul"},
	{"TW", "Taiwan", "Taiwanese", "Taipei"},
	{"IN", "India", "Indian", "New Delhi"},
	{"IL", "Israel", "Israeli|Israelis", "Jerusalem"},
	{"SG", "Singapore", "Singaporean", ""},
	{"PH", "Philippines|the Philippines", "Philippine|Filipino", "Manila"},
	{"VN", "Vietnam|Viet Nam", "Vietnamese", "Hanoi"},
	{"MY", "Malaysia", "Malaysian", "Kuala Lumpur"},
	{"CN", "China|=PRC|People's Republic of China|People’s Republic of China|Mainland China", "Chinese", "Beijing|Zhongnanhai"},
	{"RU", "Russia|Russian Federation", "Russian|Russians", "Moscow|Kremlin"},
	{"IR", "Iran|Islamic Republic of Iran", "Iranian|Iranians", "Tehran"},
	{"KP", "North Korea|=DPRK|Democratic People's Republic of Korea|Democratic People’s Republic of Korea", "North Korean|North Koreans", "Pyongyang"},
	{"BY", "Belarus", "Belarusian|Belarusians", "Minsk"},
	{"PK", "Pakistan", "Pakistani", "Islamabad"},
	{"TR", "Turkey|Türkiye", "Turkish", "Ankara"},
	{"SY", "Syria", "Syrian", "Damascus"},
	{"EU", "European Union|=EU|E.U.", "European", "Brussels|European Commission|European Council|Council of the European Union|Council of the EU|EU High Representative|Europol|ENISA"},
	{"NATO", "NATO|=Nato|North Atlantic Treaty Organization|North Atlantic Council", "", ""},
}

// countryIndex maps every lower-cased code, name, demonym and capital to
// its code.
var countryIndex = func() map[string]string {
	m := map[string]string{}
	for _, c := range Countries {
		m[strings.ToLower(c.Code)] = c.Code
		for _, n := range strings.Split(c.Names+"|"+c.Demonyms+"|"+c.Capitals, "|") {
			if n = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(n), "=")); n != "" {
				if _, taken := m[n]; !taken {
					m[n] = c.Code
				}
			}
		}
	}
	return m
}()

// CountryCode resolves a country's code, name, demonym or capital to its
// ISO 3166-1 alpha-2 code ("EU" and "NATO" for the blocs). It ignores case
// and a leading "the".
func CountryCode(name string) (string, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if c, ok := countryIndex[n]; ok {
		return c, true
	}
	c, ok := countryIndex[strings.TrimPrefix(n, "the ")]
	return c, ok
}
