package main

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
)

// config is where the server is and who we are to it.
type config struct {
	URL        string `json:"url"`
	Token      string `json:"token,omitempty"`
	AdminToken string `json:"admin_token,omitempty"`
}

func configPath(getenv func(string) string) (string, error) {
	if p := getenv("GOFN_CONFIG"); p != "" {
		return p, nil
	}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return "", coded(exitConfig, "neither GOFN_CONFIG, XDG_CONFIG_HOME nor HOME is set")
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "gofn", "config.json"), nil
}

// loadConfig: the file, overridden field by field by GOFN_URL,
// GOFN_TOKEN and GOFN_ADMIN_TOKEN.
func loadConfig(getenv func(string) string) (config, error) {
	var c config
	if p, err := configPath(getenv); err == nil {
		b, err := os.ReadFile(p)
		if err == nil {
			if err := json.Unmarshal(b, &c); err != nil {
				return c, coded(exitConfig, "%s: %v", p, err)
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return c, coded(exitConfig, "%v", err)
		}
	}
	if v := getenv("GOFN_URL"); v != "" {
		c.URL = v
	}
	if v := getenv("GOFN_TOKEN"); v != "" {
		c.Token = v
	}
	if v := getenv("GOFN_ADMIN_TOKEN"); v != "" {
		c.AdminToken = v
	}
	if c.URL == "" {
		return c, coded(exitConfig, "no server: set GOFN_URL or run gofn login URL TOKEN")
	}
	return c, nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErr("%q is not an http(s) URL", s)
	}
	return nil
}

// saveConfig writes the file with mode 0600 (it holds tokens), replacing
// it whole so a crash never leaves half a file.
func saveConfig(getenv func(string) string, c config) (string, error) {
	p, err := configPath(getenv)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", coded(exitConfig, "%v", err)
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	tmp, err := os.CreateTemp(filepath.Dir(p), ".config-*.json")
	if err != nil {
		return "", coded(exitConfig, "%v", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", coded(exitConfig, "%v", err)
	}
	_, err = tmp.Write(append(b, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		return "", coded(exitConfig, "writing %s: %v", p, err)
	}
	return p, nil
}

// gofn login URL TOKEN [--admin]: --admin saves the token as the admin
// token (for gofn tenants) and keeps the tenant token.
func cmdLogin(e *env, args []string) error {
	admin := false
	var pos []string
	for _, a := range args {
		if a == "--admin" {
			admin = true
		} else {
			pos = append(pos, a)
		}
	}
	if len(pos) != 2 {
		return usageErr("usage: gofn login URL TOKEN [--admin]")
	}
	if err := checkURL(pos[0]); err != nil {
		return err
	}
	old, _ := loadConfigFile(e.getenv)
	c := config{URL: pos[0], Token: old.Token, AdminToken: old.AdminToken}
	if admin {
		c.AdminToken = pos[1]
	} else {
		c.Token = pos[1]
	}
	p, err := saveConfig(e.getenv, c)
	if err != nil {
		return err
	}
	e.printf("saved %s\n", p)
	return nil
}

// loadConfigFile: only the file, no environment, no check.
func loadConfigFile(getenv func(string) string) (config, error) {
	var c config
	p, err := configPath(getenv)
	if err != nil {
		return c, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return c, err
	}
	err = json.Unmarshal(b, &c)
	return c, err
}
