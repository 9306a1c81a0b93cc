package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/url"
	"strings"
	"time"
)

// flags is a tiny parser for "--name X", "--name=X", bools and positionals
// in any order, so every command reads its line the same way.
type flags struct {
	vals  map[string]string
	bools map[string]bool
	pos   []string
}

// parseFlags: valued lists flags taking a value, boolean those that do not.
func parseFlags(args []string, valued, boolean []string) (*flags, error) {
	f := &flags{vals: map[string]string{}, bools: map[string]bool{}}
	isIn := func(s string, l []string) bool {
		for _, x := range l {
			if x == s {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			f.pos = append(f.pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			f.pos = append(f.pos, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case isIn(name, valued):
			if !hasVal {
				if i+1 >= len(args) {
					return nil, usageErr("%s needs a value", a)
				}
				i++
				val = args[i]
			}
			f.vals[name] = val
		case isIn(name, boolean) && !hasVal:
			f.bools[name] = true
		default:
			return nil, usageErr("unknown flag %s", a)
		}
	}
	return f, nil
}

func (e *env) printf(format string, a ...any) { fmt.Fprintf(e.stdout, format, a...) }

func tenantClient(e *env) (*client, error) {
	c, err := loadConfig(e.getenv)
	if err != nil {
		return nil, err
	}
	return newClient(c, false)
}

func cmdDeploy(e *env, args []string) error {
	f, err := parseFlags(args, []string{"name"}, []string{"v"})
	if err != nil {
		return err
	}
	name := f.vals["name"]
	if name == "" || len(f.pos) > 1 {
		return usageErr("usage: gofn deploy --name NAME [PKG]")
	}
	pkg := "."
	if len(f.pos) == 1 {
		pkg = f.pos[0]
	}
	c, err := tenantClient(e)
	if err != nil {
		return err
	}
	local, err := localGoVersion()
	if err != nil {
		return err
	}
	want, err := serverGoVersion(c, local)
	if err != nil {
		return err
	}
	units, err := listUnit(pkg, goEnv(local, want))
	if err != nil {
		return err
	}
	data, err := hashUnits(units)
	if err != nil {
		return err
	}
	verbose := func(missing int) {
		if f.bools["v"] {
			fmt.Fprintf(e.stderr, "gofn: %s (%s), %d to send\n", describeUnit(units), firstNonEmpty(want, local), missing)
		}
	}
	return deployUnit(e, c, name, units, data, verbose)
}

// deployUnit uploads the unit as NAME, asking first what the server lacks,
// and prints the version.
func deployUnit(e *env, c *client, name string, units []unit, data [][]byte, verbose func(int)) error {
	for attempt := 1; ; attempt++ {
		missing, err := missingObjects(c, units)
		if err != nil {
			return err
		}
		verbose(len(missing))
		fn, err := upload(c, name, units, data, missing)
		if attempt < deployAttempts && isVersionConflict(err) {
			// A concurrent deploy or rollback of the name came first: ask
			// again (what is missing, and, on the server, whether the
			// current version now has these objects: then "unchanged").
			wait := deployBackoff(attempt)
			fmt.Fprintf(e.stderr, "gofn: %v; retrying in %v (%d/%d)\n", err, wait, attempt, deployAttempts-1)
			time.Sleep(wait)
			continue
		}
		if err != nil {
			return err
		}
		printDeployed(e, fn, len(missing))
		return nil
	}
}

// deployAttempts bounds the uploads of one deploy: a name deployed
// concurrently by a few clients settles in a few rounds.
const deployAttempts = 6

// deployBackoff: 100 ms doubling per attempt, with up to as much again of
// random jitter so concurrent clients do not collide again in step.
func deployBackoff(attempt int) time.Duration {
	base := 100 * time.Millisecond << (attempt - 1)
	return base + time.Duration(rand.Int64N(int64(base)))
}

// isVersionConflict: gofnd's 409 version_conflict (api/openapi.yaml), the
// one conflict a new attempt can resolve (not too_many_functions).
func isVersionConflict(err error) bool {
	var a *apiError
	return errors.As(err, &a) && a.status == 409 && a.code == "version_conflict"
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// missingObjects asks which of the unit's objects the server lacks
// (POST /objects/missing); a server without the route gets them all.
func missingObjects(c *client, units []unit) (map[string]bool, error) {
	req := struct {
		SHA256 []string `json:"sha256"`
	}{}
	for _, u := range units {
		req.SHA256 = append(req.SHA256, u.sha)
	}
	var resp struct {
		Missing []string `json:"missing"`
	}
	missing := map[string]bool{}
	err := c.json("POST", "/objects/missing", nil, req, &resp)
	var a *apiError
	if errors.As(err, &a) && a.status == 404 && a.code == "not_found" {
		resp.Missing = req.SHA256
	} else if err != nil {
		return nil, err
	}
	for _, s := range resp.Missing {
		missing[s] = true
	}
	return missing, nil
}

// upload: POST /functions?name=NAME, multipart: "objects" lists every
// object's sha256 in link order, one "obj" field per object the server
// lacks (in the same order).
func upload(c *client, name string, units []unit, data [][]byte, missing map[string]bool) (*function, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	shas := make([]string, len(units))
	for i, u := range units {
		shas[i] = u.sha
	}
	list, _ := json.Marshal(shas)
	if err := mw.WriteField("objects", string(list)); err != nil {
		return nil, err
	}
	sent := map[string]bool{}
	for i, u := range units {
		if !missing[u.sha] || sent[u.sha] {
			continue
		}
		sent[u.sha] = true
		w, err := mw.CreateFormFile("obj", strings.ReplaceAll(u.path, "/", "_")+".a")
		if err != nil {
			return nil, err
		}
		w.Write(data[i])
	}
	mw.Close()
	_, b, err := c.do("POST", "/functions", url.Values{"name": {name}}, mw.FormDataContentType(), &body, nil)
	if err != nil {
		return nil, err
	}
	var fn function
	if err := json.Unmarshal(b, &fn); err != nil {
		return nil, coded(exitServer, "deploy: answer is not a function: %v", err)
	}
	return &fn, nil
}

func printDeployed(e *env, fn *function, sent int) {
	state := "deployed"
	if fn.Unchanged {
		state = "unchanged"
	}
	e.printf("%s %s version %d (%s, %s, %d objects, %d bytes, %d sent)\n", state,
		fn.Name, fn.Version, fn.ID, fn.GoVersion, len(fn.Objects), fn.Size, sent)
	printSymbols(e, fn.Symbols)
}

func printSymbols(e *env, syms []symbol) {
	for _, s := range syms {
		if s.Invokable {
			e.printf("  %s  %s\n", s.Name, s.Signature)
		}
	}
}
