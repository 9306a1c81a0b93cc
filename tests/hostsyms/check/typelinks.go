package main

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"strings"
)

// The worker's type descriptors, found the way a loader must find them:
// the linker keeps them out of the symbol table, so walk everything
// reachable from the module's typelinks and itablinks. Layouts are those
// of $GOROOT/src/internal/abi/type.go and map.go (Go 1.26, amd64).
const (
	typeSize   = 48 // abi.Type
	tflagUncom = 1 << 0
	tflagStar  = 1 << 1
	tflagNamed = 1 << 2

	kArray, kChan, kFunc, kIface, kMap, kPtr, kSlice, kStruct = 17, 18, 19, 20, 21, 22, 23, 25
)

// kindSize is the size of the kind's abi.*Type struct, after which the
// UncommonType sits (abi.(*Type).Uncommon).
var kindSize = map[byte]uint64{kPtr: 56, kSlice: 56, kArray: 72, kChan: 64, kFunc: 56, kMap: 112, kIface: 80, kStruct: 80}

type hostType struct {
	methods map[string]bool // method name → has code (Tfn != -1)
}

// hostTypes maps named types ("bufio.Reader", "int") and pointers to them
// ("*bufio.Reader") to what the worker has of them.
type hostTypes map[string]*hostType

type elfImage struct {
	f     *elf.File
	types uint64
}

func (m *elfImage) bytes(addr, n uint64) ([]byte, error) {
	for _, s := range m.f.Sections {
		if s.Type == elf.SHT_PROGBITS && addr >= s.Addr && addr+n <= s.Addr+s.Size {
			b := make([]byte, n)
			_, err := s.ReadAt(b, int64(addr-s.Addr))
			return b, err
		}
	}
	return nil, fmt.Errorf("address %#x+%d not in any section", addr, n)
}

