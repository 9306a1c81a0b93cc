package main

// hostPackages are the standard packages a tenant may import: the worker
// keeps every exported function, method, type and variable of each.
// The first block is the list required by issue 3; the second adds small
// packages their APIs hand out (io/fs via os) or tenants commonly use; the
// third is the system interface a hostile tenant reaches for (the escape
// suite, tests/escape/go, imports them). Keeping them is safe: the sandbox,
// not a missing symbol, is what stops a tenant (docs/security.md).
var hostPackages = []string{
	"bufio", "bytes", "cmp", "container/heap", "container/list", "context",
	"crypto/hmac", "crypto/md5", "crypto/sha1", "crypto/sha256",
	"encoding/base64", "encoding/binary", "encoding/csv", "encoding/hex",
	"encoding/json", "errors", "fmt", "hash/crc32", "hash/fnv", "io", "iter",
	"maps", "math", "math/big", "math/bits", "math/rand", "math/rand/v2", "os",
	"reflect", "regexp", "runtime", "slices", "sort", "strconv", "strings",
	"sync", "sync/atomic", "text/template", "time", "unicode", "unicode/utf16",
	"unicode/utf8", "unique",

	"hash", "io/fs", "path", "path/filepath", "log", "crypto/sha512",
	"encoding/base32", "hash/adler32", "hash/crc64", "hash/maphash",
	"text/tabwriter", "html", "math/cmplx", "runtime/debug",
	"container/ring", "encoding/pem", "encoding",

	"syscall", "net", "os/exec", "os/signal",
}
