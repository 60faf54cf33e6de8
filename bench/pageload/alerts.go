package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/arqir/arqir"
)

// sender posts Alertmanager webhook notifications (payload version 4) to
// the integration, each alert new: its own alertname, so its own incident
// (the default policy groups by alertname and service).
type sender struct {
	url, auth string
	severity  string
	run       string // distinguishes this run's alerts
	client    *http.Client
}

func newSender(s *server, severity string) *sender {
	return &sender{
		url: s.url + "/ingest/alertmanager", auth: "Bearer " + s.credential, severity: severity,
		run: strconv.FormatInt(time.Now().UnixNano(), 36),
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: maxInFlight, MaxIdleConnsPerHost: maxInFlight, DisableCompression: true}},
	}
}

// sent is one request: when it left, when it was answered, and the
// incidents the answer names.
type sent struct {
	at        time.Time
	took      time.Duration // until the answer
	incidents []arqir.IncidentID
	err       string // not answered 200
}

// post sends alerts first … first+n-1 in one notification.
func (snd *sender) post(ctx context.Context, first, n int) sent {
	body := snd.body(first, n)
	req, err := http.NewRequestWithContext(ctx, "POST", snd.url, bytes.NewReader(body))
	if err != nil {
		return sent{at: time.Now(), err: err.Error()}
	}
	req.Header.Set("Authorization", snd.auth)
	req.Header.Set("Content-Type", "application/json")
	s := sent{at: time.Now()}
	resp, err := snd.client.Do(req)
	if err != nil {
		s.err = "transport: " + err.Error()
		return s
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	s.took = time.Since(s.at)
	if resp.StatusCode != http.StatusOK {
		s.err = fmt.Sprintf("%d: %.200s", resp.StatusCode, answer)
		return s
	}
	var rc struct {
		Incidents []arqir.IncidentID `json:"incidents"`
	}
	if err := json.Unmarshal(answer, &rc); err != nil {
		s.err = "answer: " + err.Error()
	}
	s.incidents = rc.Incidents
	return s
}

// body is one Alertmanager notification carrying alerts first … first+n-1,
// firing. Alertmanager sends one group per notification; a batch of
// different alertnames is this tool's shortcut to open many incidents.
func (snd *sender) body(first, n int) []byte {
	type alert struct {
		Status       string            `json:"status"`
		Labels       map[string]string `json:"labels"`
		Annotations  map[string]string `json:"annotations"`
		StartsAt     string            `json:"startsAt"`
		EndsAt       string            `json:"endsAt"`
		GeneratorURL string            `json:"generatorURL"`
		Fingerprint  string            `json:"fingerprint"`
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	alerts := make([]alert, n)
	for i := range alerts {
		name := fmt.Sprintf("PageLoad%d", first+i)
		alerts[i] = alert{
			Status:       "firing",
			Labels:       map[string]string{"alertname": name, "instance": "web-1:9100", "severity": snd.severity, "run": snd.run},
			Annotations:  map[string]string{"summary": name + " is firing (pageload " + snd.run + ")"},
			StartsAt:     now,
			EndsAt:       "0001-01-01T00:00:00Z",
			GeneratorURL: "http://127.0.0.1:9090/graph",
			Fingerprint:  fmt.Sprintf("%s-%08x", snd.run, first+i),
		}
	}
	b, _ := json.Marshal(map[string]any{
		"version": "4", "groupKey": fmt.Sprintf(`{}:{run="%s",first="%d"}`, snd.run, first), "truncatedAlerts": 0,
		"status": "firing", "receiver": "arqir", "groupLabels": map[string]string{"run": snd.run},
		"commonLabels": map[string]string{"run": snd.run, "severity": snd.severity}, "commonAnnotations": map[string]string{},
		"externalURL": "http://127.0.0.1:9093", "alerts": alerts,
	})
	return b
}
