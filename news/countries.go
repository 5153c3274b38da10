package news

import "strings"

// countryNames maps lower-case names, demonyms and capitals (as the press
// uses them for governments: "Beijing said", "Washington") to ISO 3166-1
// alpha-2 codes, with EU and NATO for the blocs.
var countryNames = map[string]string{
	"us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "united states": "US", "united states of america": "US",
	"america": "US", "american": "US", "americans": "US", "washington": "US",
	"uk": "GB", "u.k.": "GB", "gb": "GB", "united kingdom": "GB", "britain": "GB", "great britain": "GB",
	"british": "GB", "london": "GB", "england": "GB",
	"nz": "NZ", "new zealand": "NZ", "wellington": "NZ",
	"au": "AU", "australia": "AU", "australian": "AU", "canberra": "AU",
	"ca": "CA", "canada": "CA", "canadian": "CA", "ottawa": "CA",
	"cn": "CN", "china": "CN", "chinese": "CN", "prc": "CN", "people's republic of china": "CN", "beijing": "CN",
	"ru": "RU", "russia": "RU", "russian": "RU", "russian federation": "RU", "moscow": "RU", "kremlin": "RU",
	"ir": "IR", "iran": "IR", "iranian": "IR", "tehran": "IR",
	"kp": "KP", "north korea": "KP", "north korean": "KP", "dprk": "KP", "pyongyang": "KP",
	"kr": "KR", "south korea": "KR", "south korean": "KR", "seoul": "KR",
	"jp": "JP", "japan": "JP", "japanese": "JP", "tokyo": "JP",
	"de": "DE", "germany": "DE", "german": "DE", "berlin": "DE",
	"fr": "FR", "france": "FR", "french": "FR", "paris": "FR",
	"nl": "NL", "netherlands": "NL", "dutch": "NL", "the hague": "NL",
	"be": "BE", "belgium": "BE", "belgian": "BE",
	"cz": "CZ", "czech republic": "CZ", "czechia": "CZ", "czech": "CZ", "prague": "CZ",
	"pl": "PL", "poland": "PL", "polish": "PL", "warsaw": "PL",
	"ua": "UA", "ukraine": "UA", "ukrainian": "UA", "kyiv": "UA", "kiev": "UA",
	"al": "AL", "albania": "AL", "albanian": "AL", "tirana": "AL",
	"il": "IL", "israel": "IL", "israeli": "IL",
	"in": "IN", "india": "IN", "indian": "IN", "new delhi": "IN",
	"pk": "PK", "pakistan": "PK", "pakistani": "PK",
	"vn": "VN", "vietnam": "VN", "vietnamese": "VN", "hanoi": "VN",
	"tw": "TW", "taiwan": "TW", "taiwanese": "TW", "taipei": "TW",
	"ee": "EE", "estonia": "EE", "estonian": "EE",
	"lt": "LT", "lithuania": "LT", "lithuanian": "LT",
	"lv": "LV", "latvia": "LV", "latvian": "LV",
	"dk": "DK", "denmark": "DK", "danish": "DK",
	"no": "NO", "norway": "NO", "norwegian": "NO",
	"se": "SE", "sweden": "SE", "swedish": "SE",
	"fi": "FI", "finland": "FI", "finnish": "FI",
	"es": "ES", "spain": "ES", "spanish": "ES",
	"it": "IT", "italy": "IT", "italian": "IT",
	"ie": "IE", "ireland": "IE", "irish": "IE",
	"ch": "CH", "switzerland": "CH", "swiss": "CH",
	"sg": "SG", "singapore": "SG",
	"eu": "EU", "european union": "EU",
	"nato": "NATO", "north atlantic treaty organization": "NATO",
}

// CountryCode resolves a country name, demonym, capital or code to its ISO
// 3166-1 alpha-2 code ("EU" and "NATO" for the blocs). It ignores case and a
// leading "the".
func CountryCode(name string) (string, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(n, "the ")
	c, ok := countryNames[n]
	return c, ok
}
