// Package config turns a YAML file and the environment into one validated
// Config. Errors name the key and the fix ("digest.grace: "6 hours" is not a
// duration; write 6h"); an unknown key is an error that suggests the key
// meant. Secrets come only from the environment (or NAME_FILE), never from
// the file, and Config's String never prints them.
//
// It imports the standard library, yaml.v3 and internal/suggest only.
package config
