package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The go command resolves a replace directive to a local module; the unit
// lists the library before the package using it, std excluded.
func TestListUnitHonoursReplace(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	root := t.TempDir()
	write(t, root, "lib/go.mod", "module example.com/lib\n\ngo 1.26\n")
	write(t, root, "lib/lib.go", "package lib\n\nimport \"strings\"\n\nfunc Up(s string) string { return strings.ToUpper(s) }\n")
	write(t, root, "app/go.mod", "module example.com/app\n\ngo 1.26\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n")
	write(t, root, "app/main.go", "package main\n\nimport \"example.com/lib\"\n\nfunc Greet(s string) string { return lib.Up(s) }\n\nfunc main() {}\n")
	write(t, root, "app/sub/x.go", "package sub\n")
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	// From a subdirectory of the module, as a user would.
	if err := os.Chdir(filepath.Join(root, "app", "sub")); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	units, err := listUnit("example.com/app", env)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || units[0].path != "example.com/lib" || units[1].path != "example.com/app" {
		t.Fatalf("unit %+v", units)
	}
	if _, err := hashUnits(units); err != nil || units[0].size == 0 || len(units[0].sha) != 64 {
		t.Fatalf("hash: %v %+v", err, units[0])
	}
	if _, err := listUnit("example.com/missing", env); err == nil || exitCode(err) != exitBuild {
		t.Fatalf("a missing package: %v", err)
	}
}
