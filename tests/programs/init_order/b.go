package main

var b = record("b = c * 2", c*2)

var c, d = record("c = 3", 3), record("d = len(table)", len(table))

var table = map[string]int{"x": record("table", 1)}

func init() {
	trace = append(trace, "init #2 in b.go")
}

func init() {
	trace = append(trace, "init #3 in b.go")
}
