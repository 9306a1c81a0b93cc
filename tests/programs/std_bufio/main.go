// bufio Scanner (lines, words, custom split) and Reader/Writer on in-memory data.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

func main() {
	input := "first line\nsecond  line with words\n\nlast"
	sc := bufio.NewScanner(strings.NewReader(input))
	n := 0
	for sc.Scan() {
		n++
		fmt.Printf("%d: %q\n", n, sc.Text())
	}
	ws := bufio.NewScanner(strings.NewReader(input))
	ws.Split(bufio.ScanWords)
	words := 0
	for ws.Scan() {
		words++
	}
	fmt.Println("words:", words)
	cs := bufio.NewScanner(strings.NewReader("a;bb;ccc"))
	cs.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexByte(data, ';'); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	for cs.Scan() {
		fmt.Print(len(cs.Bytes()), " ")
	}
	fmt.Println()
	r := bufio.NewReaderSize(strings.NewReader("héllo wörld\nrest"), 16)
	line, _ := r.ReadString('\n')
	ru, size, _ := r.ReadRune()
	peek, _ := r.Peek(2)
	fmt.Printf("%q %c %d %q\n", line, ru, size, peek)
	var buf bytes.Buffer
	w := bufio.NewWriterSize(&buf, 8)
	w.WriteString("0123456789")
	fmt.Println(buf.Len(), w.Buffered())
	w.Flush()
	fmt.Println(buf.String())
}