func (m *elfImage) u64(addr uint64) (uint64, error) {
	b, err := m.bytes(addr, 8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (m *elfImage) i32(addr uint64) (int32, error) {
	b, err := m.bytes(addr, 4)
	if err != nil {
		return 0, err
	}
	return int32(binary.LittleEndian.Uint32(b)), nil
}

// name decodes an abi.Name: flags byte, varint length, bytes.
func (m *elfImage) name(addr uint64) (string, error) {
	b, err := m.bytes(addr, 1+10)
	if err != nil {
		return "", err
	}
	n, shift, i := uint64(0), 0, 1
	for ; i < len(b); i++ {
		n |= uint64(b[i]&0x7f) << shift
		shift += 7
		if b[i]&0x80 == 0 {
			break
		}
	}
	s, err := m.bytes(addr+uint64(i)+1, n)
	return string(s), err
}

func readHostTypes(bin string) (hostTypes, error) {
	f, err := elf.Open(bin)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return nil, err
	}
	m := &elfImage{f: f}
	for _, s := range syms {
		if s.Name == "runtime.types" {
			m.types = s.Value
		}
	}
	tl, il := f.Section(".typelink"), f.Section(".itablink")
	if m.types == 0 || tl == nil || il == nil {
		return nil, fmt.Errorf("%s: no runtime.types, .typelink or .itablink", bin)
	}
	w := &typeWalker{m: m, seen: map[uint64]bool{}, out: hostTypes{},
		keyOf: map[uint64]string{}, ptrs: map[uint64]uint64{}}
	data, err := tl.Data()
	if err != nil {
		return nil, err
	}
	for i := 0; i+4 <= len(data); i += 4 {
		w.queue = append(w.queue, m.types+uint64(int64(int32(binary.LittleEndian.Uint32(data[i:])))))
	}
	if data, err = il.Data(); err != nil {
		return nil, err
	}
	for i := 0; i+8 <= len(data); i += 8 {
		itab := binary.LittleEndian.Uint64(data[i:])
		for _, off := range []uint64{0, 8} { // abi.ITab: Inter, Type
			t, err := m.u64(itab + off)
			if err != nil {
				return nil, err
			}
			w.queue = append(w.queue, t)
		}
	}
	if err := w.run(); err != nil {
		return nil, err
	}
	// A pointer to a type without methods has no uncommon part to name it.
	for _, elem := range w.ptrs {
		if k := w.keyOf[elem]; k != "" && w.out["*"+k] == nil {
			w.out["*"+k] = &hostType{methods: map[string]bool{}}
		}
	}
	return w.out, nil
}

type typeWalker struct {
	m     *elfImage
	seen  map[uint64]bool
	queue []uint64
	out   hostTypes
	keyOf map[uint64]string // named types' keys by address
	ptrs  map[uint64]uint64 // pointer type → element, for *T without methods
}

func (w *typeWalker) run() error {
	for len(w.queue) > 0 {
		t := w.queue[len(w.queue)-1]
		w.queue = w.queue[:len(w.queue)-1]
		if t == 0 || w.seen[t] {
			continue
		}
		w.seen[t] = true
		if err := w.visit(t); err != nil {
			return fmt.Errorf("type at %#x: %w", t, err)
		}
	}
	return nil
}

func (w *typeWalker) typeOff(off int32) {
	if off != 0 && off != -1 {
		w.queue = append(w.queue, w.m.types+uint64(int64(off)))
	}
}

func (w *typeWalker) ptrAt(addr uint64) error {
	p, err := w.m.u64(addr)
	w.queue = append(w.queue, p)
	return err
}

func (w *typeWalker) visit(t uint64) error {
	hdr, err := w.m.bytes(t, typeSize)
	if err != nil {
		return err
	}
	tflag, kind := hdr[20], hdr[23]&0x1f
	str, err := w.m.name(w.m.types + uint64(int64(int32(binary.LittleEndian.Uint32(hdr[40:])))))
	if err != nil {
		return err
	}
	if tflag&tflagStar != 0 {
		str = str[1:]
	}
	w.typeOff(int32(binary.LittleEndian.Uint32(hdr[44:]))) // PtrToThis
	if !strings.Contains(str, ".") && w.out[str] == nil {
		// No package in it ([]int, *interface {}, map[string]bool): the
		// string is the linker's name too.
		w.out[str] = &hostType{methods: map[string]bool{}}
	}
	if err := w.children(t, kind, tflag); err != nil {
		return err
	}
	if tflag&tflagUncom == 0 {
		if tflag&tflagNamed != 0 && !strings.Contains(str, ".") {
			w.out[str] = &hostType{methods: map[string]bool{}} // int, error, …
			w.keyOf[t] = str
		}
		return nil
	}
	return w.uncommon(t, kind, tflag, str)
}

func (w *typeWalker) children(t uint64, kind, tflag byte) error {
	switch kind {
	case kPtr:
		elem, err := w.m.u64(t + typeSize)
		w.ptrs[t] = elem
		w.queue = append(w.queue, elem)
		return err
	case kSlice, kArray, kChan:
		return w.ptrAt(t + typeSize)
	case kMap:
		if err := w.ptrAt(t + typeSize); err != nil {
			return err
		}
		return w.ptrAt(t + typeSize + 8)
	case kFunc:
		b, err := w.m.bytes(t+typeSize, 4)
		if err != nil {
			return err
		}
		n := uint64(binary.LittleEndian.Uint16(b)) + uint64(binary.LittleEndian.Uint16(b[2:])&0x7fff)
		params := t + kindSize[kFunc]
		if tflag&tflagUncom != 0 {
			params += 16
		}
		for i := uint64(0); i < n; i++ {
			if err := w.ptrAt(params + 8*i); err != nil {
				return err
			}
		}
	case kIface, kStruct:
		arr, err := w.m.u64(t + typeSize + 8)
		if err != nil {
			return err
		}
		n, err := w.m.u64(t + typeSize + 16)
		if err != nil {
			return err
		}
		for i := uint64(0); i < n; i++ {
			if kind == kIface { // abi.Imethod{Name, Typ}
				off, err := w.m.i32(arr + 8*i + 4)
				if err != nil {
					return err
				}
				w.typeOff(off)
			} else if err := w.ptrAt(arr + 24*i + 8); err != nil { // abi.StructField.Typ
				return err
			}
		}
	}
	return nil
}

// uncommon records a named type (or pointer to one) and its method table.
func (w *typeWalker) uncommon(t uint64, kind, tflag byte, str string) error {
	u := t + typeSize
	if s, ok := kindSize[kind]; ok {
		u = t + s
	}
	b, err := w.m.bytes(u, 16)
	if err != nil {
		return err
	}
	pkgOff := int32(binary.LittleEndian.Uint32(b))
	mcount, moff := uint64(binary.LittleEndian.Uint16(b[4:])), uint64(binary.LittleEndian.Uint32(b[8:]))
	ht := &hostType{methods: map[string]bool{}}
	for i := uint64(0); i < mcount; i++ {
		mb, err := w.m.bytes(u+moff+16*i, 16)
		if err != nil {
			return err
		}
		name, err := w.m.name(w.m.types + uint64(int64(int32(binary.LittleEndian.Uint32(mb)))))
		if err != nil {
			return err
		}
		w.typeOff(int32(binary.LittleEndian.Uint32(mb[4:])))
		ht.methods[name] = int32(binary.LittleEndian.Uint32(mb[12:])) != -1
	}
	key := ""
	switch {
	case tflag&tflagNamed != 0:
		key, err = w.qualified(pkgOff, str)
	case kind == kPtr:
		// *T: its uncommon type is T's package; name it after T.
		key, err = w.qualified(pkgOff, strings.TrimPrefix(str, "*"))
		key = "*" + key
	}
	if err != nil || key == "" || key == "*" {
		return err
	}
	w.out[key] = ht
	if tflag&tflagNamed != 0 {
		w.keyOf[t] = key
	}
	return nil
}

// qualified turns "rand.Rand" and the import path "math/rand/v2" into the
// linker's "math/rand/v2.Rand". Instantiated generic types are left out.
func (w *typeWalker) qualified(pkgOff int32, str string) (string, error) {
	if strings.ContainsAny(str, "[ (") {
		return "", nil
	}
	local := str[strings.LastIndex(str, ".")+1:]
	if pkgOff == 0 {
		return local, nil
	}
	path, err := w.m.name(w.m.types + uint64(int64(pkgOff)))
	if err != nil || path == "" {
		return local, err
	}
	return path + "." + local, nil
}
