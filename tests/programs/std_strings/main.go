// strings and bytes: splitting, joining, replacing, builders, readers, cases.
package main

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
)

func main() {
	s := "  The quick brown fox, the lazy dog  "
	t := strings.TrimSpace(s)
	fmt.Println(strings.Fields(t), len(strings.Fields(t)))
	fmt.Println(strings.Split("a,b,,c", ","), strings.SplitN("a=b=c", "=", 2))
	fmt.Println(strings.ToUpper(t), strings.Count(t, "o"), strings.Index(t, "fox"), strings.LastIndex(t, "the"))
	fmt.Println(strings.ReplaceAll(t, "the", "a"), strings.NewReplacer("quick", "slow", "lazy", "busy").Replace(t))
	fmt.Println(strings.HasPrefix(t, "The"), strings.HasSuffix(t, "dog"), strings.Contains(t, "brown"), strings.EqualFold("Go", "GO"))
	fmt.Println(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, "a b\tc"))
	before, after, found := strings.Cut("key=value", "=")
	fmt.Println(before, after, found, strings.Repeat("ab", 3), strings.Title("x"))
	var b strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "%d-", i)
	}
	fmt.Println(b.String(), b.Len())
	fmt.Println(bytes.Equal(bytes.ToLower([]byte("ABC")), []byte("abc")), bytes.Fields([]byte(" x y ")))
	for part := range strings.SplitSeq("p,q,r", ",") {
		fmt.Print(part, ";")
	}
	fmt.Println()
	fmt.Println(strings.TrimFunc("123abc456", unicode.IsDigit), strings.TrimLeft("xxhixx", "x"), strings.TrimPrefix("prefix-body", "prefix-"))
}
