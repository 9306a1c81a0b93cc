// Struct embedding: promoted fields and methods, shadowing, embedded
// interfaces and pointers, and interface satisfaction through promotion.
package main

import (
	"fmt"
	"sync"
)

type Animal struct{ Name string }

func (a Animal) Speak() string    { return a.Name + " makes a sound" }
func (a *Animal) Rename(n string) { a.Name = n }

type Dog struct {
	Animal
	Breed string
}

func (d Dog) Speak() string { return d.Name + " barks" }

type Logger interface{ Log(string) }

type prefixLogger struct{ prefix string }

func (p prefixLogger) Log(s string) { fmt.Println(p.prefix + s) }

type Service struct {
	Logger
	*sync.Mutex
	hits int
}

type speaker interface{ Speak() string }

func main() {
	d := Dog{Animal{"rex"}, "lab"}
	fmt.Println(d.Speak(), "|", d.Animal.Speak())
	d.Rename("max")
	fmt.Println(d.Name, d.Breed)
	var s speaker = d
	fmt.Println(s.Speak())
	s = &d.Animal
	fmt.Println(s.Speak())
	svc := Service{prefixLogger{"[svc] "}, &sync.Mutex{}, 0}
	svc.Lock()
	svc.hits++
	svc.Unlock()
	svc.Log(fmt.Sprint("hits=", svc.hits))
	fmt.Printf("%+v\n", d)
}
