// regexp: match, find, submatches, named groups, replace with func, split.
package main

import (
	"fmt"
	"regexp"
	"strings"
)

var dateRE = regexp.MustCompile(`(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})`)

func main() {
	text := "released 2024-02-06, patched 2024-03-05 and 2025-01-31"
	fmt.Println(dateRE.MatchString(text), dateRE.FindString(text))
	fmt.Println(dateRE.FindAllString(text, -1))
	for _, m := range dateRE.FindAllStringSubmatch(text, 2) {
		fmt.Println(m[dateRE.SubexpIndex("d")], m[dateRE.SubexpIndex("m")], m[dateRE.SubexpIndex("y")])
	}
	fmt.Println(dateRE.ReplaceAllString(text, "${d}/${m}/${y}"))
	fmt.Println(regexp.MustCompile(`[aeiou]`).ReplaceAllStringFunc("regular expression", strings.ToUpper))
	fmt.Println(regexp.MustCompile(`\s*[,;]\s*`).Split("a , b;c ;  d", -1))
	_, err := regexp.Compile(`a(b`)
	fmt.Println(err)
	re := regexp.MustCompile(`(?i)go+gle`)
	fmt.Println(re.FindAllStringIndex("Google gooogle GOGLE", -1), re.String(), re.NumSubexp())
}
