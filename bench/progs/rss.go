// Memory row: prints the process's resident set (VmRSS, kB) each time main
// runs; under gofn-loader -times N the last line is the RSS after N-1
// load/unload cycles and one more load. Also a trivial handler.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Println("rss_kb error", err)
		return
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			fmt.Println("rss_kb", strings.TrimSuffix(strings.TrimSpace(l[6:]), " kB"))
		}
	}
}

func Handle(in []byte) ([]byte, error) { return in, nil }
