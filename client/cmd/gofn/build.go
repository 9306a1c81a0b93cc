package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// goPackage is what we read of `go list -json` (cmd/go/internal/load/pkg.go,
// PackagePublic).
type goPackage struct {
	ImportPath string
	Name       string
	Standard   bool
	Export     string
	CgoFiles   []string
	Error      *struct{ Err string }
	DepsErrors []*struct{ Err string }
}

// unit is one object of the link unit, in link order.
type unit struct {
	path string // import path
	file string // the build cache's archive
	sha  string
	size int64
}

var goRelease = regexp.MustCompile(`^go1\.\d+(\.\d+)?$`)

// goEnv returns the environment for the go command: GOTOOLCHAIN pins the
// server's release (the go command fetches it from the module proxy when
// it is not the local one), so the objects match the worker's runtime.
func goEnv(local, want string) []string {
	env := os.Environ()
	if want != "" && want != local {
		env = append(env, "GOTOOLCHAIN="+want)
	}
	return env
}

// localGoVersion: `go env GOVERSION` of the go on PATH.
func localGoVersion() (string, error) {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return "", coded(exitBuild, "go env GOVERSION: %v (is go on PATH?)", goErr(err))
	}
	return strings.TrimSpace(string(out)), nil
}

func goErr(err error) string {
	var x *exec.ExitError
	if errors.As(err, &x) && len(x.Stderr) > 0 {
		return strings.TrimSpace(string(x.Stderr))
	}
	return err.Error()
}

// listUnit asks the go command for pkg and every package it depends on,
// compiled (-export: the build cache holds each package's archive), in the
// order the linker needs them (-deps lists a package after all its
// dependencies). The go command reads go.mod, replace directives, vendor/
// and go.work itself, from the current directory.
func listUnit(pkg string, env []string) ([]unit, error) {
	cmd := exec.Command("go", "list", "-deps", "-export",
		"-json=ImportPath,Name,Standard,Export,CgoFiles,Error,DepsErrors", "--", pkg)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, coded(exitBuild, "go list %s: %s", pkg, msg)
	}
	return unitFromList(bytes.NewReader(out))
}

// unitFromList turns go list's JSON stream into the link unit: non-std
// packages only (the worker has the standard library), each compiled.
func unitFromList(r io.Reader) ([]unit, error) {
	dec := json.NewDecoder(r)
	var units []unit
	var last *goPackage
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, coded(exitBuild, "reading go list output: %v", err)
		}
		if p.Error != nil {
			return nil, coded(exitBuild, "%s: %s", p.ImportPath, p.Error.Err)
		}
		for _, d := range p.DepsErrors {
			return nil, coded(exitBuild, "%s: %s", p.ImportPath, d.Err)
		}
		last = &p
		if p.Standard {
			continue
		}
		if len(p.CgoFiles) > 0 {
			return nil, coded(exitBuild, "%s uses cgo (%s), which gofn cannot load", p.ImportPath, p.CgoFiles[0])
		}
		if p.Export == "" {
			return nil, coded(exitBuild, "%s: the go command produced no object", p.ImportPath)
		}
		units = append(units, unit{path: p.ImportPath, file: p.Export})
	}
	if last == nil {
		return nil, coded(exitBuild, "go list found no package")
	}
	if last.Standard {
		return nil, coded(exitBuild, "%s is a standard package: deploy your own", last.ImportPath)
	}
	return units, nil
}

// hashUnits reads each object and fills its digest and size.
func hashUnits(units []unit) ([][]byte, error) {
	data := make([][]byte, len(units))
	for i := range units {
		b, err := os.ReadFile(units[i].file)
		if err != nil {
			return nil, coded(exitBuild, "%s: %v", units[i].path, err)
		}
		sum := sha256.Sum256(b)
		units[i].sha = hex.EncodeToString(sum[:])
		units[i].size = int64(len(b))
		data[i] = b
	}
	return data, nil
}

// serverGoVersion: the Go toolchain to compile with, from GET /runtimes
// ({"runtimes": [{"release": "go1.26", "toolchain": "go1.26.8"}, ...]}):
// the server's toolchain of the local go's release if it runs that
// release, else its first. "" when the server lists none (the local go is
// used, and the server refuses a mismatch with 422 wrong_go_version).
func serverGoVersion(c *client, local string) (string, error) {
	var rt map[string]any
	err := c.json("GET", "/runtimes", nil, nil, &rt)
	var a *apiError
	if errors.As(err, &a) && (a.status == 404 || a.status == 405) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return pickRuntime(rt, local), nil
}

// releaseOf: "go1.26.8" -> "go1.26".
func releaseOf(v string) string {
	if i := strings.Index(v, "."); i >= 0 {
		if j := strings.Index(v[i+1:], "."); j >= 0 {
			return v[:i+1+j]
		}
	}
	return v
}

func pickRuntime(rt map[string]any, local string) string {
	list, _ := rt["runtimes"].([]any)
	first := ""
	for _, x := range list {
		m, _ := x.(map[string]any)
		tc, _ := m["toolchain"].(string)
		if !goRelease.MatchString(tc) {
			continue
		}
		if first == "" {
			first = tc
		}
		if releaseOf(tc) == releaseOf(local) {
			return tc
		}
	}
	return first
}

func describeUnit(units []unit) string {
	var n int64
	for _, u := range units {
		n += u.size
	}
	return fmt.Sprintf("%d packages, %d bytes", len(units), n)
}
