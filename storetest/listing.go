package storetest

import (
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

var listingTests = []namedTest{
	{name: "ListingFilters", fn: testListingFilters},
	{name: "ListingPaginatesWithoutGapsOrDuplicates", fn: testPagination},
	{name: "ListingRejectsBadLimitAndCursor", fn: testListingRejects},
}

// list returns the IDs of one page, checking that each listed incident is
// complete (services, deadlines) and the same as read alone.
func (e *env) list(f arqir.IncidentFilter) ([]arqir.IncidentID, string) {
	e.t.Helper()
	page, err := e.st.Incidents(e.ctx, f)
	if err != nil {
		e.t.Fatalf("list %+v: %v", f, err)
	}
	ids := []arqir.IncidentID{}
	for _, inc := range page.Incidents {
		equal(e.t, fmt.Sprintf("listed %s", inc.ID), inc, e.get(inc.ID))
		ids = append(ids, inc.ID)
	}
	return ids, page.Next
}

func testListingFilters(e *env) {
	// Declared a minute apart, so i1 is the oldest.
	declare := func(sev, title string, services ...string) *arqir.Incident {
		e.clock.Advance(time.Minute)
		return e.declare(sev, title, services...)
	}
	i1 := declare("SEV1", "Checkout errors", "checkout", "payments")
	i2 := declare("SEV3", "Search slow", "search")
	i3 := declare("SEV2", "100% packet loss", "network")
	i4 := declare("SEV2", "1000 timeouts", "network", "checkout")
	i5 := declare("SEV4", "Login failures", "auth")
	i6 := declare("SEV2", "CHECKOUT latency", "checkout")
	e.must(e.st.ChangeStatus(e.ctx, i2.ID, arqir.StatusIdentified, "", as))
	e.must(e.st.ChangeStatus(e.ctx, i4.ID, arqir.StatusMonitoring, "", as))
	e.must(e.st.Resolve(e.ctx, i5.ID, arqir.Resolution{RootCause: "expired cert", CustomerImpact: "logins failed"}, as))

	ids := func(incs ...*arqir.Incident) []arqir.IncidentID {
		out := []arqir.IncidentID{}
		for _, inc := range incs {
			out = append(out, inc.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    arqir.IncidentFilter
		want []arqir.IncidentID
	}{
		{"all, newest first", arqir.IncidentFilter{}, ids(i6, i5, i4, i3, i2, i1)},
		{"statuses", arqir.IncidentFilter{Statuses: []arqir.Status{arqir.StatusIdentified, arqir.StatusMonitoring}}, ids(i4, i2)},
		{"severity", arqir.IncidentFilter{Severities: []string{"SEV2"}}, ids(i6, i4, i3)},
		{"severities", arqir.IncidentFilter{Severities: []string{"SEV1", "SEV4"}}, ids(i5, i1)},
		{"status and severity", arqir.IncidentFilter{Statuses: []arqir.Status{arqir.StatusInvestigating}, Severities: []string{"SEV2"}}, ids(i6, i3)},
		{"service", arqir.IncidentFilter{Service: "checkout"}, ids(i6, i4, i1)},
		{"unknown service", arqir.IncidentFilter{Service: "nope"}, ids()},
		{"open", arqir.IncidentFilter{Open: ptr(true)}, ids(i6, i4, i3, i2, i1)},
		{"resolved", arqir.IncidentFilter{Open: ptr(false)}, ids(i5)},
		{"declared in [from, to)", arqir.IncidentFilter{From: &i3.DeclaredAt, To: &i5.DeclaredAt}, ids(i4, i3)},
		{"query, any case", arqir.IncidentFilter{Query: "checkout"}, ids(i6, i1)},
		{"query, word prefix", arqir.IncidentFilter{Query: "LAT"}, ids(i6)},
		{"query, not a word's start", arqir.IncidentFilter{Query: "out"}, ids()},
		{"query, terms ANDed", arqir.IncidentFilter{Query: "check err"}, ids(i1)},
		{"query, terms in any order", arqir.IncidentFilter{Query: "  Err   CHECK "}, ids(i1)},
		{"query, a term matching nothing", arqir.IncidentFilter{Query: "check search"}, ids()},
		{"query, digits", arqir.IncidentFilter{Query: "100"}, ids(i4, i3)},
		{"query % separates terms", arqir.IncidentFilter{Query: "100%"}, ids(i4, i3)},
		{"query % is no wildcard", arqir.IncidentFilter{Query: "%oss"}, ids()},
		{"query _ is no wildcard", arqir.IncidentFilter{Query: "l_ss"}, ids()},
		{"query, search syntax is no syntax", arqir.IncidentFilter{Query: `"check*" & !err:* NOT`}, ids()},
		{"query, a column filter is a word", arqir.IncidentFilter{Query: `title:check* -(err)|`}, ids()},
		{"query, punctuation only separates", arqir.IncidentFilter{Query: `"check*" & !err:*`}, ids(i1)},
		{"query, SQL injection", arqir.IncidentFilter{Query: `a') OR 1=1 --`}, ids()},
		{"query, SQL injection with quotes", arqir.IncidentFilter{Query: `checkout' OR '1'='1`}, ids()},
		{"unknown severity", arqir.IncidentFilter{Severities: []string{"SEV9"}}, ids()},
		{"everything at once", arqir.IncidentFilter{
			Statuses: []arqir.Status{arqir.StatusInvestigating}, Severities: []string{"SEV2", "SEV1"},
			Service: "checkout", Open: ptr(true), From: &i1.DeclaredAt, Query: "CHECK",
		}, ids(i6, i1)},
	} {
		got, next := e.list(tc.f)
		equal(e.t, tc.name, got, tc.want)
		if next != "" {
			e.t.Fatalf("%s: next = %q on the only page", tc.name, next)
		}
	}

	_, err := e.st.Incidents(e.ctx, arqir.IncidentFilter{Statuses: []arqir.Status{"PANICKING"}})
	wantCode(e.t, err, arqir.EINVALID, "status")
	for _, q := range []string{"%", "_", `%_\'"*`, "-- ;", "') = ('", "&|!:*"} {
		_, err := e.st.Incidents(e.ctx, arqir.IncidentFilter{Query: q})
		wantCode(e.t, err, arqir.EINVALID, "q")
	}

	// Both databases fold Unicode case, not only ASCII.
	i7 := declare("SEV3", "Überweisung fehlgeschlagen", "payments")
	i8 := declare("SEV3", "ÆRØ straße DOWN", "payments")
	for _, tc := range []struct {
		q    string
		want []arqir.IncidentID
	}{
		{"über", ids(i7)},
		{"ÜBERWEISUNG", ids(i7)},
		{"überweisungen", ids()},
		{"ber", ids()},
		{"uber", ids()}, // accents are kept
		{"FEHL über", ids(i7)},
		{"ærø", ids(i8)},
		{"STRASSE", ids()}, // folding, not transliteration
		{"STRAßE", ids(i8)},
		{"down", ids(i8)},
	} {
		got, _ := e.list(arqir.IncidentFilter{Query: tc.q})
		equal(e.t, "query "+tc.q, got, tc.want)
	}
}

func testPagination(e *env) {
	const n = 12
	var all []arqir.IncidentID // newest first
	for i := range n {
		sev := "SEV2"
		if i%2 == 1 {
			sev = "SEV3"
		}
		all = append([]arqir.IncidentID{e.declare(sev, fmt.Sprint("Incident ", i)).ID}, all...)
	}
	for _, tc := range []struct {
		name  string
		f     arqir.IncidentFilter
		pages []int
		want  []arqir.IncidentID
	}{
		{"limit 5", arqir.IncidentFilter{Limit: 5}, []int{5, 5, 2}, all},
		{"limit 6, exact fit", arqir.IncidentFilter{Limit: 6}, []int{6, 6}, all},
		{"limit 1", arqir.IncidentFilter{Limit: 1}, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, all},
		{"default limit", arqir.IncidentFilter{}, []int{12}, all},
		{"limit 500", arqir.IncidentFilter{Limit: 500}, []int{12}, all},
		{"filtered", arqir.IncidentFilter{Limit: 4, Severities: []string{"SEV2"}}, []int{4, 2}, []arqir.IncidentID{all[1], all[3], all[5], all[7], all[9], all[11]}},
	} {
		var got []arqir.IncidentID
		var sizes []int
		f := tc.f
		for {
			ids, next := e.list(f)
			got, sizes = append(got, ids...), append(sizes, len(ids))
			if next == "" {
				break
			}
			if len(sizes) > n+1 {
				e.t.Fatalf("%s: pagination does not end", tc.name)
			}
			f.Cursor = next
		}
		equal(e.t, tc.name+": page sizes", sizes, tc.pages)
		equal(e.t, tc.name+": incidents across pages", got, tc.want)
	}

	// An incident declared while someone pages does not shift the pages.
	first, next := e.list(arqir.IncidentFilter{Limit: 5})
	newer := e.declare("SEV2", "Declared while paging")
	rest, _ := e.list(arqir.IncidentFilter{Limit: 20, Cursor: next})
	equal(e.t, "pages around a new incident", append(first, rest...), all)
	if top, _ := e.list(arqir.IncidentFilter{Limit: 1}); top[0] != newer.ID {
		e.t.Fatalf("newest = %s, want %s", top[0], newer.ID)
	}
}

func testListingRejects(e *env) {
	e.declare("SEV2", "Checkout errors")
	for _, limit := range []int{-1, 501, 100000} {
		_, err := e.st.Incidents(e.ctx, arqir.IncidentFilter{Limit: limit})
		wantCode(e.t, err, arqir.EINVALID, "limit")
	}
	for _, cursor := range []string{"!!!", "abc", "LTE", "MA"} { // not base64, not a number, "-1", "0"
		_, err := e.st.Incidents(e.ctx, arqir.IncidentFilter{Cursor: cursor})
		wantCode(e.t, err, arqir.EINVALID, "cursor")
	}
}
