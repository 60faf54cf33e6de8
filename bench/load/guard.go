package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// checkLoopback refuses a URL whose host is not this machine. The tool sends
// writes as fast as it can: aimed at a shared or production arqir by a
// slip of the finger, it would fill its database with fake incidents and
// slow down the people responding to real ones. Host names other than
// localhost are refused rather than resolved: a name can point anywhere.
func checkLoopback(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Errorf("refusing --url %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("refusing --url %q: use http://127.0.0.1:PORT (the scheme must be http or https)", raw)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("refusing --url %q: it names no host; use http://127.0.0.1:PORT", raw)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing --url %q: host %q is not a loopback address (127.0.0.0/8, ::1 or localhost). "+
		"The load tool writes incidents as fast as it can, so it only targets a server on this machine: "+
		"it must never flood a shared or production arqir by mistake. Run arqir locally, or use --spawn", raw, host)
}
