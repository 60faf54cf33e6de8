package main

import (
	"context"
	"strconv"
	"time"

	"github.com/arqir/arqir/bench/internal/peer"
)

// sinkConfig routes every alert to a receiver without integrations:
// Alertmanager keeps, groups and routes the alerts but sends nothing, so
// the run measures its ingest and no outbound work.
const sinkConfig = `route:
  receiver: sink
receivers:
  - name: sink
`

// spawnPeer runs Alertmanager (--peer alertmanager) as the server under
// load; its CPU time and RSS come from /proc/<pid> as for a spawned arqir.
func spawnPeer(ctx context.Context, c *config) (*server, error) {
	am, err := peer.StartAlertmanager(ctx, c.peerBin, sinkConfig)
	if err != nil {
		return nil, err
	}
	return &server{
		url:  am.URL,
		desc: "Alertmanager " + am.Version + " (in memory, no persistence of alerts before the answer)",
		pid:  am.PID, peer: true, close: am.Stop,
	}, nil
}

// alertmanagerBody is request i for Alertmanager's POST /api/v2/alerts:
// the alerts of body(i), alert for alert. The dedup key becomes the label
// "key", so that --keys makes the same Alertmanager alerts (one per label
// set) recur; alertname and service are the same as arqir's, and the seq
// annotation again makes every body unique.
func (snd *sender) alertmanagerBody(i int) []byte {
	startsAt := time.Now().UTC().Format(time.RFC3339Nano)
	b := make([]byte, 0, 220*snd.c.batch)
	b = append(b, '[')
	for j := 0; j < snd.c.batch; j++ {
		n := i*snd.c.batch + j
		key := n
		if snd.c.keys > 0 {
			key = n % snd.c.keys
		}
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"labels":{"alertname":"Load`...)
		b = strconv.AppendInt(b, int64(key%100), 10)
		b = append(b, `","service":"svc`...)
		b = strconv.AppendInt(b, int64(key%10), 10)
		b = append(b, `","key":"k`...)
		b = strconv.AppendInt(b, int64(key), 10)
		b = append(b, `"},"annotations":{"summary":"ingestload alert `...)
		b = strconv.AppendInt(b, int64(key), 10)
		b = append(b, `","seq":"`...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, `"},"startsAt":"`...)
		b = append(b, startsAt...)
		b = append(b, `"}`...)
	}
	return append(b, ']')
}
