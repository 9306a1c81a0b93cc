// Method values bind their receiver (value receivers copy it), method
// expressions take it as first argument; through interfaces too.
package main

import (
	"fmt"
	"strings"
)

type counter struct{ n int }

func (c counter) Get() int { return c.n }
func (c *counter) Inc()    { c.n++ }

type shouter interface{ Shout(string) string }
type loud struct{ suffix string }

func (l loud) Shout(s string) string { return strings.ToUpper(s) + l.suffix }

func apply(f func(string) string, s string) string { return f(s) }

func main() {
	c := counter{1}
	get := c.Get // copies c now
	inc := c.Inc // binds &c
	inc()
	inc()
	fmt.Println(get(), c.Get(), c.n)

	fget := counter.Get
	finc := (*counter).Inc
	finc(&c)
	fmt.Println(fget(c))

	var s shouter = loud{"!"}
	sh := s.Shout
	fmt.Println(apply(sh, "hey"), shouter.Shout(loud{"?"}, "x"))
	b := &strings.Builder{}
	w := b.WriteString
	w("host ")
	w("method value")
	fmt.Println(b.String())
	fs := []func() int{c.Get, counter{9}.Get}
	fmt.Println(fs[0](), fs[1]())
}
