// Command harness runs the third-party module corpus (tests/modules): the
// runnable examples of popular modules, natively (go test) and loaded into
// gofn-loader, built as a tenant builds them: every non-standard package of
// the example's dependency tree compiled by the go command (go tool compile
// with an importcfg, assembly with go tool asm), uploaded as one link unit
// in dependency order.
//
//	harness -loader BIN -work DIR -modules modules.txt [-min 0.99] [-j 2]
//
// The modules come from the Go module proxy into the ordinary module cache
// (GOMODCACHE), so a second run downloads nothing; the go command's build
// and test caches make it cheap too.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gofn/tests/goexample"
)

type example struct {
	pkg, dir, name string // name: ExampleFoo
	want           string
	unordered      bool
	objs           []string // link unit, dependencies first
}

func main() {
	loader := flag.String("loader", "", "gofn-loader binary")
	work := flag.String("work", "", "scratch module directory (kept: go.mod, go.sum)")
	list := flag.String("modules", "", "modules.txt")
	min := flag.Float64("min", 0.99, "required loaded/native pass ratio")
	jobs := flag.Int("j", 2, "examples run at once")
	flag.Parse()
	if *loader == "" || *work == "" || *list == "" {
		flag.Usage()
		os.Exit(2)
	}
	mods, err := readModules(*list)
	check(err)
	check(setup(*work, mods))
	pkgs, err := examplePackages(*work, mods)
	check(err)
	var exs []*example
	nativePass := map[string]bool{}
	for _, p := range pkgs {
		es, err := packageExamples(*work, p)
		if err != nil {
			fmt.Printf("modules: skip %s: %v\n", p, err)
			continue
		}
		if len(es) == 0 {
			continue
		}
		passed, err := nativeRun(*work, p)
		if err != nil {
			fmt.Printf("modules: skip %s: go test: %v\n", p, err)
			continue
		}
		for _, e := range es {
			if passed[e.name] {
				nativePass[e.pkg+"."+e.name] = true
				exs = append(exs, e)
			}
		}
	}
	loaded := runLoaded(*loader, exs, *jobs)
	fmt.Printf("modules: %d modules, %d packages with examples; %d examples pass natively, %d of them loaded (%.1f%%)\n",
		len(mods), len(pkgs), len(nativePass), loaded, 100*float64(loaded)/float64(max(len(nativePass), 1)))
	if len(nativePass) == 0 || float64(loaded) < *min*float64(len(nativePass)) {
		fmt.Printf("modules: FAIL: below %.0f%% of the native passes\n", 100**min)
		os.Exit(1)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "modules:", err)
		os.Exit(1)
	}
}

func readModules(path string) ([][2]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var mods [][2]string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && !strings.HasPrefix(f[0], "#") {
			mods = append(mods, [2]string{f[0], f[1]})
		}
	}
	return mods, nil
}

func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, firstLines(stderr.String(), 5))
	}
	return string(out), nil
}

func firstLines(s string, n int) string {
	ls := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(ls) > n {
		ls = ls[:n]
	}
	return strings.Join(ls, "\n")
}

