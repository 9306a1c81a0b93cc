// encoding/json round trip of loaded struct types with tags: renamed fields,
// omitempty, string option, "-", nested and embedded structs, maps, slices.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
)

type Address struct {
	Street string `json:"street"`
	Zip    string `json:"zip,omitempty"`
}

type Audit struct {
	CreatedBy string `json:"created_by"`
}

type Person struct {
	Audit
	Name     string            `json:"name"`
	Age      int               `json:"age,string"`
	Email    string            `json:"email,omitempty"`
	Secret   string            `json:"-"`
	Tags     []string          `json:"tags"`
	Home     *Address          `json:"home,omitempty"`
	Extra    map[string]int    `json:"extra,omitempty"`
	Scores   [3]float64        `json:"scores"`
	Any      any               `json:"any"`
	Labels   map[string]string `json:"labels"`
	internal int
}

func main() {
	p := Person{
		Audit: Audit{"root"}, Name: "Ada", Age: 36, Secret: "s", Tags: []string{"math", "code"},
		Home: &Address{Street: "1 Loop"}, Extra: map[string]int{"b": 2, "a": 1},
		Scores: [3]float64{1, 2.5, -3}, Any: []any{1.0, "x", nil, true}, internal: 3,
	}
	b, err := json.Marshal(p)
	fmt.Println(string(b), err)
	var q Person
	err = json.Unmarshal(b, &q)
	fmt.Println(err)
	p.Secret, p.internal = "", 0
	fmt.Println("equal after round trip:", reflect.DeepEqual(p, q))
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode(map[string]Address{"z": {"Z st", "9"}, "a": {"A st", ""}})
	var bad Person
	fmt.Println(json.Unmarshal([]byte(`{"age": 5}`), &bad))
	fmt.Println(json.Unmarshal([]byte(`{"name": 5}`), &bad))
}
