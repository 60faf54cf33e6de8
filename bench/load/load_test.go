package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/arqir/arqir/storetest"
)

func TestCheckLoopback(t *testing.T) {
	for _, u := range []string{
		"http://127.0.0.1:8080", "http://127.8.9.10", "https://localhost:8443/", "http://LOCALHOST:1",
		"http://[::1]:8080", "http://[::ffff:127.0.0.1]:80",
	} {
		if err := checkLoopback(u); err != nil {
			t.Errorf("checkLoopback(%q) = %v, want accepted", u, err)
		}
	}
	for _, u := range []string{
		"http://10.0.0.1:8080", "http://192.168.1.20", "http://0.0.0.0:8080", "http://[::]:8080",
		"http://128.0.0.1", "https://arqir.example.com", "http://localhost.example.com",
		"http://127.0.0.1.nip.io", "ftp://127.0.0.1", "127.0.0.1:8080", "http://:8080",
	} {
		if err := checkLoopback(u); err == nil {
			t.Errorf("checkLoopback(%q) accepted, want refused", u)
		} else if !strings.Contains(err.Error(), "refusing --url") {
			t.Errorf("checkLoopback(%q) = %q: does not say it refuses --url", u, err)
		}
	}
	err := checkLoopback("http://10.0.0.1:8080")
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") || !strings.Contains(err.Error(), "production") {
		t.Errorf("refusal of 10.0.0.1 = %v: want why (not loopback, could flood production)", err)
	}
}

// TestRunRefusesRemoteURL: the guard runs before any request.
func TestRunRefusesRemoteURL(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"lifecycle", "--url", "http://10.0.0.1:8080", "--token", "arq_x"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "is not a loopback address") {
		t.Fatalf("exit %d, stderr %q: want 2 and the refusal", code, errOut.String())
	}
}

func TestParseBounds(t *testing.T) {
	for _, args := range [][]string{
		{"lifecycle", "--spawn", "--duration", "0s"},
		{"lifecycle", "--spawn", "--duration", "1h"},
		{"lifecycle", "--spawn", "--ops", "2000000"},
		{"lifecycle", "--spawn", "--ops", "-1"},
		{"lifecycle"},
		{"lifecycle", "--spawn", "--url", "http://127.0.0.1:1"},
		{"lifecycle", "--url", "http://127.0.0.1:1", "--seed", "10", "--token", "t"},
		{"list", "--spawn", "--filter", "stauts=OPEN"},
		{"startup"},
		{"bogus", "--spawn"},
	} {
		if _, err := parse(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parse(%q) accepted, want refused", args)
		}
	}
	cfg, err := parse([]string{"--spawn", "list"}, &bytes.Buffer{})
	if err != nil || cfg.mode != "list" || cfg.ops != 1000 || cfg.seed != 100_000 || len(cfg.filters) != len(defaultFilters) {
		t.Errorf("parse(--spawn list) = %+v, %v: want list, 1000 ops, seed 100000, the default filters", cfg, err)
	}
}

func runJSON(t *testing.T, args ...string) *report {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), append(args, "--json"), &out, &errOut); code != 0 {
		t.Fatalf("load %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	var rep report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("load %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return &rep
}

func TestLifecycleSpawn(t *testing.T) {
	rep := runJSON(t, "lifecycle", "--spawn", "--ops", "20", "--clients", "4", "--duration", "20s")
	if len(rep.Phases) != 1 || rep.Phases[0].Ops != 20 || rep.Phases[0].Error != "" {
		t.Fatalf("phases = %+v, want one of 20 ops", rep.Phases)
	}
	if p := rep.Phases[0]; p.Latency.P99 <= 0 || len(p.Steps) != 3 {
		t.Errorf("phase = %+v: want latencies of the op and of its 3 requests", p)
	}
}

// TestListSpawn also proves the tool's copy of the seeding SQL still fits
// the schema.
func TestListSpawn(t *testing.T) {
	rep := runJSON(t, "list", "--spawn", "--seed", "2000", "--ops", "20", "--clients", "2", "--pages", "3",
		"--filter", "status=INVESTIGATING&severity=SEV2", "--filter", "q=incident 42")
	if rep.Seeded != 2000 || len(rep.Phases) != 2 {
		t.Fatalf("report = %+v: want 2000 seeded and 2 phases", rep)
	}
	// 2000/16 = 125 INVESTIGATING SEV2: full pages of 50 and one of 25.
	if p := rep.Phases[0]; p.Ops != 20 || p.RowsPerOp < 25 || p.RowsPerOp > 50 {
		t.Errorf("status+severity phase = %+v: want 20 pages of 25 to 50", p)
	}
	// "Seeded incident 42" and 420–429: one page of 11.
	if p := rep.Phases[1]; p.Ops != 20 || p.RowsPerOp != 11 {
		t.Errorf("title phase = %+v: want 20 pages of 11", p)
	}
}

func TestSpawnPostgres(t *testing.T) {
	base := storetest.PostgresURL(t)
	rep := runJSON(t, "lifecycle", "--spawn", "--db", base, "--ops", "20", "--clients", "4")
	if rep.Phases[0].Ops != 20 {
		t.Fatalf("phases = %+v, want 20 ops", rep.Phases)
	}
	rep = runJSON(t, "list", "--spawn", "--db", base, "--seed", "2000", "--ops", "10", "--filter", "service=svc-7")
	if p := rep.Phases[0]; p.Ops != 10 || p.RowsPerOp != 50 {
		t.Fatalf("phase = %+v, want 10 pages of 50", p)
	}
	schema := rep.Target[strings.LastIndex(rep.Target, " ")+1:]
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pg_namespace WHERE nspname = $1`, schema).Scan(&n); err != nil || n != 0 {
		t.Errorf("schema %s: %d left (%v), want dropped", schema, n, err)
	}
}
