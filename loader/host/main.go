// Command gofn-loader is the worker executable: the Go runtime plus the C
// loader core. Everything that need not be Go lives in C; main only hands
// argv over, and drives the modes that call loaded code (drive.go).
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
	var s C.gofn_cli_session
	code := int(C.gofn_cli_main(C.int(len(os.Args)), (**C.char)(unsafe.Pointer(&argv[0])), &s))
	if code == C.GOFN_CLI_DRIVE {
		code = drive(&s)
	}
	os.Exit(code)
}
