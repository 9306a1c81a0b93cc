package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEnv runs the client against srv with a private config dir.
func fakeEnv(t *testing.T, srvURL string, stdin string) (*env, *bytes.Buffer, *bytes.Buffer, map[string]string) {
	t.Helper()
	vars := map[string]string{"HOME": t.TempDir()}
	if srvURL != "" {
		vars["GOFN_URL"] = srvURL
		vars["GOFN_TOKEN"] = "tok"
		vars["GOFN_ADMIN_TOKEN"] = "adm"
	}
	var out, errb bytes.Buffer
	return &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return vars[k] }}, &out, &errb, vars
}

func runEnv(e *env, args ...string) int {
	err := dispatch(e, args)
	if err == nil {
		return 0
	}
	e.stderr.Write([]byte("gofn: " + oneLine(err.Error()) + "\n"))
	return exitCode(err)
}

func TestLoginWritesPrivateConfig(t *testing.T) {
	e, _, _, vars := fakeEnv(t, "", "")
	if rc := runEnv(e, "login", "http://127.0.0.1:9", "secret"); rc != 0 {
		t.Fatalf("login: %d", rc)
	}
	p := filepath.Join(vars["HOME"], ".config", "gofn", "config.json")
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("config mode %v, want 0600", st.Mode().Perm())
	}
	c, err := loadConfig(e.getenv)
	if err != nil || c.URL != "http://127.0.0.1:9" || c.Token != "secret" {
		t.Fatalf("loaded %+v %v", c, err)
	}
	// The environment overrides the file.
	vars["GOFN_TOKEN"] = "other"
	if c, _ := loadConfig(e.getenv); c.Token != "other" {
		t.Fatalf("GOFN_TOKEN not preferred: %+v", c)
	}
}

func TestLoginRefusesNonURL(t *testing.T) {
	e, _, _, _ := fakeEnv(t, "", "")
	if rc := runEnv(e, "login", "localhost:8080", "x"); rc != exitUsage {
		t.Fatalf("rc %d, want %d", rc, exitUsage)
	}
}

func TestNotConfigured(t *testing.T) {
	e, _, errb, _ := fakeEnv(t, "", "")
	if rc := runEnv(e, "ls"); rc != exitConfig {
		t.Fatalf("rc %d, want %d", rc, exitConfig)
	}
	if !strings.Contains(errb.String(), "GOFN_URL") || strings.Count(errb.String(), "\n") != 1 {
		t.Fatalf("want one line naming GOFN_URL, got %q", errb.String())
	}
}

