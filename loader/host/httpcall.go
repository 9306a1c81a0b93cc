package main

// HTTP functions (issue 17): an exported func(http.ResponseWriter,
// *http.Request) is called with the request gofnd received and answers
// with what it wrote. INPUT and OUTPUT are envelopes (api/httpcall.h): a
// 4-byte big-endian length, that many bytes of JSON (the request's method,
// path, query, host and headers; the response's status and headers), then
// the body.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	_ "unsafe" // go:linkname
)

type httpRequestHead struct {
	Method  string      `json:"method"`
	Path    string      `json:"path"`
	Query   string      `json:"query"`
	Host    string      `json:"host"`
	Headers [][2]string `json:"headers"`
}

type httpResponseHead struct {
	Status  int         `json:"status"`
	Headers [][2]string `json:"headers"`
}

func splitEnvelope(in []byte) ([]byte, []byte, error) {
	if len(in) < 4 {
		return nil, nil, errors.New("http envelope: too short")
	}
	n := binary.BigEndian.Uint32(in)
	if uint64(n) > uint64(len(in)-4) {
		return nil, nil, errors.New("http envelope: head longer than the input")
	}
	return in[4 : 4+n], in[4+n:], nil
}

// decodeRequest builds the *http.Request a handler sees, as net/http's
// server would: RequestURI, URL (path and query), Host, headers, body.
func decodeRequest(in []byte) (*http.Request, error) {
	head, body, err := splitEnvelope(in)
	if err != nil {
		return nil, err
	}
	var h httpRequestHead
	if err := json.Unmarshal(head, &h); err != nil {
		return nil, errors.New("http envelope: " + err.Error())
	}
	uri := h.Path
	if h.Query != "" {
		uri += "?" + h.Query
	}
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, errors.New("http request: " + err.Error())
	}
	r := &http.Request{
		Method:        h.Method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        make(http.Header, len(h.Headers)),
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Host:          h.Host,
		RequestURI:    uri,
		RemoteAddr:    "gofnd",
	}
	for _, kv := range h.Headers {
		r.Header.Add(kv[0], kv[1])
	}
	return r, nil
}

// recorder is the handler's http.ResponseWriter: status and headers as of
// the first Write or WriteHeader, the body in memory (bounded by gofnd's
// result limit, which refuses a bigger OUTPUT).
type recorder struct {
	header  http.Header
	sent    http.Header
	status  int
	body    bytes.Buffer
	written bool
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.written {
		return
	}
	if code < 100 || code > 999 {
		panic("invalid WriteHeader code " + itoa(code)) // as net/http's checkWriteHeaderCode
	}
	w.status, w.written, w.sent = code, true, w.header.Clone()
}

func (w *recorder) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

func (w *recorder) Flush() { w.WriteHeader(http.StatusOK) }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func (w *recorder) envelope() []byte {
	w.WriteHeader(http.StatusOK)
	// As net/http's server: a body without a Content-Type gets a sniffed one.
	if _, ok := w.sent["Content-Type"]; !ok && w.body.Len() > 0 {
		w.sent.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	h := httpResponseHead{Status: w.status, Headers: [][2]string{}}
	for k, vs := range w.sent {
		for _, v := range vs {
			h.Headers = append(h.Headers, [2]string{k, v})
		}
	}
	head, _ := json.Marshal(h)
	out := make([]byte, 4, 4+len(head)+w.body.Len())
	binary.BigEndian.PutUint32(out, uint32(len(head)))
	out = append(out, head...)
	return append(out, w.body.Bytes()...)
}

//go:linkname callHTTP runtime.gofnCallHTTP
//go:noinline
func callHTTP(pc uintptr, w http.ResponseWriter, r *http.Request) {
	funcOf[func(http.ResponseWriter, *http.Request)](pc)(w, r)
}

// invokeHTTP runs the handler at pc on the request in input.
func invokeHTTP(pc uintptr, input []byte) ([]byte, error) {
	r, err := decodeRequest(input)
	if err != nil {
		return nil, err
	}
	w := &recorder{header: make(http.Header)}
	callHTTP(pc, w, r)
	return w.envelope(), nil
}
