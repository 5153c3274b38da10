// Package actors owns the threat-actor gazetteer: canonical names, aliases,
// suspected sponsor countries, descriptions and references of the groups that
// states accuse, generated from public data (MITRE ATT&CK groups and
// campaigns, MISP galaxy threat actors) into data/actors.json and embedded.
//
// Canonical names follow one rule (data file field canonical_name_rule): an
// alias of the form APT<digits> wins ("APT31", not ATT&CK's "ZIRCONIUM";
// "APT40", not "Leviathan"; "APT44" for Sandworm Team), else the MITRE
// ATT&CK name, else the MISP name. Every name and alias, compared case-,
// space- and punctuation-insensitively ("apt 31" = "APT31"), belongs to one
// entry; MITRE beats MISP in collisions.
//
// Find scans prose for names and aliases as whole words. Aliases that are
// shorter than four characters or ordinary words ("Play", "Silence",
// "Copper", "Anonymous") are left out of scanning but still resolve in
// Lookup.
//
// Regenerate with `go generate ./actors` (reads ../shared/corpus relative to
// the repository root). The embedded data carries MITRE's licence notice
// (Notice, and the NOTICE file) and the MISP courtesy attribution.
//
// actors imports only the standard library and package news; it must not
// import extract, index, bot or any adapter.
package actors

//go:generate go run ./internal/gen -corpus ../../shared/corpus -out data/actors.json -notice NOTICE
