// Package greet has an import path with slashes (example.com/sizer/greet):
// its functions must be addressable as /invoke/example.com/sizer/greet.F.
package greet

import (
	"net/http"
	"strings"
)

// Upper is a plain function of a package whose path contains '/'.
func Upper(s string) string { return strings.ToUpper(s) }

// Hi is an HTTP function of that package.
func Hi(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("hi from " + r.URL.Path))
}
