// Package actors owns the threat-actor gazetteer: canonical names, aliases,
// suspected sponsor countries, descriptions and references of the groups that
// states accuse, generated from public data (MITRE ATT&CK groups and
// campaigns, MISP galaxy threat actors) into data/actors.json and embedded.
//
// Canonical names follow one rule (data file field canonical_name_rule):
// first a short, documented list of press names for the best-known groups
// (build.PressNames: "Sandworm", not ATT&CK's "Sandworm Team" or Mandiant's
// "APT44"; "Kimsuky", not "APT43"; and pinned "Lazarus Group", "Volt
// Typhoon", "Salt Typhoon", "APT28", "APT29"), then an alias of the form
// APT<digits> ("APT31", not ATT&CK's "ZIRCONIUM"; "APT40", not
// "Leviathan"), else the MITRE ATT&CK name, else the MISP name. Displaced
// names stay aliases ("APT44" resolves to Sandworm). Every name and alias, compared case-,
// space- and punctuation-insensitively ("apt 31" = "APT31"), belongs to one
// entry; MITRE beats MISP in collisions.
//
// Find scans prose for names and aliases as whole words; a one-word name of
// letters then digits is also found written apart ("Anonymous 64",
// "APT 31"). Aliases that are
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
