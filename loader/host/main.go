// Command gofn-loader is the worker executable: the Go runtime plus the C
// loader core. Everything that need not be Go lives in C; main only hands
// argv over.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../..
#include <stdlib.h>
#include "loader/host/cli/cli.h"
*/
import "C"

import (
	"os"
	"unsafe"
)

func main() {
	argv := make([]*C.char, len(os.Args)+1)
	for i, a := range os.Args {
		argv[i] = C.CString(a)
	}
	code := C.gofn_cli_main(C.int(len(os.Args)), (**C.char)(unsafe.Pointer(&argv[0])))
	os.Exit(int(code))
}
