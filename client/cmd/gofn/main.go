// Command gofn is the client of a gofnd server: it compiles a go.mod
// project with the go command, deploys it as a named, versioned function,
// invokes and profiles it, and administers tenants.
//
// Every failure is one line on stderr ("gofn: ...") and an exit status
// from the table in usage (see exitcodes.go).
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own streams.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	err := dispatch(env, args)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "gofn: %s\n", oneLine(err.Error()))
	return exitCode(err)
}

// env is what a command may touch: streams and the environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	name, args, help string
	run              func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"login", "URL TOKEN", "save the server URL and token (config file, mode 0600)", cmdLogin},
		{"deploy", "--name NAME [PKG]", "compile PKG (default .) and its non-std dependencies, upload them as a version of NAME (a concurrent deploy's 409 version_conflict is retried)", cmdDeploy},
		{"invoke", "NAME SYMBOL [-d DATA|@FILE|-] [--timeout MS]", "call SYMBOL of NAME (NAME@N for a version), print the result", cmdInvoke},
		{"profile", "NAME SYMBOL --cpu|--heap [-d ...] [-o FILE] [--web]", "invoke profiled and save the pprof profile (--web opens go tool pprof)", cmdProfile},
		{"ls", "", "list your functions (name, current version, symbols)", cmdLs},
		{"rm", "NAME|ID", "delete a function with all its versions (or one function id)", cmdRm},
		{"versions", "NAME", "list the versions of NAME; the current one is marked *", cmdVersions},
		{"rollback", "NAME VERSION", "make an older version of NAME current", cmdRollback},
		{"config", "NAME [--env K=V]... [--secret K=V]...", "show NAME's environment, or replace it (secrets are stored sealed, never shown)", cmdConfig},
		{"tenants", "ls|add NAME|rm NAME", "administer tenants (needs the admin token)", cmdTenants},
		{"help", "", "this text", cmdHelp},
	}
}

func dispatch(e *env, args []string) error {
	if len(args) == 0 {
		usage(e.stderr)
		return usageErr("no command")
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	if args[0] == "-h" || args[0] == "--help" {
		return cmdHelp(e, nil)
	}
	return usageErr("unknown command %q (gofn help lists them)", args[0])
}

func cmdHelp(e *env, _ []string) error {
	usage(e.stdout)
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: gofn COMMAND [ARGS]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n            %s\n", c.name, c.args, c.help)
	}
	fmt.Fprint(w, `
Configuration: GOFN_URL and GOFN_TOKEN (GOFN_ADMIN_TOKEN for tenants), else
the file written by gofn login ($XDG_CONFIG_HOME/gofn/config.json, or
~/.config/gofn/config.json; GOFN_CONFIG names another).

Exit status:
`)
	for _, c := range exitTable {
		fmt.Fprintf(w, "  %d  %s\n", c.code, c.what)
	}
}
