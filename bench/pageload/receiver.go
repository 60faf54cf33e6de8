package main

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify/webhook"
)

// receiver is the SMS gateway: a plain HTTP server on loopback that checks
// each delivery's signature (an HMAC: cheap) and records when each
// idempotency key first arrived. Safe for concurrent use.
type receiver struct {
	secret string
	srv    *http.Server
	url    string

	mu         sync.Mutex
	first      map[string]time.Time // idempotency key → first arrival
	duplicates int                  // deliveries of a key already seen
	refused    int                  // bad signature or unreadable body
}

func newReceiver(secret string) (*receiver, error) {
	r := &receiver{secret: secret, first: map[string]time.Time{}}
	var err error
	r.srv, r.url, err = serveLoopback(r, "/sms")
	return r, err
}

// serveLoopback serves h on a free 127.0.0.1 port and returns the server
// and the URL of path on it.
func serveLoopback(h http.Handler, path string) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return srv, "http://" + ln.Addr().String() + path, nil
}

func (r *receiver) close() { r.srv.Close() }

// ServeHTTP records a delivery; the time is taken when its headers arrived.
func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	at := time.Now()
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err == nil {
		err = webhook.Verify(r.secret, req.Header, body, at, 0)
	}
	key := req.Header.Get(webhook.HeaderIdempotencyKey)
	r.mu.Lock()
	switch _, seen := r.first[key]; {
	case err != nil || key == "":
		r.refused++
	case seen:
		r.duplicates++
	default:
		r.first[key] = at
	}
	r.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"ok":true}`)
}

// pages returns, per incident, when its first page of a step in [from, to]
// arrived (the earliest if several). Keys of pages look like
// "INC-7/page/<life>/<step>/schedule:primary/sms".
func (r *receiver) pages(from, to int) map[arqir.IncidentID]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[arqir.IncidentID]time.Time{}
	for key, at := range r.first {
		id, step, ok := pageKey(key)
		if !ok || step < from || step > to {
			continue
		}
		if t, seen := out[id]; !seen || at.Before(t) {
			out[id] = at
		}
	}
	return out
}

// counts returns the duplicate and refused deliveries.
func (r *receiver) counts() (duplicates, refused int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.duplicates, r.refused
}

// pageKey reads the incident and step from a page's idempotency key.
func pageKey(key string) (arqir.IncidentID, int, bool) {
	parts := strings.Split(key, "/")
	if len(parts) < 5 || parts[1] != arqir.PurposePage {
		return 0, 0, false
	}
	id, err := arqir.ParseIncidentID(parts[0])
	if err != nil {
		return 0, 0, false
	}
	step, err := strconv.Atoi(parts[3])
	if err != nil {
		return 0, 0, false
	}
	return id, step, true
}
