// Encodings, text processing and templates, as a typical handler uses them.
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"
)

type Item struct {
	Name  string   `json:"name"`
	Tags  []string `json:"tags,omitempty"`
	Price float64  `json:"price"`
}

var errNotFound = errors.New("not found")

func main() {
	var items []Item
	if err := json.Unmarshal([]byte(`[{"name":"a","price":1.5},{"name":"b","tags":["x"],"price":2}]`), &items); err != nil {
		fmt.Println(err)
	}
	out, _ := json.MarshalIndent(items, "", "  ")
	re := regexp.MustCompile(`(\w+)@(\w+)\.com`)
	fmt.Println(re.FindAllStringSubmatch("a@b.com c@d.com", -1))
	t := template.Must(template.New("t").Funcs(template.FuncMap{"up": strings.ToUpper}).
		Parse("{{range .}}{{up .Name}}={{printf \"%.2f\" .Price}} {{end}}\n"))
	_ = t.Execute(os.Stdout, items)
	mac := hmac.New(sha256.New, []byte("k"))
	mac.Write(out)
	sum := mac.Sum(nil)
	r := csv.NewReader(strings.NewReader("a,b\n1,2\n"))
	recs, _ := r.ReadAll()
	var buf bytes.Buffer
	_ = binary.Write(&buf, binary.LittleEndian, uint32(7))
	sc := bufio.NewScanner(strings.NewReader("x y\nz"))
	sc.Split(bufio.ScanWords)
	n := 0
	for sc.Scan() {
		n++
	}
	err := fmt.Errorf("lookup: %w", errNotFound)
	v, _ := strconv.ParseFloat("3.25", 64)
	fmt.Println(hex.EncodeToString(sum[:4]), base64.StdEncoding.EncodeToString(buf.Bytes()), recs, n,
		errors.Is(err, errNotFound), v, unicode.IsUpper('Q'), utf8.RuneCountInString("héllo"))
}
