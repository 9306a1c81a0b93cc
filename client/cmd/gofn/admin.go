package main

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// gofn ls: one line per named function (its current version), then the
// unnamed ones by id.
func cmdLs(e *env, args []string) error {
	if len(args) != 0 {
		return usageErr("usage: gofn ls")
	}
	c, err := tenantClient(e)
	if err != nil {
		return err
	}
	var list struct {
		Functions []function `json:"functions"`
	}
	if err := c.json("GET", "/functions", nil, nil, &list); err != nil {
		return err
	}
	fns := currentOnly(list.Functions)
	for _, f := range fns {
		name := f.Name
		if name == "" {
			name = "-"
		}
		e.printf("%-24s v%-4d %-20s %s\n", name, f.Version, f.ID, f.Package)
		printSymbols(e, f.Symbols)
	}
	return nil
}

// currentOnly keeps each name's current version and every unnamed function.
func currentOnly(all []function) []function {
	var out []function
	for _, f := range all {
		if f.Name == "" || f.Current {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func cmdRm(e *env, args []string) error {
	if len(args) != 1 {
		return usageErr("usage: gofn rm NAME|ID")
	}
	c, err := tenantClient(e)
	if err != nil {
		return err
	}
	if _, _, err := c.do("DELETE", "/functions/"+url.PathEscape(args[0]), nil, "", nil, nil); err != nil {
		return err
	}
	e.printf("removed %s\n", args[0])
	return nil
}

type versionList struct {
	Name     string     `json:"name"`
	Current  int        `json:"current"`
	Versions []function `json:"versions"`
}

func cmdVersions(e *env, args []string) error {
	if len(args) != 1 {
		return usageErr("usage: gofn versions NAME")
	}
	c, err := tenantClient(e)
	if err != nil {
		return err
	}
	var vl versionList
	if err := c.json("GET", "/functions/"+url.PathEscape(args[0])+"/versions", nil, nil, &vl); err != nil {
		return err
	}
	for _, v := range vl.Versions {
		mark := " "
		if v.Version == vl.Current {
			mark = "*"
		}
		e.printf("%s %-4d %-20s %s  %d objects  %s\n", mark, v.Version, v.ID,
			time.Unix(v.Created, 0).UTC().Format(time.RFC3339), len(v.Objects), v.SHA256[:min(12, len(v.SHA256))])
	}
	return nil
}

func cmdRollback(e *env, args []string) error {
	if len(args) != 2 {
		return usageErr("usage: gofn rollback NAME VERSION")
	}
	v, err := strconv.Atoi(args[1])
	if err != nil || v < 1 {
		return usageErr("VERSION is a number from 1, not %q", args[1])
	}
	c, err := tenantClient(e)
	if err != nil {
		return err
	}
	var fn function
	if err := c.json("POST", "/functions/"+url.PathEscape(args[0])+"/rollback",
		nil, map[string]int{"version": v}, &fn); err != nil {
		return err
	}
	e.printf("%s is at version %d (%s)\n", fn.Name, fn.Version, fn.ID)
	return nil
}

// gofn tenants ls | add NAME | rm NAME (admin token).
func cmdTenants(e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("usage: gofn tenants ls|add NAME|rm NAME")
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	c, err := newClient(cfg, true)
	if err != nil {
		return err
	}
	switch {
	case args[0] == "ls" && len(args) == 1:
		var l struct {
			Tenants []struct {
				Name    string `json:"name"`
				Created int64  `json:"created"`
			} `json:"tenants"`
		}
		if err := c.json("GET", "/tenants", nil, nil, &l); err != nil {
			return err
		}
		for _, t := range l.Tenants {
			e.printf("%-24s %s\n", t.Name, time.Unix(t.Created, 0).UTC().Format(time.RFC3339))
		}
	case args[0] == "add" && len(args) == 2:
		var t struct{ Name, Token string }
		if err := c.json("POST", "/tenants", nil, map[string]string{"name": args[1]}, &t); err != nil {
			return err
		}
		e.printf("%s\n", t.Token)
		fmt.Fprintf(e.stderr, "tenant %s created; its token is shown only now\n", t.Name)
	case args[0] == "rm" && len(args) == 2:
		if _, _, err := c.do("DELETE", "/tenants/"+url.PathEscape(args[1]), nil, "", nil, nil); err != nil {
			return err
		}
		e.printf("removed tenant %s\n", args[1])
	default:
		return usageErr("usage: gofn tenants ls|add NAME|rm NAME")
	}
	return nil
}

// gofn config NAME [--env K=V]... [--secret K=V]...: without flags shows the
// configuration (secrets by name); with them replaces it whole.
func cmdConfig(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageErr("usage: gofn config NAME [--env K=V]... [--secret K=V]...")
	}
	name := args[0]
	vars, secrets := map[string]string{}, map[string]string{}
	for i := 1; i < len(args); i++ {
		into := map[string]map[string]string{"--env": vars, "--secret": secrets}[args[i]]
		if into == nil || i+1 == len(args) {
			return usageErr("want --env K=V or --secret K=V, not %q", args[i])
		}
		k, v, ok := strings.Cut(args[i+1], "=")
		if !ok || k == "" {
			return usageErr("%s %q: want K=V", args[i], args[i+1])
		}
		into[k] = v
		i++
	}
	c, err := tenantClient(e)
	if err != nil {
		return err
	}
	var cfg struct {
		Env     map[string]string `json:"env"`
		Secrets []string          `json:"secrets"`
	}
	path := "/functions/" + url.PathEscape(name) + "/config"
	if len(args) == 1 {
		err = c.json("GET", path, nil, nil, &cfg)
	} else {
		err = c.json("PUT", path, nil, map[string]any{"env": vars, "secrets": secrets}, &cfg)
	}
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(cfg.Env))
	for k := range cfg.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.printf("%s=%s\n", k, cfg.Env[k])
	}
	for _, k := range cfg.Secrets {
		e.printf("%s (secret)\n", k)
	}
	return nil
}
