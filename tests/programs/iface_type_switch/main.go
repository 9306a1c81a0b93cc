// Type switches over host types ([]string, error, fmt.Stringer, map) and
// loaded types, with values that came from host and loaded code.
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

type celsius float64

func (c celsius) String() string { return strconv.FormatFloat(float64(c), 'f', 1, 64) + "C" }

type custom struct{ n int }

func classify(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case []string:
		return "[]string of " + strconv.Itoa(len(x))
	case error:
		return "error: " + x.Error()
	case fmt.Stringer:
		return "stringer: " + x.String()
	case map[string]int:
		return "map with " + strconv.Itoa(len(x))
	case int, int64:
		return fmt.Sprintf("integer %v", x)
	case custom:
		return "custom " + strconv.Itoa(x.n)
	case *custom:
		return "ptr custom"
	case func() string:
		return "func returning " + x()
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func main() {
	vals := []any{
		nil, strings.Split("a,b,c", ","), []string{}, errors.New("e1"), os.ErrNotExist,
		celsius(21.5), time.Duration(1500) * time.Millisecond, map[string]int{"a": 1},
		3, int64(4), custom{5}, &custom{6}, func() string { return "x" }, 2.5, []byte("b"),
	}
	for _, v := range vals {
		fmt.Println(classify(v))
	}
}
