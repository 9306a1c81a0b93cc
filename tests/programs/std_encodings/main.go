// encoding/base64, hex, binary, csv, base32 and pem round trips.
package main

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
)

type header struct {
	Magic   uint32
	Version uint16
	Flags   uint16
	Size    int64
}

func main() {
	raw := []byte("any carnal pleas\x00\xff")
	e := base64.StdEncoding.EncodeToString(raw)
	d, _ := base64.StdEncoding.DecodeString(e)
	fmt.Println(e, base64.RawURLEncoding.EncodeToString(raw), bytes.Equal(d, raw))
	_, err := base64.StdEncoding.DecodeString("!!")
	fmt.Println(err)
	fmt.Println(hex.EncodeToString(raw[:4]), base32.StdEncoding.EncodeToString([]byte("hi")))
	fmt.Print(hex.Dump([]byte("hexdump of 20 bytes!")))
	var buf bytes.Buffer
	binary.Write(&buf, binary.BigEndian, header{0xCAFEBABE, 2, 7, -1})
	fmt.Printf("% x\n", buf.Bytes())
	var h header
	binary.Read(bytes.NewReader(buf.Bytes()), binary.BigEndian, &h)
	fmt.Printf("%+v\n", h)
	vb := binary.AppendUvarint(nil, 300)
	v, n := binary.Uvarint(vb)
	fmt.Println(vb, v, n, binary.LittleEndian.Uint32([]byte{1, 2, 3, 4}))
	r := csv.NewReader(strings.NewReader("name,qty\n\"a, b\",3\nc,\"4\"\"\"\n"))
	recs, err := r.ReadAll()
	fmt.Println(recs, len(recs), err)
	w := csv.NewWriter(os.Stdout)
	w.WriteAll([][]string{{"x", "needs,quote"}, {"y", `has "q"`}})
	pem.Encode(os.Stdout, &pem.Block{Type: "TEST", Headers: map[string]string{"k": "v"}, Bytes: []byte("payload")})
}
