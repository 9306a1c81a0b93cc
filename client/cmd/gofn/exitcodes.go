package main

import (
	"errors"
	"fmt"
	"strings"
)

// Exit statuses; usage prints exitTable, so help and behaviour agree.
const (
	exitOK      = 0
	exitInvoke  = 1 // the function ran and ended in error, panic, exit, timeout, ...
	exitUsage   = 2
	exitConfig  = 3 // no URL/token, or the server refused the token (401/403)
	exitRefused = 4 // the server refused the request (other 4xx)
	exitServer  = 5 // the server failed or is unreachable (5xx, network)
	exitBuild   = 6 // the go command failed to list or compile the package
)

var exitTable = []struct {
	code int
	what string
}{
	{exitOK, "success"},
	{exitInvoke, "the function ran and its status was not ok (error, panic, exit, timeout, killed, sandbox_violation)"},
	{exitUsage, "bad command line"},
	{exitConfig, "not configured, or the token was refused (401/403)"},
	{exitRefused, "the server refused the request (4xx: not found, bad object, limits, ...)"},
	{exitServer, "the server failed or could not be reached (5xx, network)"},
	{exitBuild, "the go command could not list or compile the package"},
}

// codedError carries its exit status.
type codedError struct {
	code int
	msg  string
}

func (e *codedError) Error() string { return e.msg }

func coded(code int, format string, a ...any) error {
	return &codedError{code, fmt.Sprintf(format, a...)}
}

func usageErr(format string, a ...any) error { return coded(exitUsage, format, a...) }

func exitCode(err error) int {
	var c *codedError
	if errors.As(err, &c) {
		return c.code
	}
	var a *apiError
	if errors.As(err, &a) {
		return a.exitCode()
	}
	return exitServer
}

// oneLine keeps an error to one line: the go command's and the server's
// messages can span several.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
