package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var calendarTests = []namedTest{
	{name: "O3_CalendarFeedsShowShiftsAndRevokeTo404", fn: testCalendarFeeds},
}

func testCalendarFeeds(e *env) {
	e.threeOnPrimary()
	from, to := Start.Add(-arqir.CalendarPast), Start.Add(arqir.CalendarFuture)
	_, _, err := e.st.CreateCalendarFeed(e.ctx, arqir.CalendarTarget{Schedule: "primary", User: "ada"}, alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, _, err = e.st.CreateCalendarFeed(e.ctx, arqir.CalendarTarget{Schedule: "tertiary"}, alice)
	wantCode(e.t, err, arqir.ENOTFOUND)
	_, _, err = e.st.CreateCalendarFeed(e.ctx, arqir.CalendarTarget{User: "zed"}, alice)
	wantCode(e.t, err, arqir.ENOTFOUND)

	secret, feed, err := e.st.CreateCalendarFeed(e.ctx, arqir.CalendarTarget{Schedule: "primary"}, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "cal_") || len(secret) < 50 || feed.ID <= 0 || feed.Schedule != "primary" || feed.CreatedBy != "alice" {
		e.t.Fatalf("feed = %+v, secret %q", feed, secret)
	}
	c, err := e.st.CalendarContent(e.ctx, secret, from, to)
	if err != nil {
		e.t.Fatal(err)
	}
	if c.Zone.String() != "America/New_York" || !c.Gaps || c.Titles["primary"] != "Primary On-Call" || c.Names["ada"] != "Ada Lovelace" {
		e.t.Fatalf("content = %+v", c)
	}
	if n := len(c.Shifts); n < 30 || n > 32 {
		e.t.Fatalf("%d shifts in 210 days of a weekly rotation", n)
	}

	mine, _, err := e.st.CreateCalendarFeed(e.ctx, arqir.CalendarTarget{User: "bob"}, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	c, err = e.st.CalendarContent(e.ctx, mine, from, to)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, sh := range c.Shifts {
		if sh.User != "bob" {
			e.t.Fatalf("bob's feed shows %+v", sh)
		}
	}
	if n := len(c.Shifts); n < 9 || n > 11 || c.Gaps || c.Zone.String() != "America/New_York" {
		e.t.Fatalf("bob's feed: %d shifts, gaps %v, zone %s", n, c.Gaps, c.Zone)
	}

	feeds, err := e.st.CalendarFeeds(e.ctx)
	if err != nil || len(feeds) != 2 {
		e.t.Fatalf("feeds = %+v, %v", feeds, err)
	}
	if err := e.st.RevokeCalendarFeed(e.ctx, feed.ID); err != nil {
		e.t.Fatal(err)
	}
	_, err = e.st.CalendarContent(e.ctx, secret, from, to)
	wantCode(e.t, err, arqir.ENOTFOUND)
	revokedMsg := arqir.ErrorMessage(err)
	_, err = e.st.CalendarContent(e.ctx, "cal_"+strings.Repeat("a", 52), from, to)
	wantCode(e.t, err, arqir.ENOTFOUND)
	if arqir.ErrorMessage(err) != revokedMsg {
		e.t.Fatalf("a revoked and an unknown feed answer differently: %q vs %q", revokedMsg, arqir.ErrorMessage(err))
	}
	_, err = e.st.CalendarContent(e.ctx, mine, from, from.Add(400*24*time.Hour))
	wantCode(e.t, err, arqir.EINVALID)
	wantCode(e.t, e.st.RevokeCalendarFeed(e.ctx, 999), arqir.ENOTFOUND)
	if err := e.st.RevokeCalendarFeed(e.ctx, feed.ID); err != nil {
		e.t.Fatalf("revoking twice: %v", err)
	}
}
