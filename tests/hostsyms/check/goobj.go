package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// A minimal reader of the Go object file format, just enough to list the
// symbols an object's relocations need from outside it. The format is
// specified in $GOROOT/src/cmd/internal/goobj/objfile.go; nm cannot be
// used because it also lists references that only feed the inline tree or
// DWARF (names, not addresses) and omits builtin runtime references.

const (
	objMagic    = "\x00go120ld"
	blkNonpkgrf = 7
	blkReloc    = 14
	blkAux      = 15
	blkRefName  = 17
	nBlk        = 19
	symSize     = 8 + 2 + 1 + 1 + 1 + 4 + 4
	relocSize   = 4 + 1 + 2 + 8 + 8
	refNameSize = 8 + 8

	pkgIdxNone    = 1<<31 - 1
	pkgIdxHashed  = pkgIdxNone - 2
	pkgIdxBuiltin = pkgIdxNone - 3
	pkgIdxSelf    = pkgIdxNone - 4
)

// goToolchain is what the object format depends on, read once from GOROOT.
type goToolchain struct {
	builtins  []string        // builtinlist.go, by index
	informal  map[uint16]bool // relocation types that carry no address
	methodOff uint16          // R_METHODOFF
}

// Relocations that only tell the linker something (reachability, init
// order, DWARF); a loader accepts them without resolving their target.
var informalRelocs = []string{"R_USEFIELD", "R_USETYPE", "R_USEIFACE", "R_USEIFACEMETHOD",
	"R_USENAMEDMETHOD", "R_KEEP", "R_INITORDER", "R_ADDRCUOFF", "R_DWARFSECREF",
	"R_DWARFFILEREF", "R_DWTXTADDR_U1", "R_DWTXTADDR_U2", "R_DWTXTADDR_U3", "R_DWTXTADDR_U4"}

func loadToolchain(goroot string) (*goToolchain, error) {
	list, err := os.ReadFile(filepath.Join(goroot, "src/cmd/internal/goobj/builtinlist.go"))
	if err != nil {
		return nil, err
	}
	t := &goToolchain{informal: map[uint16]bool{}}
	for _, m := range regexp.MustCompile(`\{"([^"]+)", [01]\}`).FindAllStringSubmatch(string(list), -1) {
		t.builtins = append(t.builtins, m[1])
	}
	rt, err := os.ReadFile(filepath.Join(goroot, "src/cmd/internal/objabi/reloctype.go"))
	if err != nil {
		return nil, err
	}
	// The first const block numbers relocation types from R_ADDR = 1.
	block, _, _ := strings.Cut(string(rt[bytes.Index(rt, []byte("const ("))+7:]), "\n)")
	n := uint16(0)
	for _, line := range strings.Split(block, "\n") {
		if m := regexp.MustCompile(`^\t(R_[A-Z0-9_]+)\b`).FindStringSubmatch(line); m != nil {
			n++
			if m[1] == "R_METHODOFF" {
				t.methodOff = n
			}
			for _, name := range informalRelocs {
				if m[1] == name {
					t.informal[n] = true
				}
			}
		}
	}
	if len(t.builtins) < 50 || len(t.informal) < 8 || t.methodOff == 0 {
		return nil, fmt.Errorf("GOROOT's builtinlist.go or reloctype.go changed format (%d builtins, %d informal relocs)",
			len(t.builtins), len(t.informal))
	}
	return t, nil
}

// externalRefs lists the symbols the relocations of one object file (an
// archive from go tool compile) need from the host or other objects, and
// apart from them the methods its type descriptors' method tables name
// (R_METHODOFF): like the Go linker, a loader may leave a method it cannot
// resolve out of a table (it is then unreachable, not a link error).
func (t *goToolchain) externalRefs(path string) (refs, methods []string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	start := bytes.Index(data, []byte(objMagic))
	if start < 0 {
		return nil, nil, errors.New("no Go object in " + path)
	}
	o := data[start:]
	u32 := func(off uint32) uint32 {
		if uint64(off)+4 > uint64(len(o)) {
			panic(fmt.Sprintf("%s: read past end at %d", path, off))
		}
		return binary.LittleEndian.Uint32(o[off:])
	}
	var blk [nBlk]uint32
	for i := range blk {
		blk[i] = u32(uint32(len(objMagic) + 8 + 4 + 4*i))
	}
	str := func(off uint32) string {
		n, p := u32(off), u32(off+4)
		return string(o[p : p+n])
	}
	nnonpkgdef := (blk[blkNonpkgrf] - blk[blkNonpkgrf-1]) / symSize
	nnonpkgref := (blk[blkNonpkgrf+1] - blk[blkNonpkgrf]) / symSize
	refNames := map[[2]uint32]string{}
	for off := blk[blkRefName]; off+refNameSize <= blk[blkRefName+1]; off += refNameSize {
		refNames[[2]uint32{u32(off), u32(off + 4)}] = str(off + 8)
	}
	var out []string
	for off := blk[blkReloc]; off+relocSize <= blk[blkAux]; off += relocSize {
		typ := binary.LittleEndian.Uint16(o[off+5:])
		pkg, idx := u32(off+15), u32(off+19)
		if t.informal[typ] {
			continue
		}
		if typ == t.methodOff {
			if name, ok := refNames[[2]uint32{pkg, idx}]; ok && pkg < pkgIdxSelf {
				methods = append(methods, name)
			}
			continue
		}
		switch {
		case pkg == pkgIdxBuiltin:
			if int(idx) >= len(t.builtins) {
				return nil, nil, fmt.Errorf("%s: builtin index %d out of range", path, idx)
			}
			out = append(out, t.builtins[idx])
		case pkg == pkgIdxNone:
			// Non-package symbols: defined here, or referenced by name.
			if idx >= nnonpkgdef && idx < nnonpkgdef+nnonpkgref {
				out = append(out, str(blk[blkNonpkgrf]+(idx-nnonpkgdef)*symSize))
			}
		case pkg >= pkgIdxSelf || pkg == 0:
			// Defined in this object (self, hashed): nothing to resolve.
		default:
			name, ok := refNames[[2]uint32{pkg, idx}]
			if !ok {
				return nil, nil, fmt.Errorf("%s: reference %d/%d has no name (compiled with -d=norefname?)", path, pkg, idx)
			}
			out = append(out, name)
		}
	}
	return out, methods, nil
}
