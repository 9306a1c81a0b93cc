package main

import (
	"fmt"
	"strings"
)

// extra is an unexported std symbol that tenant objects reference although
// the worker would not keep it: inlined std bodies and std generic
// instantiations compiled into the tenant refer to package internals.
// Found by tests/hostsyms (hostsyms/coverage); each entry says where from.
type extra struct {
	sym  string
	data bool // a variable or type descriptor, not a function
	why  string
}

var extras = []extra{
	{sym: "runtime.newcoro", why: "iter.Pull instantiations (iter.newcoro is a linkname to it)"},
	{sym: "runtime.coroswitch", why: "iter.Pull instantiations (iter.coroswitch is a linkname to it)"},
	{sym: "runtime.strmax", why: "min/max of strings"},
	{sym: "runtime.strmin", why: "min/max of strings"},
	{sym: "internal/race.Acquire", why: "iter.Pull instantiations"},
	{sym: "internal/race.Release", why: "iter.Pull instantiations"},
	{sym: "internal/race.Write", why: "iter.Pull instantiations"},
	{sym: "internal/race.Read", why: "iter.Pull instantiations"},
	{sym: "type:*iter.coro", data: true, why: "iter.Pull instantiations"},
	{sym: "type:*runtime.heapArena", data: true, why: "inlined runtime.SetFinalizer/AddCleanup"},
	{sym: "type:*runtime.spanSetBlock", data: true, why: "inlined runtime.SetFinalizer/AddCleanup"},
	{sym: "maps.clone", why: "maps.Clone instantiations"},
	{sym: "os.joinPath", why: "inlined os.(*Root) and os.DirFS methods"},
	{sym: "reflect.(*rtype).uncommon", why: "inlined reflect methods"},
	{sym: "reflect.toType", why: "inlined reflect.TypeOf/TypeFor"},
	{sym: "crypto/internal/fips140.RecordNonApproved", why: "crypto/hkdf and crypto/pbkdf2 instantiations"},
	{sym: "crypto/internal/fips140/hmac.MarkAsUsedInKDF", why: "crypto/hkdf and crypto/pbkdf2 instantiations"},
}

func (e extra) goName(i int) string {
	if e.data {
		return fmt.Sprintf("&keepExtra%d", i)
	}
	return fmt.Sprintf("keepExtra%d", i)
}

func (e extra) writePull(b *strings.Builder, i int) {
	fmt.Fprintf(b, "\n// %s\n//\n//go:linkname keepExtra%d %s\n", e.why, i, e.sym)
	if e.data {
		fmt.Fprintf(b, "var keepExtra%d byte\n", i)
		return
	}
	fmt.Fprintf(b, "func keepExtra%d()\n", i)
}

// dedupExtras keeps the first entry of each symbol: a pushed runtime
// function may also be a compiler builtin.
func dedupExtras(es []extra) []extra {
	seen := map[string]bool{}
	var out []extra
	for _, e := range es {
		if !seen[e.sym] {
			seen[e.sym] = true
			out = append(out, e)
		}
	}
	return out
}