func TestInvokeStatuses(t *testing.T) {
	var gotBody, gotFn, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody, gotFn, gotAuth = string(b), r.URL.Query().Get("function"), r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/invoke/main.Greet":
			io.WriteString(w, `{"invocation_id":"inv_1","symbol":"main.Greet","status":"ok","result":"hello, `+gotBody+`","stdout":"out\n","stderr":"err\n","exit_code":0}`)
		case "/invoke/main.Boom":
			io.WriteString(w, `{"invocation_id":"inv_2","symbol":"main.Boom","status":"panic","result":null,"error":"boom","stdout":"","stderr":"","exit_code":2}`)
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"code":"unknown_symbol","message":"no function of yours defines x"}}`)
		}
	}))
	defer srv.Close()

	e, out, errb, _ := fakeEnv(t, srv.URL, "from stdin")
	if rc := runEnv(e, "invoke", "greet@2", "main.Greet", "-d", "-"); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errb)
	}
	if gotBody != "from stdin" || gotFn != "greet@2" || gotAuth != "Bearer tok" {
		t.Fatalf("sent body %q function %q auth %q", gotBody, gotFn, gotAuth)
	}
	if out.String() != "out\nhello, from stdin\n" || errb.String() != "err\n" {
		t.Fatalf("stdout %q stderr %q", out, errb)
	}

	e, _, errb, _ = fakeEnv(t, srv.URL, "")
	if rc := runEnv(e, "invoke", "greet", "main.Boom"); rc != exitInvoke {
		t.Fatalf("panic: rc %d, want %d", rc, exitInvoke)
	}
	if !strings.Contains(errb.String(), "panic: boom") {
		t.Fatalf("stderr %q", errb)
	}
	e, _, errb, _ = fakeEnv(t, srv.URL, "")
	if rc := runEnv(e, "invoke", "greet", "main.Nope"); rc != exitRefused {
		t.Fatalf("404: rc %d, want %d", rc, exitRefused)
	}
	if !strings.Contains(errb.String(), "unknown_symbol") {
		t.Fatalf("stderr %q", errb)
	}
}

func TestInvokeFileInput(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
		io.WriteString(w, `{"status":"ok","result":null,"stdout":"","stderr":""}`)
	}))
	defer srv.Close()
	p := filepath.Join(t.TempDir(), "in")
	os.WriteFile(p, []byte("file bytes"), 0o600)
	e, _, _, _ := fakeEnv(t, srv.URL, "")
	if rc := runEnv(e, "invoke", "f", "main.F", "-d", "@"+p); rc != 0 || got != "file bytes" {
		t.Fatalf("rc %d body %q", rc, got)
	}
}

func TestServerDownIsExit5(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	e, _, _, _ := fakeEnv(t, u, "")
	if rc := runEnv(e, "ls"); rc != exitServer {
		t.Fatalf("rc %d, want %d", rc, exitServer)
	}
}

func TestUnitFromList(t *testing.T) {
	stream := `{"ImportPath":"fmt","Standard":true,"Export":"/c/fmt"}
{"ImportPath":"example.com/lib","Name":"lib","Export":"/c/lib"}
{"ImportPath":"example.com/app","Name":"main","Export":"/c/app"}`
	u, err := unitFromList(strings.NewReader(stream))
	if err != nil || len(u) != 2 || u[0].path != "example.com/lib" || u[1].file != "/c/app" {
		t.Fatalf("%+v %v", u, err)
	}
	_, err = unitFromList(strings.NewReader(`{"ImportPath":"x/c","CgoFiles":["a.go"],"Export":"/c"}`))
	if err == nil || exitCode(err) != exitBuild || !strings.Contains(err.Error(), "cgo") {
		t.Fatalf("cgo: %v", err)
	}
	_, err = unitFromList(strings.NewReader(`{"ImportPath":"x/b","Error":{"Err":"no Go files"}}`))
	if err == nil || !strings.Contains(err.Error(), "no Go files") {
		t.Fatalf("error: %v", err)
	}
	_, err = unitFromList(strings.NewReader(`{"ImportPath":"fmt","Standard":true}`))
	if err == nil {
		t.Fatal("a std package alone was accepted")
	}
}

func TestPickRuntime(t *testing.T) {
	var rt map[string]any
	json.Unmarshal([]byte(`{"runtimes":[{"release":"go1.26","toolchain":"go1.26.8"},{"release":"go1.27","toolchain":"go1.27.1"}]}`), &rt)
	if v := pickRuntime(rt, "go1.27.0"); v != "go1.27.1" {
		t.Fatalf("the local release: %q", v)
	}
	if v := pickRuntime(rt, "go1.25.3"); v != "go1.26.8" {
		t.Fatalf("another release: the first, got %q", v)
	}
	if v := pickRuntime(map[string]any{}, "go1.26.8"); v != "" {
		t.Fatalf("none listed: %q", v)
	}
	if goEnv("go1.26.8", "go1.27.1")[len(os.Environ())] != "GOTOOLCHAIN=go1.27.1" {
		t.Fatal("GOTOOLCHAIN not set for another release")
	}
	if len(goEnv("go1.26.8", "go1.26.8")) != len(os.Environ()) {
		t.Fatal("GOTOOLCHAIN set for the local release")
	}
}

// A fake server for deploy: it has object "have" already.
func TestUploadSendsOnlyMissing(t *testing.T) {
	var gotObjects []string
	var gotNames []string
	var nobj int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/objects/missing":
			var req struct{ SHA256 []string }
			json.NewDecoder(r.Body).Decode(&req)
			var miss []string
			for _, s := range req.SHA256 {
				if s != "aa" {
					miss = append(miss, s)
				}
			}
			json.NewEncoder(w).Encode(map[string]any{"missing": miss})
		case "/functions":
			gotNames = append(gotNames, r.URL.Query().Get("name"))
			_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			mr := multipart.NewReader(r.Body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(p)
				switch p.FormName() {
				case "objects":
					json.Unmarshal(b, &gotObjects)
				case "obj":
					nobj++
					if string(b) != "new bytes" {
						t.Errorf("sent %q", b)
					}
				}
			}
			w.WriteHeader(201)
			io.WriteString(w, `{"id":"fn_1","name":"app","version":3,"go_version":"go1.26.8","objects":[{},{}],"symbols":[{"name":"main.F","signature":"func(string) string","invokable":true}]}`)
		}
	}))
	defer srv.Close()
	c := &client{base: srv.URL, token: "t", http: srv.Client()}
	units := []unit{{path: "a", sha: "aa"}, {path: "b", sha: "bb"}}
	miss, err := missingObjects(c, units)
	if err != nil || len(miss) != 1 || !miss["bb"] {
		t.Fatalf("missing %v %v", miss, err)
	}
	fn, err := upload(c, "app", units, [][]byte{[]byte("old bytes"), []byte("new bytes")}, miss)
	if err != nil || fn.Version != 3 {
		t.Fatalf("%+v %v", fn, err)
	}
	if nobj != 1 || strings.Join(gotObjects, ",") != "aa,bb" || gotNames[0] != "app" {
		t.Fatalf("sent %d objects, list %v, name %v", nobj, gotObjects, gotNames)
	}
	e, out, _, _ := fakeEnv(t, srv.URL, "")
	printDeployed(e, fn, 1)
	if !strings.Contains(out.String(), "app version 3") || !strings.Contains(out.String(), "main.F  func(string) string") {
		t.Fatalf("printed %q", out)
	}
}

// A 409 version_conflict (a concurrent deploy came first) is retried after
// asking again what is missing; too_many_functions and a conflict on every
// attempt are not retried for ever.
func TestDeployRetriesVersionConflict(t *testing.T) {
	for _, tc := range []struct {
		name      string
		conflicts int // answers of 409 before the 200
		code      string
		wantExit  int
		wantPosts int
	}{
		{"one conflict then unchanged", 1, "version_conflict", 0, 2},
		{"conflicts every time: bounded", 100, "version_conflict", exitRefused, deployAttempts},
		{"the function cap is not retried", 100, "too_many_functions", exitRefused, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked, posts := 0, 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/objects/missing":
					asked++
					io.WriteString(w, `{"missing":[]}`)
				case "/functions":
					posts++
					if posts <= tc.conflicts {
						w.WriteHeader(409)
						io.WriteString(w, `{"error":{"code":"`+tc.code+`","message":"a concurrent deploy"}}`)
						return
					}
					io.WriteString(w, `{"id":"fn_1","name":"app","version":1,"unchanged":true,"objects":[{}]}`)
				}
			}))
			defer srv.Close()
			c := &client{base: srv.URL, token: "t", http: srv.Client()}
			e, out, errb, _ := fakeEnv(t, srv.URL, "")
			err := deployUnit(e, c, "app", []unit{{path: "a", sha: "aa"}}, [][]byte{[]byte("x")}, func(int) {})
			code := 0
			if err != nil {
				code = exitCode(err)
			}
			if code != tc.wantExit || posts != tc.wantPosts || asked != posts {
				t.Fatalf("exit %d (%v), %d uploads, %d asks; stderr %q", code, err, posts, asked, errb)
			}
			if tc.wantExit == 0 && !strings.HasPrefix(out.String(), "unchanged app version 1 ") {
				t.Fatalf("printed %q", out)
			}
		})
	}
}

func TestHelpListsExitCodes(t *testing.T) {
	e, out, _, _ := fakeEnv(t, "", "")
	if rc := runEnv(e, "help"); rc != 0 {
		t.Fatal(rc)
	}
	for _, c := range exitTable {
		if !strings.Contains(out.String(), c.what) {
			t.Fatalf("help lacks exit code %d", c.code)
		}
	}
	if rc := runEnv(e, "frobnicate"); rc != exitUsage {
		t.Fatalf("unknown command: %d", rc)
	}
}
