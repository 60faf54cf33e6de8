package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apognu/gocal"

	"github.com/arqir/arqir/client"
)

// fetchFeed GETs a calendar URL as a calendar app does (no token) and
// parses it with gocal, a parser independent of the one that wrote it.
func fetchFeed(t *testing.T, url string) (int, []gocal.Event) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Fatalf("Content-Type %q", ct)
	}
	p := gocal.NewParser(bytes.NewReader(body))
	p.SkipBounds = true
	if err := p.Parse(); err != nil {
		t.Fatalf("gocal: %v", err)
	}
	return resp.StatusCode, p.Events
}

// eventAt returns the summary of the feed's event covering t.
func eventAt(events []gocal.Event, t time.Time) string {
	for _, e := range events {
		if !t.Before(*e.Start) && t.Before(*e.End) {
			return e.Summary
		}
	}
	return ""
}

// TestO3_OverrideChangesTheAnswerAndTheFeed is the "done when": an
// override changes who is on call and the subscribed calendar; removing it
// changes both back; a revoked calendar URL answers 404.
func TestO3_OverrideChangesTheAnswerAndTheFeed(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	people(t, h.Admin, "ada", "bob", "carol")
	if _, err := h.Admin.SetParticipants(ctx, "primary", client.ParticipantsRequest{Users: []string{"ada", "bob"}}); err != nil {
		t.Fatal(err)
	}
	feed, url, err := h.Admin.CreateCalendar(ctx, "primary", "")
	if err != nil {
		t.Fatal(err)
	}
	mine, myURL, err := h.Admin.CreateCalendar(ctx, "", "carol")
	if err != nil {
		t.Fatal(err)
	}
	from, to := start.Add(time.Hour), start.Add(4*time.Hour)
	during := start.Add(2 * time.Hour)
	who := func() string {
		now, err := h.Admin.OnCall(ctx, "primary", during)
		if err != nil {
			t.Fatal(err)
		}
		return now.Schedules[0].Shift.User
	}
	_, events := fetchFeed(t, url)
	if who() != "ada" || eventAt(events, during) != "On call: Person ada (Primary On-Call)" {
		t.Fatalf("before the override: %s, feed %q", who(), eventAt(events, during))
	}
	if _, carols := fetchFeed(t, myURL); len(carols) != 0 {
		t.Fatalf("carol's feed before she covers: %d events", len(carols))
	}

	o, err := h.Admin.AddOverride(ctx, "primary", client.OverrideRequest{User: "carol", Replaces: "ada", Start: from, End: to})
	if err != nil {
		t.Fatal(err)
	}
	_, events = fetchFeed(t, url)
	if who() != "carol" || eventAt(events, during) != "On call: Person carol (Primary On-Call) [override]" {
		t.Fatalf("with the override: %s, feed %q", who(), eventAt(events, during))
	}
	if eventAt(events, from.Add(-time.Minute)) != "On call: Person ada (Primary On-Call)" || eventAt(events, to) != "On call: Person ada (Primary On-Call)" {
		t.Fatal("the override did not leave ada's turn around it")
	}
	_, carols := fetchFeed(t, myURL)
	if len(carols) != 1 || !carols[0].Start.Equal(from) || !carols[0].End.Equal(to) {
		t.Fatalf("carol's feed = %+v", carols)
	}

	if err := h.Admin.RemoveOverride(ctx, "primary", o.ID); err != nil {
		t.Fatal(err)
	}
	_, events = fetchFeed(t, url)
	if who() != "ada" || eventAt(events, during) != "On call: Person ada (Primary On-Call)" {
		t.Fatalf("after removing the override: %s, feed %q", who(), eventAt(events, during))
	}

	// Revoked: 404, not 500 and not 401.
	if err := h.Admin.RevokeCalendar(ctx, feed.ID); err != nil {
		t.Fatal(err)
	}
	if code, _ := fetchFeed(t, url); code != http.StatusNotFound {
		t.Fatalf("a revoked feed answers %d", code)
	}
	if code, _ := fetchFeed(t, myURL); code != http.StatusOK || mine.User != "carol" {
		t.Fatalf("revoking one feed stopped another: %d", code)
	}
}
