// Package lib has an import path ending in a dotted element
// (corpus/twopkg_dotted/lib.v2, as gopkg.in/yaml.v3): symbol names spell it
// lib%2ev2 (bug 7 of issue 15).
package lib

var T = make([]byte, 4)

var initialized bool

func init() { initialized = true }

// Ready reports whether the package's init ran.
func Ready() bool { return initialized }
