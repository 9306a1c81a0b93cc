// Package pproffilter removes gofn's own work from a profile before a
// tenant sees it: the samples whose stack passes through a named function
// (runtime/pprof.profileWriter, the goroutine that turns the runtime's CPU
// samples into a profile while the call runs).
//
// It reads and rewrites the gzip'd profile.proto at the wire level
// (https://github.com/google/pprof/blob/main/proto/profile.proto: Profile
// fields 2 sample, 4 location, 5 function, 6 string_table; Sample field 1
// location_id; Location field 4 line; Line field 1 function_id; Function
// field 2 name), copying every other byte unchanged. Stdlib only: the
// worker links nothing else.
package pproffilter

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
)

var errBad = errors.New("pproffilter: malformed profile")

// field is one protobuf field: number, wire type, its bytes (varint value
// or length-delimited payload) and the whole encoding.
type field struct {
	num  uint64
	wire uint64
	val  uint64
	data []byte
	raw  []byte
}

func next(b []byte) (field, []byte, error) {
	var f field
	key, n := binary.Uvarint(b)
	if n <= 0 {
		return f, nil, errBad
	}
	f.num, f.wire = key>>3, key&7
	p := b[n:]
	switch f.wire {
	case 0:
		v, m := binary.Uvarint(p)
		if m <= 0 {
			return f, nil, errBad
		}
		f.val, p = v, p[m:]
	case 1:
		if len(p) < 8 {
			return f, nil, errBad
		}
		p = p[8:]
	case 2:
		l, m := binary.Uvarint(p)
		if m <= 0 || l > uint64(len(p)-m) {
			return f, nil, errBad
		}
		f.data, p = p[m:m+int(l)], p[m+int(l):]
	case 5:
		if len(p) < 4 {
			return f, nil, errBad
		}
		p = p[4:]
	default:
		return f, nil, errBad
	}
	f.raw = b[:len(b)-len(p)]
	return f, p, nil
}

// each calls fn for every field of msg.
func each(msg []byte, fn func(field) error) error {
	for len(msg) > 0 {
		f, rest, err := next(msg)
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
		msg = rest
	}
	return nil
}

// ids reads a repeated uint64 field, packed (wire 2) or not (wire 0).
func ids(f field, out []uint64) ([]uint64, error) {
	if f.wire == 0 {
		return append(out, f.val), nil
	}
	for p := f.data; len(p) > 0; {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return nil, errBad
		}
		out, p = append(out, v), p[n:]
	}
	return out, nil
}

// Drop returns the gzip'd profile without the samples whose stack has a
// function named one of names, and how many samples it dropped.
func Drop(gz []byte, names ...string) ([]byte, int, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, 0, err
	}
	prof, err := io.ReadAll(zr)
	if err != nil {
		return nil, 0, err
	}
	bad, err := locationsOf(prof, names)
	if err != nil || len(bad) == 0 {
		return gz, 0, err
	}
	var out bytes.Buffer
	dropped := 0
	err = each(prof, func(f field) error {
		if f.num == 2 && f.wire == 2 {
			hit, err := sampleHits(f.data, bad)
			if err != nil {
				return err
			}
			if hit {
				dropped++
				return nil
			}
		}
		out.Write(f.raw)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	zw.Write(out.Bytes())
	if err := zw.Close(); err != nil {
		return nil, 0, err
	}
	return z.Bytes(), dropped, nil
}

// locationsOf: the ids of the locations whose lines name one of names.
func locationsOf(prof []byte, names []string) (map[uint64]bool, error) {
	var strs [][]byte
	fnName := map[uint64]uint64{} // function id -> string index
	locFns := map[uint64][]uint64{}
	err := each(prof, func(f field) error {
		switch {
		case f.num == 6 && f.wire == 2:
			strs = append(strs, f.data)
		case f.num == 5 && f.wire == 2:
			var id, name uint64
			err := each(f.data, func(g field) error {
				if g.num == 1 && g.wire == 0 {
					id = g.val
				} else if g.num == 2 && g.wire == 0 {
					name = g.val
				}
				return nil
			})
			fnName[id] = name
			return err
		case f.num == 4 && f.wire == 2:
			var id uint64
			var fns []uint64
			err := each(f.data, func(g field) error {
				if g.num == 1 && g.wire == 0 {
					id = g.val
				} else if g.num == 4 && g.wire == 2 {
					return each(g.data, func(h field) error {
						if h.num == 1 && h.wire == 0 {
							fns = append(fns, h.val)
						}
						return nil
					})
				}
				return nil
			})
			locFns[id] = fns
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	badFn := map[uint64]bool{}
	for id, s := range fnName {
		if s < uint64(len(strs)) {
			for _, n := range names {
				if string(strs[s]) == n {
					badFn[id] = true
				}
			}
		}
	}
	bad := map[uint64]bool{}
	for id, fns := range locFns {
		for _, fn := range fns {
			if badFn[fn] {
				bad[id] = true
			}
		}
	}
	return bad, nil
}

func sampleHits(sample []byte, bad map[uint64]bool) (bool, error) {
	hit := false
	err := each(sample, func(f field) error {
		if f.num != 1 {
			return nil
		}
		locs, err := ids(f, nil)
		for _, l := range locs {
			if bad[l] {
				hit = true
			}
		}
		return err
	})
	return hit, err
}

// Count reports how many samples have a function named name in their
// stack, and how many samples there are (for tests and checks).
func Count(gz []byte, name string) (hits, total int, err error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return 0, 0, err
	}
	prof, err := io.ReadAll(zr)
	if err != nil {
		return 0, 0, err
	}
	bad, err := locationsOf(prof, []string{name})
	if err != nil {
		return 0, 0, err
	}
	err = each(prof, func(f field) error {
		if f.num == 2 && f.wire == 2 {
			total++
			h, err := sampleHits(f.data, bad)
			if h {
				hits++
			}
			return err
		}
		return nil
	})
	return hits, total, err
}
