// Calls a function no host defines: linking must fail naming it.
package main

import _ "unsafe"

//go:linkname nowhere gofn.nowhere
func nowhere()

func main() { nowhere() }
