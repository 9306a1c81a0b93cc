// Handler functions with the string signatures gofn can invoke directly
// (gofn-loader -run main.Parse -in FILE), plus a main that uses them.
package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Upper upper-cases its input.
func Upper(s string) string { return strings.ToUpper(s) }

// Parse turns "k=v;k2=v2" with integer values into "k2:v2,k:v" sorted by key,
// plus the sum; bad pairs are an error.
func Parse(s string) (string, error) {
	var keys []string
	vals := map[string]int{}
	sum := 0
	for _, kv := range strings.Split(strings.TrimSpace(s), ";") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return "", fmt.Errorf("bad pair %q", kv)
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", fmt.Errorf("key %s: %w", k, err)
		}
		if _, dup := vals[k]; !dup {
			keys = append(keys, k)
		}
		vals[k] = n
		sum += n
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+":"+strconv.Itoa(vals[k]))
	}
	return strings.Join(parts, ",") + " sum=" + strconv.Itoa(sum) + "\n", nil
}

func main() {
	if callFromEnv() {
		return
	}
	fmt.Println(Upper("hello, world"))
	fmt.Print(Parse("b=2;a=1;c=30"))
	fmt.Println(Parse("a=1;oops"))
	fmt.Println(Parse("a=x"))
}
