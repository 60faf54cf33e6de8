// Command pageload measures how fast arqir pages: from an Alertmanager
// alert to the first page at an SMS gateway, and how late escalation pages
// are when a page goes unacknowledged (issue 5).
//
//	go run ./bench/pageload rate                  # 200 new alerts/s for 20 s, open loop
//	go run ./bench/pageload burst                 # 10 000 new alerts as fast as arqir takes them
//	go run ./bench/pageload escalation            # 10 000 open incidents, nobody acknowledges
//	go run ./bench/pageload rate --db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	go run ./bench/pageload rate --cpuprofile /tmp/page.prof && go tool pprof -top /tmp/page.prof
//
// arqir runs in this process (app.New, Start) on 127.0.0.1:0 with its
// default durable settings, on a temporary SQLite file or in a fresh
// PostgreSQL schema (--db) dropped afterwards. Its SMS gateway is a
// receiver in this process, on another loopback port, that checks each
// page's signature and records when each idempotency key first arrived.
// The on-call primary (ada) is reached by SMS only, so a new incident pages
// her: the page to schedule:primary is resolved to her, then sent.
//
// Every run is bounded in alerts and in time and stops by itself; all
// traffic stays on 127.0.0.1.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parse(args, stderr)
	if err != nil {
		if err == errHelp {
			return 0
		}
		fmt.Fprintln(stderr, "pageload:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, maxRun)
	defer cancel()
	if cfg.peer != "" {
		return runPeer(ctx, cfg, stdout, stderr)
	}
	srv, err := start(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "pageload:", err)
		return 1
	}
	defer srv.close()
	if cfg.cpuprof != "" {
		f, err := os.Create(cfg.cpuprof)
		if err != nil {
			fmt.Fprintln(stderr, "pageload:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "pageload:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.mode == "escalation" {
		res, err := escalation(ctx, cfg, srv, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "pageload:", err)
			return 1
		}
		reportEscalation(stdout, cfg, srv, res)
		return res.exitCode()
	}
	res, err := firstPages(ctx, cfg, srv, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "pageload:", err)
		return 1
	}
	reportFirstPages(stdout, cfg, srv, res)
	return res.exitCode()
}