// setup makes a module that requires every corpus module at its version
// (and whatever their tests need), from the module proxy or the cache.
func setup(work string, mods [][2]string) error {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	gomod := "module gofn.test/modcorpus\n\ngo 1.26\n"
	if err := os.WriteFile(filepath.Join(work, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err
	}
	args := []string{"get"}
	for _, m := range mods {
		args = append(args, m[0]+"@"+m[1])
	}
	if _, err := goCmd(work, args...); err != nil {
		return err
	}
	// Test dependencies of the modules' packages (testify, …).
	var pats []string
	for _, m := range mods {
		pats = append(pats, m[0]+"/...")
	}
	_, err := goCmd(work, append([]string{"list", "-e", "-test", "-deps", "-f", "{{.ImportPath}}"}, pats...)...)
	return err
}

// examplePackages: packages of the corpus modules with external test files.
func examplePackages(work string, mods [][2]string) ([]string, error) {
	var pats []string
	for _, m := range mods {
		pats = append(pats, m[0]+"/...")
	}
	out, err := goCmd(work, append([]string{"list", "-e", "-f",
		"{{if and .XTestGoFiles (not .Error)}}{{.ImportPath}}{{end}}"}, pats...)...)
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, p := range strings.Fields(out) {
		if !strings.Contains(p, "/internal/") && !strings.Contains(p, "/vendor/") {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, nil
}

// packageExamples: the examples with output of package p's external test
// files, and the link unit that runs them: `go list -test -deps -export`
// names the archives the go command compiled (the package's test variant,
// its dependencies, and p_test itself), in dependency order.
func packageExamples(work, p string) ([]*example, error) {
	out, err := goCmd(work, "list", "-test", "-deps", "-export", "-f",
		"{{if not .Standard}}{{.ImportPath}}|{{.Export}}|{{.Dir}}|{{join .XTestGoFiles \",\"}}|{{.Name}}{{end}}", p)
	if err != nil {
		return nil, err
	}
	var objs []string
	var dir string
	var files []string
	lines := strings.Split(strings.TrimSpace(out), "\n")
	variant := map[string]bool{} // "q [p.test]": q recompiled for p's tests
	for _, l := range lines {
		if path, _, ok := strings.Cut(strings.SplitN(l, "|", 2)[0], " ["); ok {
			variant[path] = true
		}
	}
	for _, l := range lines {
		f := strings.Split(l, "|")
		if len(f) != 5 || f[4] == "main" || variant[f[0]] { // test main; replaced by its variant
			if len(f) == 5 && f[0] == p {
				files = appendFiles(files, f[2], f[3])
			}
			continue
		}
		if f[1] == "" {
			return nil, fmt.Errorf("%s: no compiled archive", f[0])
		}
		objs = append(objs, f[1])
		if strings.HasPrefix(f[0], p+"_test ") {
			dir = f[2]
		}
		if f[0] == p || strings.HasPrefix(f[0], p+" [") {
			files = appendFiles(files, f[2], f[3])
		}
	}
	if dir == "" || len(files) == 0 {
		return nil, nil
	}
	exs, err := goexample.WithOutput(files)
	if err != nil {
		return nil, err
	}
	var res []*example
	for _, e := range exs {
		res = append(res, &example{pkg: p + "_test", dir: dir, name: "Example" + e.Name,
			want: e.Output, unordered: e.Unordered, objs: objs})
	}
	return res, nil
}

func appendFiles(files []string, dir, list string) []string {
	for _, x := range strings.Split(list, ",") {
		if x != "" && !contains(files, filepath.Join(dir, x)) {
			files = append(files, filepath.Join(dir, x))
		}
	}
	return files
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

var passRE = regexp.MustCompile(`^--- PASS: (Example\S*)`)

// nativeRun: the examples of p that pass under go test (cached by go).
func nativeRun(work, p string) (map[string]bool, error) {
	out, _ := goCmd(work, "test", "-run", "^Example", "-v", p) // cached by go after the first run
	passed := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if m := passRE.FindStringSubmatch(sc.Text()); m != nil {
			passed[m[1]] = true
		}
	}
	return passed, nil
}

// runLoaded runs every example in gofn-loader, jobs at a time, in its
// package directory (as go test does) and counts those whose stdout is
// their Output.
func runLoaded(loader string, exs []*example, jobs int) int {
	var mu sync.Mutex
	pass := 0
	ch := make(chan *example)
	var wg sync.WaitGroup
	for i := 0; i < jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range ch {
				got, stderr, err := goexample.Run(loader, e.objs, e.pkg+"."+e.name, e.dir, 60*time.Second)
				mu.Lock()
				if err == nil && goexample.SameOutput(got, e.want, e.unordered) {
					pass++
				} else {
					fmt.Printf("FAIL %s.%s: %v\n--- want\n%s\n--- got\n%s\n--- stderr\n%s\n", e.pkg, e.name, err,
						e.want, got, firstLines(stderr, 40))
				}
				mu.Unlock()
			}
		}()
	}
	sort.Slice(exs, func(i, j int) bool { return exs[i].pkg+exs[i].name < exs[j].pkg+exs[j].name })
	for _, e := range exs {
		ch <- e
	}
	close(ch)
	wg.Wait()
	return pass
}
