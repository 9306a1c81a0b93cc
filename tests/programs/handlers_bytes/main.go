// Handler functions with the []byte signatures gofn can invoke directly
// (gofn-loader -run main.Handle -in FILE), plus a main that uses them.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

type request struct {
	Text string `json:"text"`
}

type response struct {
	Words int      `json:"words"`
	Upper string   `json:"upper"`
	Uniq  []string `json:"uniq"`
}

// Handle counts the words of a JSON request {"text": ...}.
func Handle(in []byte) ([]byte, error) {
	var req request
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, fmt.Errorf("bad request: %w", err)
	}
	if strings.TrimSpace(req.Text) == "" {
		return nil, errors.New("empty text")
	}
	words := strings.Fields(req.Text)
	seen := map[string]bool{}
	var uniq []string
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			uniq = append(uniq, w)
		}
	}
	return json.Marshal(response{len(words), strings.ToUpper(req.Text), uniq})
}

// Reverse returns its input reversed byte by byte.
func Reverse(in []byte) []byte {
	out := make([]byte, len(in))
	for i, b := range in {
		out[len(in)-1-i] = b
	}
	return out
}

func main() {
	if callFromEnv() {
		return
	}
	out, err := Handle([]byte(`{"text":"to be or not to be"}`))
	fmt.Println(string(out), err)
	_, err = Handle([]byte(`{"text":`))
	fmt.Println(err)
	fmt.Println(string(Reverse([]byte("stressed"))))
}
