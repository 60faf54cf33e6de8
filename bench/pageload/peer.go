package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/arqir/arqir/bench/internal/peer"
)

// The peer (--peer alertmanager): Debian's Alertmanager as a child process
// on loopback, configured to notify as soon as it can, under the same
// alerts as arqir; its latency is alert sent → webhook received. This is
// how the docs compare with "Alertmanager with group_wait: 0s does p99 ≈
// 3 ms at 200/s" measured here rather than quoted.

// webhookConfig makes every alert its own group (group_by: ['...']),
// notified at once (group_wait: 0s) and not again within a run
// (group_interval, repeat_interval), firing only, to this tool's receiver.
func webhookConfig(url string) string {
	return fmt.Sprintf(`route:
  receiver: pageload
  group_by: ['...']
  group_wait: 0s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: pageload
    webhook_configs:
      - url: %q
        send_resolved: false
`, url)
}

// runPeer measures Alertmanager in the rate or burst mode of c.
func runPeer(ctx context.Context, c *config, stdout, stderr io.Writer) int {
	if err := peer.CheckBinary(c.peerBin); err != nil {
		fmt.Fprintln(stderr, "pageload:", err)
		return 2
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	recv, err := newWebhookReceiver(run)
	if err != nil {
		fmt.Fprintln(stderr, "pageload:", err)
		return 1
	}
	defer recv.close()
	am, err := peer.StartAlertmanager(ctx, c.peerBin, webhookConfig(recv.url))
	if err != nil {
		fmt.Fprintln(stderr, "pageload:", err)
		return 1
	}
	defer am.Stop()
	res := peerNotices(ctx, c, newAMSender(am.URL, c.severity, run), recv, am.PID, stderr)
	reportPeer(stdout, c, am.Version, recv, res)
	return res.exitCode()
}
