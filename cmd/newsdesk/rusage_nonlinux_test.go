//go:build !linux

package main

func residentBytes() int64 { return 0 }
