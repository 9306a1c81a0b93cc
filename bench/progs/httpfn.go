// Load row (issue 15): a function that uses net/http as a library (a
// handler run against httptest): its load must stay within 2x of an
// fmt-only one (fmtfn.go). Noop is what the load measurement calls.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
)

func Noop() {}

// Handle is the function's real work.
func Handle(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hello %s", r.URL.Query().Get("name"))
}

func main() {
	rec := httptest.NewRecorder()
	http.HandlerFunc(Handle).ServeHTTP(rec, httptest.NewRequest("GET", "/?name=http", nil))
	b, _ := io.ReadAll(rec.Result().Body)
	fmt.Println(rec.Code, string(b))
}
