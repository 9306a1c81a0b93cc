// unicode, unicode/utf8, utf16: rune iteration, classes, encoding.
package main

import (
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

func main() {
	s := "Grüße, 世界! 👋"
	fmt.Println(len(s), utf8.RuneCountInString(s), utf8.ValidString(s), utf8.ValidString("\xff"))
	for i, r := range s {
		if r > 127 {
			fmt.Printf("%d:%c(%U,%d) ", i, r, r, utf8.RuneLen(r))
		}
	}
	fmt.Println()
	var letters, spaces, punct int
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsSpace(r):
			spaces++
		case unicode.IsPunct(r):
			punct++
		}
	}
	fmt.Println(letters, spaces, punct, unicode.Is(unicode.Han, '世'), string(unicode.ToUpper('ß')), string(unicode.ToTitle('ǆ')))
	buf := utf8.AppendRune(nil, '€')
	r, size := utf8.DecodeRune(buf)
	fmt.Println(buf, string(r), size, []rune("añ"), string([]rune{72, 105}))
	u := utf16.Encode([]rune("a👋"))
	fmt.Println(u, string(utf16.Decode(u)))
}
