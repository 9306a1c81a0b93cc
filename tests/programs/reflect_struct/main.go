// reflect over loaded struct types: fields, tags, embedded fields, setting
// through pointers, and kinds.
package main

import (
	"fmt"
	"reflect"
)

type Base struct {
	ID int `db:"id"`
}

type User struct {
	Base
	Name    string            `db:"name" json:"name"`
	Tags    []string          `db:"tags"`
	Meta    map[string]string `db:"-"`
	private int
}

func main() {
	u := User{Base{7}, "ann", []string{"x"}, nil, 1}
	t := reflect.TypeOf(u)
	fmt.Println(t.Name(), t.PkgPath(), t.Kind(), t.NumField(), t.Size() > 0)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		fmt.Printf("%s %s anon=%v exported=%v db=%q\n", f.Name, f.Type, f.Anonymous, f.IsExported(), f.Tag.Get("db"))
	}
	v := reflect.ValueOf(&u).Elem()
	v.FieldByName("Name").SetString("bob")
	v.FieldByName("ID").SetInt(9)
	v.FieldByName("Tags").Set(reflect.Append(v.FieldByName("Tags"), reflect.ValueOf("y")))
	fmt.Printf("%+v\n", u)
	fmt.Println(v.FieldByName("private").CanSet(), v.FieldByName("Meta").IsNil())
}
