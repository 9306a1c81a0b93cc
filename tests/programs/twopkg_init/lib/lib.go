// Package lib records its initialisation so main can check the order.
package lib

var Log []string

var Table = build()

func build() map[string]int {
	Log = append(Log, "lib: var Table")
	return map[string]int{"one": 1, "two": 2}
}

func init() {
	Log = append(Log, "lib: init")
	Table["three"] = 3
}
