package main

// #include <stdint.h>
import "C"

import "unicode"

// gofnIsUpper is Go's own answer to "is this rune upper case", which
// go/token.IsExported asks of an identifier's first rune: the loader lists
// and calls func Äpfel and func Ω as exported (loader/ident.c). From Go
// rather than a C locale, which a confined worker cannot open.
//
//export gofnIsUpper
func gofnIsUpper(r C.int32_t) C.int {
	if unicode.IsUpper(rune(r)) {
		return 1
	}
	return 0
}
