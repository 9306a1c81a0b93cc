// Package lib defines a type the unit's other package uses in a global
// initializer (bug 5 of issue 15).
package lib

type Config struct {
	X int
	S string
	P *Config
}
