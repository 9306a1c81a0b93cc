// text/template with loaded struct types, methods, funcs, range and if.
package main

import (
	"fmt"
	"os"
	"strings"
	"text/template"
)

type Item struct {
	Name  string
	Price int
	Tags  []string
}

func (i Item) Expensive() bool { return i.Price > 100 }

type Order struct {
	ID    int
	Items []Item
	Notes map[string]string
}

const tpl = `Order #{{.ID}}
{{range $i, $it := .Items}}{{$i}}: {{upper $it.Name}} {{$it.Price}}{{if $it.Expensive}} (expensive){{end}}{{with $it.Tags}} [{{join . ","}}]{{end}}
{{end}}{{range $k, $v := .Notes}}{{$k}}={{$v}};{{end}}
total={{total .Items}}
`

func main() {
	t := template.Must(template.New("order").Funcs(template.FuncMap{
		"upper": strings.ToUpper,
		"join":  strings.Join,
		"total": func(items []Item) (s int) {
			for _, i := range items {
				s += i.Price
			}
			return
		},
	}).Parse(tpl))
	o := Order{7, []Item{{"pen", 3, nil}, {"laptop", 999, []string{"tech", "gift"}}}, map[string]string{"z": "last", "a": "first"}}
	if err := t.Execute(os.Stdout, o); err != nil {
		fmt.Println("error:", err)
	}
	_, err := template.New("bad").Parse("{{.Missing")
	fmt.Println(err)
	err = template.Must(template.New("e").Parse("{{.Nope}}")).Execute(os.Stdout, o)
	fmt.Println()
	fmt.Println(err)
}
