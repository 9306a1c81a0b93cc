// Non-cryptographic hashes: crc32 (IEEE and Castagnoli), adler32, fnv.
package main

import (
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"hash/crc64"
	"hash/fnv"
)

func main() {
	data := []byte("gofn corpus checksum input")
	fmt.Printf("%08x\n", crc32.ChecksumIEEE(data))
	fmt.Printf("%08x\n", crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	fmt.Printf("%016x\n", crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)))
	fmt.Printf("%08x\n", adler32.Checksum(data))
	h := fnv.New64a()
	h.Write(data)
	h32 := fnv.New32()
	h32.Write(data)
	fmt.Printf("%016x %08x\n", h.Sum64(), h32.Sum32())
	c := crc32.NewIEEE()
	c.Write(data[:5])
	c.Write(data[5:])
	fmt.Println(c.Sum32() == crc32.ChecksumIEEE(data))
}
