// Loaded types implementing json.Marshaler/Unmarshaler and
// encoding.TextMarshaler, used as values and map keys.
package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

type Color int

const (
	Red Color = iota
	Green
	Blue
)

var names = []string{"red", "green", "blue"}

func (c Color) MarshalText() ([]byte, error) { return []byte(names[c]), nil }
func (c *Color) UnmarshalText(b []byte) error {
	for i, n := range names {
		if n == string(b) {
			*c = Color(i)
			return nil
		}
	}
	return fmt.Errorf("unknown color %q", b)
}

type Celsius float64

func (c Celsius) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`"%.1fC"`, float64(c))), nil
}

func (c *Celsius) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	var f float64
	_, err := fmt.Sscanf(strings.TrimSuffix(s, "C"), "%g", &f)
	*c = Celsius(f)
	return err
}

type Reading struct {
	Temp   Celsius         `json:"temp"`
	Color  Color           `json:"color"`
	ByName map[Color]int   `json:"by_name"`
	Raw    json.RawMessage `json:"raw"`
}

func main() {
	r := Reading{21.5, Blue, map[Color]int{Red: 1, Green: 2}, json.RawMessage(`{"k":[1,2]}`)}
	b, err := json.Marshal(r)
	fmt.Println(string(b), err)
	var back Reading
	fmt.Println(json.Unmarshal(b, &back), back.Temp, back.Color, back.ByName[Green], string(back.Raw))
	fmt.Println(json.Unmarshal([]byte(`{"color":"purple"}`), &back))
	var generic map[string]any
	json.Unmarshal(b, &generic)
	fmt.Printf("%T %v\n", generic["by_name"], generic["temp"])
}
