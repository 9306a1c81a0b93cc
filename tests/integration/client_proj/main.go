// A go.mod project with two third-party modules (and their dependencies),
// deployed with `gofn deploy` by tests/integration/test_client.sh, which
// edits the greeting to make a second version.
package main

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"

	"example.com/sizer/greet"
	"github.com/dustin/go-humanize"
	"github.com/tidwall/gjson"
)

var _ = greet.Upper // greet is part of the unit

// Size reads {"name": ..., "bytes": N} and says it in words.
func Size(in string) string {
	name := gjson.Get(in, "name").String()
	return name + " is " + humanize.Bytes(gjson.Get(in, "bytes").Uint())
}

// Fail is an error status for gofn invoke's exit code.
func Fail(in string) (string, error) {
	return "", errors.New("no " + in)
}

//go:noinline
func spin(n int) uint64 {
	x := uint64(n)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

var sink uint64

// Spin computes for roughly the number of milliseconds given (a small
// handler a CPU profile must show, not gofn's profiling).
func Spin(in string) string {
	ms, _ := strconv.Atoi(in)
	for i := 0; i < ms; i++ {
		sink += spin(300000)
	}
	return humanize.Comma(int64(sink % 1000))
}

// Hoard allocates at one site a heap profile must name.
func Hoard(in string) string {
	n, _ := strconv.Atoi(in)
	keep := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 4096))
	}
	return strconv.Itoa(len(keep))
}

// Echo is an HTTP function: ANY /invoke/main.Echo/{path...} hands it the
// method, path, query, headers and body, and answers with what it writes.
func Echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Echo-Method", r.Method)
	w.WriteHeader(http.StatusTeapot)
	w.Write([]byte(`{"path":` + strconv.Quote(r.URL.Path) +
		`,"query":` + strconv.Quote(r.URL.RawQuery) +
		`,"in":` + strconv.Quote(r.Header.Get("X-In")) +
		`,"auth":` + strconv.Quote(r.Header.Get("Authorization")) +
		`,"body":` + strconv.Quote(string(body)) + `}`))
}

// Getenv shows the function's configuration (PUT /functions/{name}/config).
func Getenv(name string) string { return os.Getenv(name) }

// atInit is read by package init: the environment is set before it runs.
var atInit = os.Getenv("GREETING")

// InitEnv returns what init saw.
func InitEnv(string) string { return atInit }

func main() {}
