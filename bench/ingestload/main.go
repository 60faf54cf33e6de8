// Command ingestload measures arqir's alert ingest over HTTP, from this
// machine only: the generic JSON endpoint (/ingest/generic), one alert per
// request or batches, at full speed from N clients or at a fixed rate.
//
//	go run ./bench/ingestload --spawn --batch 1 --concurrency 32 --alerts 100000
//	go run ./bench/ingestload --spawn --batch 100 --keys 1000 --alerts 1000000
//	go run ./bench/ingestload --spawn --rate 1000 --duration 30s
//	go run ./bench/ingestload --spawn --db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable' --batch 100
//	go run ./bench/ingestload --url http://127.0.0.1:8080 --token arq_… --batch 100
//	go run ./bench/ingestload --peer alertmanager --batch 100 --concurrency 16 --alerts 300000
//
// --spawn builds ./cmd/arqir (or takes --bin) and runs `arqir serve` as a
// child process on a free loopback port: on a temporary SQLite file, or in
// a fresh PostgreSQL schema (options=-c search_path=…) dropped afterwards.
// The server's CPU time and RSS then come from /proc/<pid>; with --url,
// from its /metrics (process_cpu_seconds_total,
// process_resident_memory_bytes).
//
// --peer alertmanager runs Debian's Alertmanager (--peer-bin) instead, as a
// child process on a free loopback port with a temporary storage path,
// clustering off and a receiver without integrations, and sends it the same
// alerts, batch for batch, to its API v2 (POST /api/v2/alerts): the docs
// then compare arqir with its peer measured the same way on the same
// machine. Alertmanager answers once the alerts are in its memory.
//
// Every run is bounded in alerts and in time and stops by itself; --url
// must be a loopback address, so that the tool can never flood a shared or
// production server by mistake. Every request body is unique (a sequence
// annotation), so none is answered as a replay of an earlier one, and each
// is signed with the integration's signing secret (X-Signature-256), as a
// generic integration requires by default.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/arqir/arqir/bench/internal/peer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args)
	if err == nil && cfg.peer != "" {
		err = peer.CheckBinary(cfg.peerBin)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ingestload:", err)
		return 2
	}
	srv, err := openServer(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "ingestload:", err)
		return 1
	}
	defer srv.close()
	res, err := load(ctx, cfg, srv)
	if err != nil {
		fmt.Fprintln(stderr, "ingestload:", err)
		return 1
	}
	report(stdout, cfg, srv, res)
	if res.failed > 0 {
		return 1
	}
	return 0
}
