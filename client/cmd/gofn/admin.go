package main

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
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
