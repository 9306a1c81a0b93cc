// Hash functions over fixed inputs: sha256, sha1, md5, sha512, hmac.
package main

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"io"
)

func main() {
	data := []byte("The quick brown fox jumps over the lazy dog")
	fmt.Printf("sha256 %x\n", sha256.Sum256(data))
	fmt.Printf("sha1   %x\n", sha1.Sum(data))
	fmt.Printf("md5    %x\n", md5.Sum(data))
	fmt.Printf("sha512 %x\n", sha512.Sum512(data[:9]))
	h := sha256.New()
	for i := 0; i < 1000; i++ {
		io.WriteString(h, "block")
	}
	fmt.Printf("stream %x\n", h.Sum(nil))
	mac := hmac.New(sha256.New, []byte("key"))
	mac.Write(data)
	sum := mac.Sum(nil)
	fmt.Printf("hmac   %x %v\n", sum, hmac.Equal(sum, sum))
}
