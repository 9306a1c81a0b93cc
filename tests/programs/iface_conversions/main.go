// Interface embedding, conversion between interfaces, comparison of
// interface values, loaded types satisfying host interfaces (sort.Interface,
// io.Writer, io.Reader, error).
package main

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
)

type byLen []string

func (b byLen) Len() int { return len(b) }
func (b byLen) Less(i, j int) bool {
	return len(b[i]) < len(b[j]) || len(b[i]) == len(b[j]) && b[i] < b[j]
}
func (b byLen) Swap(i, j int) { b[i], b[j] = b[j], b[i] }

type upper struct{ w io.Writer }

func (u upper) Write(p []byte) (int, error) { return u.w.Write(bytes.ToUpper(p)) }

type rot13 struct{ r io.Reader }

func (r rot13) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z':
			p[i] = 'a' + (c-'a'+13)%26
		case c >= 'A' && c <= 'Z':
			p[i] = 'A' + (c-'A'+13)%26
		}
	}
	return n, err
}

type point struct{ x, y int }

func main() {
	words := byLen{"ccc", "a", "bb", "aa", "dddd"}
	sort.Sort(words)
	fmt.Println(words)
	var buf bytes.Buffer
	fmt.Fprintf(upper{&buf}, "hello %d\n", 5)
	io.Copy(&buf, rot13{strings.NewReader("Uryyb")})
	fmt.Println(buf.String())
	var w io.Writer = upper{&buf}
	_, isRW := w.(io.ReadWriter)
	_, isW := any(&buf).(io.ReadWriter)
	fmt.Println(isRW, isW)
	var a, b any = point{1, 2}, point{1, 2}
	fmt.Println(a == b, a != any(point{2, 1}))
	m := map[any]string{point{1, 2}: "p", "s": "string", 3: "int"}
	fmt.Println(m[b], m["s"], m[3], len(m))
}
