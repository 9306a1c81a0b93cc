// io plumbing between goroutines: io.Pipe, TeeReader, LimitReader,
// SectionReader, MultiReader, and bytes.Buffer/Reader.
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"strings"
)

func main() {
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < 100; i++ {
			fmt.Fprintf(pw, "line %03d\n", i)
		}
		pw.Close()
	}()
	h := sha256.New()
	var copyBuf bytes.Buffer
	n, err := io.Copy(h, io.TeeReader(pr, &copyBuf))
	fmt.Printf("%d %v %x\n", n, err, h.Sum(nil)[:8])
	lim, _ := io.ReadAll(io.LimitReader(&copyBuf, 18))
	fmt.Printf("%q\n", lim)
	sr := io.NewSectionReader(strings.NewReader("0123456789"), 3, 4)
	sec, _ := io.ReadAll(sr)
	mr, _ := io.ReadAll(io.MultiReader(strings.NewReader("ab"), bytes.NewReader([]byte("cd"))))
	fmt.Println(string(sec), string(mr))
	buf := make([]byte, 4)
	_, err = io.ReadFull(strings.NewReader("xy"), buf)
	fmt.Println(err, err == io.ErrUnexpectedEOF)
	br := bytes.NewReader([]byte("seekable"))
	br.Seek(-4, io.SeekEnd)
	rest, _ := io.ReadAll(br)
	fmt.Println(string(rest))
}
