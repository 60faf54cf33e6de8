package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// amSender posts alerts to Alertmanager's API v2, one per request, each
// new: its own alertname PageLoad<i>, so its own group and notification.
type amSender struct {
	url, severity string
	run           string // the label that tells this run's alerts apart
	client        *http.Client
}

func newAMSender(base, severity, run string) *amSender {
	return &amSender{
		url: base + "/api/v2/alerts", severity: severity, run: run,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: maxInFlight, MaxIdleConnsPerHost: maxInFlight, DisableCompression: true}},
	}
}

// amSent is one request: when it left and when it was answered.
type amSent struct {
	at   time.Time
	took time.Duration
	err  string // not answered 200
}

// post sends alert i.
func (snd *amSender) post(ctx context.Context, i int) amSent {
	req, err := http.NewRequestWithContext(ctx, "POST", snd.url, bytes.NewReader(snd.body(i)))
	if err != nil {
		return amSent{at: time.Now(), err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	s := amSent{at: time.Now()}
	resp, err := snd.client.Do(req)
	if err != nil {
		s.err = "transport: " + err.Error()
		return s
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	s.took = time.Since(s.at)
	if resp.StatusCode != http.StatusOK {
		s.err = fmt.Sprintf("%d: %.200s", resp.StatusCode, answer)
	}
	return s
}

// body is alert i, firing, with the labels of arqir's run (alertname,
// instance, severity, run).
func (snd *amSender) body(i int) []byte {
	name := fmt.Sprintf("PageLoad%d", i)
	b, _ := json.Marshal([]map[string]any{{
		"labels":       map[string]string{"alertname": name, "instance": "web-1:9100", "severity": snd.severity, "run": snd.run},
		"annotations":  map[string]string{"summary": name + " is firing (pageload " + snd.run + ")"},
		"startsAt":     time.Now().UTC().Format(time.RFC3339Nano),
		"generatorURL": "http://127.0.0.1:9090/graph",
	}})
	return b
}

// amOpenLoop sends alert i at start + i/rate for d, whatever the answers,
// as openLoop does for arqir; out[i] is alert i, zero if the run stopped
// before it.
func amOpenLoop(ctx context.Context, snd *amSender, rate int, d time.Duration) (out []amSent, late int, maxLag time.Duration) {
	out = make([]amSent, int(int64(rate)*int64(d)/int64(time.Second)))
	_, late, maxLag = paced(ctx, rate, d, func(i int) { out[i] = snd.post(ctx, i) })
	return out, late, maxLag
}

// amBurst sends n alerts from `senders` goroutines, each sending its next
// as soon as the previous is answered, as burst does for arqir.
func amBurst(ctx context.Context, snd *amSender, n, senders int) []amSent {
	out := make([]amSent, n)
	closedLoop(ctx, n, senders, func(i int) { out[i] = snd.post(ctx, i) })
	return out
}
