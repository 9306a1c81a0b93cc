package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// client talks to one gofnd with one bearer token.
type client struct {
	base  string
	token string
	http  *http.Client
}

func newClient(c config, admin bool) (*client, error) {
	tok := c.Token
	if admin {
		tok = c.AdminToken
		if tok == "" {
			return nil, coded(exitConfig, "no admin token: set GOFN_ADMIN_TOKEN or run gofn login URL TOKEN --admin")
		}
	} else if tok == "" {
		return nil, coded(exitConfig, "no token: set GOFN_TOKEN or run gofn login URL TOKEN")
	}
	if err := checkURL(c.URL); err != nil {
		return nil, coded(exitConfig, "server URL: %v", err)
	}
	return &client{base: strings.TrimRight(c.URL, "/"), token: tok,
		http: &http.Client{Timeout: 10 * time.Minute}}, nil
}

// apiError is a non-2xx answer: {"error":{"code","message"}}.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string {
	if e.code == "" {
		return fmt.Sprintf("server answered %d: %s", e.status, e.message)
	}
	return fmt.Sprintf("%s (%d %s)", e.message, e.status, e.code)
}

func (e *apiError) exitCode() int {
	switch {
	case e.status == 401 || e.status == 403:
		return exitConfig
	case e.status >= 400 && e.status < 500:
		return exitRefused
	default:
		return exitServer
	}
}

func decodeError(resp *http.Response, body []byte) error {
	var j struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if json.Unmarshal(body, &j) == nil && j.Error.Code != "" {
		return &apiError{resp.StatusCode, j.Error.Code, j.Error.Message}
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	if msg == "" {
		msg = resp.Status
	}
	return &apiError{status: resp.StatusCode, message: msg}
}

// do sends a request; a non-2xx answer is an *apiError. The body is
// returned whole (gofnd's answers are bounded by its own limits).
func (c *client) do(method, path string, q url.Values, ctype string, body io.Reader,
	hdr http.Header) (*http.Response, []byte, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, coded(exitServer, "%s %s: %v", method, c.base+path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, coded(exitServer, "%s %s: reading the answer: %v", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return resp, b, decodeError(resp, b)
	}
	return resp, b, nil
}

// json sends v (if not nil) as JSON and decodes the answer into out.
func (c *client) json(method, path string, q url.Values, v, out any) error {
	var body io.Reader
	ctype := ""
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		body, ctype = bytes.NewReader(b), "application/json"
	}
	_, b, err := c.do(method, path, q, ctype, body, nil)
	if err != nil || out == nil || len(b) == 0 {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return coded(exitServer, "%s %s: answer is not the JSON expected: %v", method, path, err)
	}
	return nil
}

// Wire types (api/openapi.yaml).
type symbol struct {
	Name      string `json:"name"`
	Signature string `json:"signature"`
	Invokable bool   `json:"invokable"`
}

type object struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

type function struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Version   int      `json:"version"`
	Current   bool     `json:"current"`
	Package   string   `json:"package"`
	GoVersion string   `json:"go_version"`
	SHA256    string   `json:"sha256"`
	Size      int64    `json:"size"`
	Created   int64    `json:"created"`
	Objects   []object `json:"objects"`
	Symbols   []symbol `json:"symbols"`
	Unchanged bool     `json:"unchanged"`
}
