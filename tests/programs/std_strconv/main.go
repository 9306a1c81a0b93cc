// strconv conversions both ways, with errors for bad input.
package main

import (
	"fmt"
	"strconv"
)

func main() {
	n, err := strconv.Atoi("12345")
	fmt.Println(n, err)
	_, err = strconv.Atoi("12a")
	fmt.Println(err)
	i, err := strconv.ParseInt("-ff", 16, 64)
	fmt.Println(i, err)
	_, err = strconv.ParseInt("99999999999999999999", 10, 64)
	fmt.Println(err)
	u, _ := strconv.ParseUint("777", 8, 32)
	f, _ := strconv.ParseFloat("3.25e2", 64)
	b, _ := strconv.ParseBool("true")
	fmt.Println(u, f, b)
	fmt.Println(strconv.Itoa(-42), strconv.FormatInt(255, 2), strconv.FormatFloat(1.0/3, 'g', 5, 64), strconv.FormatFloat(2.5, 'e', -1, 32))
	fmt.Println(strconv.Quote("tab\there \"q\" ü"), strconv.QuoteToASCII("ü"), strconv.QuoteRune('☺'))
	s, err := strconv.Unquote(`"a\nb"`)
	fmt.Printf("%q %v\n", s, err)
	fmt.Println(string(strconv.AppendInt([]byte("n="), 7, 10)), strconv.FormatBool(false))
}
