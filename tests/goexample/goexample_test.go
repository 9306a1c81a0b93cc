package goexample

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSameOutput(t *testing.T) {
	for _, c := range []struct {
		got, want string
		unordered bool
		same      bool
	}{
		{"a\nb\n", "a\nb", false, true},
		{"b\na", "a\nb", false, false},
		{"b\na", "a\nb", true, true},
		{"a\na", "a\nb", true, false},
	} {
		if SameOutput(c.got, c.want, c.unordered) != c.same {
			t.Errorf("SameOutput(%q, %q, %v) != %v", c.got, c.want, c.unordered, c.same)
		}
	}
}

func TestWithOutput(t *testing.T) {
	f := filepath.Join(t.TempDir(), "x_test.go")
	src := "package x_test\n\nimport \"fmt\"\n\n" +
		"func ExampleA() {\n\tfmt.Println(1)\n\t// Output: 1\n}\n\n" +
		"func ExampleB() {\n\tfmt.Println(2)\n}\n\n" +
		"func ExampleC() {\n\t// Output:\n}\n"
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	exs, err := WithOutput([]string{f})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range exs {
		names = append(names, e.Name)
	}
	if len(names) != 2 || names[0] != "A" || names[1] != "C" {
		t.Fatalf("examples with output: %v, want [A C] (B has no output comment)", names)
	}
}
