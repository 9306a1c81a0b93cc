package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"gofn/tests/goexample"
)

// runExamples loads each std example with a "// Output:" comment into the
// worker (gofn-loader -o obj -run pkg_test.ExampleX) and compares what it
// prints with the expected output: the kept API must not only link but
// work, method tables and all. Examples named in skip are not run; each
// entry says why.
func runExamples(root, loader string, skip map[string]string) (pass, fail, skipped int, err error) {
	tmp, err := os.MkdirTemp("", "hostsyms-ex-")
	if err != nil {
		return 0, 0, 0, err
	}
	defer os.RemoveAll(tmp)
	units, err := exampleUnits(root)
	if err != nil {
		return 0, 0, 0, err
	}
	cfg, err := importcfg(root, tmp, units)
	if err != nil {
		return 0, 0, 0, err
	}
	for _, u := range units {
		objs, err := compileUnit(u, cfg, tmp)
		if err != nil {
			fmt.Printf("hostsyms: skip %s: does not compile: %v\n", u.name, err)
			continue
		}
		exs, err := goexample.WithOutput(u.main)
		if err != nil {
			return pass, fail, skipped, err
		}
		for _, ex := range exs {
			sym := u.path() + ".Example" + ex.Name
			if why, ok := skip[sym]; ok {
				fmt.Printf("SKIP %s: %s\n", sym, why)
				skipped++
				continue
			}
			got, stderr, runErr := goexample.Run(loader, objs[len(objs)-1:], sym, filepath.Dir(u.main[0]), 30*time.Second)
			if runErr == nil && goexample.SameOutput(got, ex.Output, ex.Unordered) {
				pass++
				continue
			}
			fail++
			if runErr != nil && stderr != "" {
				got += "--- stderr\n" + stderr
			}
			fmt.Printf("FAIL %s: %v\n--- want\n%s--- got\n%s", sym, runErr, ex.Output, got)
		}
	}
	return pass, fail, skipped, nil
}
