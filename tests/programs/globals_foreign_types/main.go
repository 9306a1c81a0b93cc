// Globals whose Go types another package defines (sync.Pool, sync.Map,
// bytes.Buffer, strings.Builder, ...): the object names those types only by
// index into the other package, yet the GC must still see the pointers the
// globals hold, even when they hold the only reference (run with GOGC=1).
package main

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var (
	mu      sync.Mutex
	once    sync.Once
	wg      sync.WaitGroup
	buf     bytes.Buffer
	builder strings.Builder
	reader  *strings.Reader
	table   sync.Map
)

func fill() {
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&buf, "%d,", i)
		builder.WriteString(strings.Repeat("x", i%7))
	}
	reader = strings.NewReader(strings.Repeat("abc", 1000))
	for i := 0; i < 100; i++ {
		table.Store(i, fmt.Sprint("v", i))
	}
}

func churn() {
	for i := 0; i < 200; i++ {
		_ = make([]byte, 64<<10)
	}
	runtime.GC()
}

func main() {
	once.Do(fill)
	once.Do(func() { fmt.Println("twice") })
	churn()
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := bufPool.Get().(*bytes.Buffer)
			b.Reset()
			b.WriteString("pooled")
			mu.Lock()
			_ = b.Len()
			mu.Unlock()
			bufPool.Put(b)
		}()
	}
	wg.Wait()
	churn()
	fmt.Println(buf.Len(), strings.HasPrefix(buf.String(), "0,1,2,"), strings.HasSuffix(buf.String(), ",999,"))
	fmt.Println(builder.Len(), strings.Count(builder.String(), "x"))
	rest := make([]byte, 6)
	n, _ := reader.Read(rest)
	fmt.Println(n, string(rest), reader.Len())
	v, ok := table.Load(42)
	fmt.Println(v, ok)
}
