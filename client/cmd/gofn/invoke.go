package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strconv"
)

// outcome is POST /invoke's JSON answer.
type outcome struct {
	InvocationID string            `json:"invocation_id"`
	Function     string            `json:"function"`
	Symbol       string            `json:"symbol"`
	Status       string            `json:"status"`
	Result       *string           `json:"result"`
	ResultB64    *string           `json:"result_base64"`
	Error        *string           `json:"error"`
	Stdout       *string           `json:"stdout"`
	StdoutB64    *string           `json:"stdout_base64"`
	Stderr       *string           `json:"stderr"`
	StderrB64    *string           `json:"stderr_base64"`
	ExitCode     int               `json:"exit_code"`
	Profiles     map[string]string `json:"profiles"`
}

// bytesOf: the text field, else its base64 twin (non-UTF-8 output).
func bytesOf(s, b64 *string) []byte {
	if s != nil {
		return []byte(*s)
	}
	if b64 != nil {
		if b, err := base64.StdEncoding.DecodeString(*b64); err == nil {
			return b
		}
	}
	return nil
}

// readInput: -d DATA, -d @FILE, -d - (stdin), or nothing.
func readInput(e *env, d string, given bool) ([]byte, error) {
	switch {
	case !given:
		return nil, nil
	case d == "-":
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, usageErr("reading stdin: %v", err)
		}
		return b, nil
	case len(d) > 0 && d[0] == '@':
		b, err := os.ReadFile(d[1:])
		if err != nil {
			return nil, usageErr("%v", err)
		}
		return b, nil
	}
	return []byte(d), nil
}

// invokeCall is one call's command line, shared by invoke and profile.
type invokeCall struct {
	fn, symbol string
	input      []byte
	query      url.Values
}

func parseInvoke(e *env, args []string, extraValued, extraBool []string) (*invokeCall, *flags, error) {
	f, err := parseFlags(args, append([]string{"d", "data", "timeout"}, extraValued...), extraBool)
	if err != nil {
		return nil, nil, err
	}
	if len(f.pos) != 2 {
		return nil, nil, usageErr("want NAME SYMBOL (gofn help)")
	}
	d, given := f.vals["d"]
	if !given {
		d, given = f.vals["data"]
	}
	in, err := readInput(e, d, given)
	if err != nil {
		return nil, nil, err
	}
	q := url.Values{"function": {f.pos[0]}}
	if t := f.vals["timeout"]; t != "" {
		if _, err := strconv.Atoi(t); err != nil {
			return nil, nil, usageErr("--timeout wants milliseconds, not %q", t)
		}
		q.Set("timeout_ms", t)
	}
	return &invokeCall{fn: f.pos[0], symbol: f.pos[1], input: in, query: q}, f, nil
}

func (ic *invokeCall) do(c *client) (*outcome, error) {
	_, b, err := c.do("POST", "/invoke/"+ic.symbol, ic.query, "application/octet-stream",
		bytes.NewReader(ic.input), nil)
	if err != nil {
		return nil, err
	}
	var o outcome
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, coded(exitServer, "invoke: answer is not an outcome: %v", err)
	}
	return &o, nil
}

// run makes the call with the configured client and reports it.
func (ic *invokeCall) run(e *env) (*client, *outcome, error) {
	c, err := tenantClient(e)
	if err != nil {
		return nil, nil, err
	}
	o, err := ic.do(c)
	if err != nil {
		return nil, nil, err
	}
	return c, o, o.report(e)
}

// report shows what the call wrote (stdout to stdout, stderr to stderr),
// then the result; a status other than ok is an error (exit 1).
func (o *outcome) report(e *env) error {
	e.stdout.Write(bytesOf(o.Stdout, o.StdoutB64))
	e.stderr.Write(bytesOf(o.Stderr, o.StderrB64))
	if res := bytesOf(o.Result, o.ResultB64); len(res) > 0 {
		e.stdout.Write(res)
		if res[len(res)-1] != '\n' {
			e.printf("\n")
		}
	}
	if o.Status == "ok" {
		return nil
	}
	msg := ""
	if o.Error != nil {
		msg = ": " + *o.Error
	}
	if o.Status == "exit" {
		msg += " (exit code " + strconv.Itoa(o.ExitCode) + ")"
	}
	return coded(exitInvoke, "%s %s: %s%s", o.Symbol, o.InvocationID, o.Status, msg)
}

func cmdInvoke(e *env, args []string) error {
	ic, _, err := parseInvoke(e, args, nil, nil)
	if err != nil {
		return err
	}
	_, _, err = ic.run(e)
	return err
}

// gofn profile NAME SYMBOL --cpu|--heap [-o FILE] [--web] [--hz N]
func cmdProfile(e *env, args []string) error {
	ic, f, err := parseInvoke(e, args, []string{"o", "hz"}, []string{"cpu", "heap", "web"})
	if err != nil {
		return err
	}
	kind := ""
	for _, k := range []string{"cpu", "heap"} {
		if f.bools[k] {
			if kind != "" {
				return usageErr("choose one of --cpu and --heap")
			}
			kind = k
		}
	}
	if kind == "" {
		return usageErr("usage: gofn profile NAME SYMBOL --cpu|--heap [-o FILE] [--web]")
	}
	ic.query.Set("profile", kind)
	if hz := f.vals["hz"]; hz != "" {
		ic.query.Set("profile_hz", hz)
	}
	c, o, err := ic.run(e)
	if err != nil {
		return err
	}
	purl := o.Profiles[kind]
	if purl == "" {
		return coded(exitServer, "the server returned no %s profile", kind)
	}
	out := f.vals["o"]
	if out == "" {
		out = kind + "-" + o.InvocationID + ".pb.gz"
	}
	if err := fetchProfile(c, purl, out); err != nil {
		return err
	}
	e.printf("%s profile: %s\n", kind, out)
	if f.bools["web"] {
		// "localhost:" (no port), not "localhost:0": pprof picks a free
		// port only for an empty one; with ":0" it opened the browser on
		// http://localhost:0 (measured with go1.26.8's pprof).
		cmd := exec.Command("go", "tool", "pprof", "-http=localhost:", out)
		cmd.Stdout, cmd.Stderr = e.stdout, e.stderr
		if err := cmd.Run(); err != nil {
			return coded(exitBuild, "go tool pprof: %v", err)
		}
	}
	return nil
}

// fetchProfile downloads the profile URL (it carries its own capability
// token) into out.
func fetchProfile(c *client, purl, out string) error {
	u, err := url.Parse(purl)
	if err != nil {
		return coded(exitServer, "profile URL %q: %v", purl, err)
	}
	// Ask our own server (the URL's host may be a public name): keep path and query.
	_, b, err := c.do("GET", u.Path, u.Query(), "", nil, nil)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return usageErr("%v", err)
	}
	return nil
}
