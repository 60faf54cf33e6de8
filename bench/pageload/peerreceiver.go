package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// webhookReceiver is Alertmanager's webhook receiver: a plain HTTP server
// on loopback that records when each alert of the run (by its alertname,
// PageLoad<i>) first arrived. Safe for concurrent use.
type webhookReceiver struct {
	run string
	srv *http.Server
	url string

	mu            sync.Mutex
	first         map[int]time.Time // alert i → first arrival
	notifications int
	duplicates    int // arrivals of an alert already seen
	refused       int // unreadable bodies
	foreign       int // alerts not of this run
}

func newWebhookReceiver(run string) (*webhookReceiver, error) {
	r := &webhookReceiver{run: run, first: map[int]time.Time{}}
	var err error
	r.srv, r.url, err = serveLoopback(r, "/alertmanager")
	return r, err
}

func (r *webhookReceiver) close() { r.srv.Close() }

// ServeHTTP records a notification; the time is taken when its headers
// arrived, as the SMS receiver does for arqir's pages.
func (r *webhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	at := time.Now()
	var msg struct {
		Alerts []struct {
			Labels map[string]string `json:"labels"`
		} `json:"alerts"`
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(body, &msg)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.refused++
		http.Error(w, "unreadable notification: "+err.Error(), http.StatusBadRequest)
		return
	}
	r.notifications++
	for _, a := range msg.Alerts {
		i, err := strconv.Atoi(strings.TrimPrefix(a.Labels["alertname"], "PageLoad"))
		switch _, seen := r.first[i]; {
		case a.Labels["run"] != r.run || err != nil:
			r.foreign++
		case seen:
			r.duplicates++
		default:
			r.first[i] = at
		}
	}
}

// arrived returns when alert i first arrived.
func (r *webhookReceiver) arrived(i int) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.first[i]
	return at, ok
}

// count is how many alerts of the run have arrived.
func (r *webhookReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.first)
}

// counts returns the notifications and the odd deliveries.
func (r *webhookReceiver) counts() (notifications, duplicates, refused, foreign int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.notifications, r.duplicates, r.refused, r.foreign
}
