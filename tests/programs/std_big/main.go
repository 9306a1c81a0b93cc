// math/big: factorials, Fibonacci, rationals, big floats, modular
// exponentiation and primality.
package main

import (
	"fmt"
	"math/big"
)

func main() {
	f := big.NewInt(1)
	for i := int64(2); i <= 50; i++ {
		f.Mul(f, big.NewInt(i))
	}
	fmt.Println("50! =", f)
	a, b := big.NewInt(0), big.NewInt(1)
	for i := 0; i < 300; i++ {
		a.Add(a, b)
		a, b = b, a
	}
	fmt.Println("fib(300) =", a)
	r := big.NewRat(1, 3)
	r.Add(r, big.NewRat(1, 6))
	fmt.Println(r, r.FloatString(5))
	x := new(big.Float).SetPrec(200).SetInt64(2)
	x.Sqrt(x)
	fmt.Println(x.Text('f', 50))
	m := new(big.Int).Exp(big.NewInt(3), big.NewInt(1000), big.NewInt(1000000007))
	fmt.Println(m, big.NewInt(1000000007).ProbablyPrime(20))
	n, ok := new(big.Int).SetString("123456789012345678901234567890", 10)
	q, rem := new(big.Int).QuoRem(n, big.NewInt(97), new(big.Int))
	fmt.Println(ok, q, rem, n.BitLen(), n.Cmp(f))
}
