// Index and slice bounds errors become recoverable panics with exact messages.
package main

import "fmt"

func catch(f func()) {
	defer func() { fmt.Println(recover()) }()
	f()
}

//go:noinline
func idx(s []int, i int) int { return s[i] }

func main() {
	s := []int{1, 2, 3}
	i := 5
	catch(func() { _ = idx(s, i) })
	catch(func() { _ = idx(s, -1) })
	catch(func() { _ = s[1:i] })
	catch(func() { _ = s[i:] })
	j := 2
	catch(func() { _ = s[j:1] })
	arr := [4]string{}
	catch(func() { _ = arr[i%8] })
	str := "abc"
	catch(func() { _ = str[i] })
	catch(func() { _ = [](int)(s)[:0:i] })
}
