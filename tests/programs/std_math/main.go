// math, math/bits and math/cmplx results printed with fixed precision.
package main

import (
	"fmt"
	"math"
	"math/bits"
	"math/cmplx"
)

func main() {
	fmt.Printf("%.6f %.6f %.6f\n", math.Sqrt(2), math.Pi, math.E)
	fmt.Printf("%.6f %.6f %.6f\n", math.Sin(1), math.Log(10), math.Pow(2, 0.5))
	fmt.Println(math.Floor(-2.5), math.Ceil(-2.5), math.Round(2.5), math.Trunc(-2.7), math.Abs(-3))
	fmt.Println(math.MaxInt64, math.MinInt8, math.MaxUint32, math.Inf(1), math.IsInf(math.Inf(-1), -1))
	fmt.Println(math.Hypot(3, 4), math.Mod(7, 3), math.Max(1, math.NaN()), math.Float64bits(1.0))
	fmt.Println(bits.OnesCount(255), bits.LeadingZeros64(1), bits.TrailingZeros(8), bits.Reverse8(1), bits.Len(1023))
	hi, lo := bits.Mul64(math.MaxUint64, 3)
	sum, carry := bits.Add64(math.MaxUint64, 1, 0)
	fmt.Println(hi, lo, sum, carry, bits.RotateLeft32(1, -1))
	z := complex(3, 4)
	fmt.Println(cmplx.Abs(z), real(z*z), imag(z*z), cmplx.Conj(z))
	fmt.Printf("%.4f\n", cmplx.Exp(complex(0, math.Pi)))
}
