package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var actionItemTests = []namedTest{
	{name: "P3_P4_FileAnActionItem", fn: testFileActionItem},
	{name: "P4_ActionItemRefusalsChangeNothing", fn: testActionItemRefusals},
	{name: "P4_PastDueDateIsAcceptedWithAWarning", fn: testActionItemPastDue},
	{name: "P4_UpdateAndCloseAnActionItem", fn: testUpdateActionItem},
	{name: "T6_ExportedItemsFollowTheirTrackerIssue", fn: testActionItemExport},
	{name: "ActionItemsListEarliestDueFirst", fn: testActionItemList},
	{name: "P4_ClosingWorksAfterThePolicyDroppedTheCategory", fn: testCloseAfterPolicyChange},
}

// item is a valid action item on an incident: prevention, owned by ada,
// due on the day given.
func item(id arqir.IncidentID, title string, due time.Time) arqir.ActionItemInput {
	return arqir.ActionItemInput{IncidentID: id, Category: "prevention", Title: title, Owner: "ada", DueOn: due}
}

// file files an action item, failing the test on error, and checks that
// what it returned is what the store reads back.
func (e *env) file(in arqir.ActionItemInput) *arqir.ActionItem {
	e.t.Helper()
	it, err := e.st.CreateActionItem(e.ctx, in, alice)
	if err != nil {
		e.t.Fatalf("file %q: %v", in.Title, err)
	}
	equal(e.t, "the action item read back", e.actionItem(it.ID), it)
	return it
}

// actionItem reads an action item, failing the test on error.
func (e *env) actionItem(id int64) *arqir.ActionItem {
	e.t.Helper()
	it, err := e.st.ActionItem(e.ctx, id)
	if err != nil {
		e.t.Fatalf("read action item %d: %v", id, err)
	}
	return it
}

// mustItem fails the test when an action item change failed, and checks
// that what it returned is what the store reads back.
func (e *env) mustItem(it *arqir.ActionItem, err error) *arqir.ActionItem {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("unexpected error: %v", err)
	}
	equal(e.t, "the action item read back", e.actionItem(it.ID), it)
	return it
}

// trackerSyncs returns the tracker notifications of an incident, oldest first.
func (e *env) trackerSyncs(id arqir.IncidentID) []*arqir.Notification {
	e.t.Helper()
	var out []*arqir.Notification
	for _, n := range e.notifications(id) {
		if n.Purpose == arqir.PurposeTrackerSync {
			out = append(out, n)
		}
	}
	return out
}

func testFileActionItem(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	e.resolve(inc.ID)
	now := micro(e.clock.Advance(time.Minute))
	version := e.get(inc.ID).Version
	// 23:30 in New York on the 20th is the 21st in UTC: the day the
	// person wrote is the due date.
	due := time.Date(2025, 3, 20, 23, 30, 0, 0, newYork)
	it := e.file(arqir.ActionItemInput{IncidentID: inc.ID, Category: "Prevention", Title: "  Add a canary stage  ",
		Description: "so a bad deploy stops at 1%", Owner: " ada ", DueOn: due})
	if it.ID <= 0 {
		e.t.Fatalf("ID %d", it.ID)
	}
	equal(e.t, "the action item", it, &arqir.ActionItem{
		ID: it.ID, IncidentID: inc.ID, Category: "prevention", Title: "Add a canary stage", Description: "so a bad deploy stops at 1%",
		Owner: "ada", DueOn: day(20, 0, 0), Status: arqir.ActionItemOpen, CreatedBy: "alice", CreatedAt: now, UpdatedAt: now, Version: 1,
	})
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventActionItemFiled || !strings.Contains(last.Message, "Add a canary stage") || !strings.Contains(last.Message, "2025-03-20") ||
		last.Data["owner"] != "ada" || last.Actor != "alice" {
		e.t.Fatalf("last event %+v, want the item filed", last)
	}
	if v := e.get(inc.ID).Version; v != version+1 {
		e.t.Fatalf("incident version %d, want %d", v, version+1)
	}
	// I6: an item that updates a runbook names it, in the policy's spelling.
	rb := e.file(arqir.ActionItemInput{IncidentID: inc.ID, Category: "documentation", Title: "Document the memory dump", Owner: "bob",
		DueOn: day(21, 0, 0), Runbook: "Memory_Leak"})
	if rb.Runbook != "memory_leak" || rb.Category != "documentation" {
		e.t.Fatalf("runbook item %+v", rb)
	}
	// Items may be filed while the incident is still open.
	open := e.declare("SEV3", "Slow search")
	e.file(item(open.ID, "Cache the search index", day(25, 0, 0)))
}

func testActionItemRefusals(e *env) {
	e.postIncident()
	e.user("dave", "Dave")
	e.deleteUser("dave", false)
	inc := e.declare("SEV2", "Checkout errors")
	e.resolve(inc.ID)
	snap := e.snap(inc.ID)
	valid := item(inc.ID, "Add a canary stage", day(20, 0, 0))
	with := func(f func(in *arqir.ActionItemInput)) arqir.ActionItemInput {
		in := valid
		f(&in)
		return in
	}
	for _, tc := range []struct {
		name  string
		in    arqir.ActionItemInput
		code  string
		field string
		says  string
	}{
		{"no title", with(func(in *arqir.ActionItemInput) { in.Title = "  " }), arqir.EUNPROCESSABLE, "title", "required"},
		{"long title", with(func(in *arqir.ActionItemInput) { in.Title = strings.Repeat("é", arqir.MaxTitleLen+1) }), arqir.EUNPROCESSABLE, "title", "201 characters"},
		{"no owner", with(func(in *arqir.ActionItemInput) { in.Owner = "" }), arqir.EUNPROCESSABLE, "owner", "P4"},
		{"unknown owner", with(func(in *arqir.ActionItemInput) { in.Owner = "zed" }), arqir.EUNPROCESSABLE, "owner", "zed"},
		{"deleted owner", with(func(in *arqir.ActionItemInput) { in.Owner = "dave" }), arqir.EUNPROCESSABLE, "owner", "deleted"},
		{"no due date", with(func(in *arqir.ActionItemInput) { in.DueOn = time.Time{} }), arqir.EUNPROCESSABLE, "due_on", "P4"},
		{"unknown category", with(func(in *arqir.ActionItemInput) { in.Category = "hygiene" }), arqir.EUNPROCESSABLE, "category", "prevention, detection, response, documentation"},
		{"no category", with(func(in *arqir.ActionItemInput) { in.Category = "" }), arqir.EUNPROCESSABLE, "category", "required"},
		{"unknown runbook", with(func(in *arqir.ActionItemInput) { in.Runbook = "reboot" }), arqir.EUNPROCESSABLE, "runbook", "memory_leak"},
		{"long description", with(func(in *arqir.ActionItemInput) { in.Description = strings.Repeat("x", arqir.MaxTextLen+1) }), arqir.EUNPROCESSABLE, "description", "10000"},
		{"unknown incident", with(func(in *arqir.ActionItemInput) { in.IncidentID = inc.ID + 100 }), arqir.ENOTFOUND, "", "does not exist"},
	} {
		_, err := e.st.CreateActionItem(e.ctx, tc.in, alice)
		if tc.field != "" {
			wantCode(e.t, err, tc.code, tc.field)
		} else {
			wantCode(e.t, err, tc.code)
		}
		if !strings.Contains(arqir.ErrorMessage(err), tc.says) {
			e.t.Fatalf("%s: message %q should say %q", tc.name, arqir.ErrorMessage(err), tc.says)
		}
	}
	e.unchanged(snap)
	if list, err := e.st.ActionItems(e.ctx, arqir.ActionItemFilter{}); err != nil || len(list) != 0 {
		e.t.Fatalf("refused items left %d items (%v)", len(list), err)
	}
}

func testActionItemPastDue(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors") // the clock stands on 2025-03-10
	past := e.file(item(inc.ID, "Rotate the leaked key", day(9, 0, 0)))
	if past.Warning != "due date 2025-03-09 is already past" || !past.Overdue {
		e.t.Fatalf("past due item %+v, want accepted with a warning and overdue", past)
	}
	today := e.file(item(inc.ID, "Page the DBA", day(10, 0, 0)))
	if today.Warning != "" || today.Overdue {
		e.t.Fatalf("item due today %+v: not past, not overdue", today)
	}
	later := e.mustItem(e.st.UpdateActionItem(e.ctx, past.ID, arqir.ActionItemPatch{DueOn: ptr(day(30, 0, 0))}, as))
	if later.Warning != "" || later.Overdue {
		e.t.Fatalf("moved to a later day: %+v, want the warning gone", later)
	}
	back := e.mustItem(e.st.UpdateActionItem(e.ctx, past.ID, arqir.ActionItemPatch{DueOn: ptr(day(1, 0, 0))}, as))
	if back.Warning != "due date 2025-03-01 is already past" {
		e.t.Fatalf("moved into the past: %+v", back)
	}
	// A title change keeps the warning of the due date it has.
	kept := e.mustItem(e.st.UpdateActionItem(e.ctx, past.ID, arqir.ActionItemPatch{Title: ptr("Rotate the leaked keys")}, as))
	if kept.Warning != back.Warning {
		e.t.Fatalf("warning %q after a title change, want %q", kept.Warning, back.Warning)
	}
}

func testUpdateActionItem(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	it := e.file(item(inc.ID, "Add a canary stage", day(20, 0, 0)))
	refused := func(p arqir.ActionItemPatch, c arqir.Change, code string, field ...string) {
		e.t.Helper()
		snap := e.snap(inc.ID)
		_, err := e.st.UpdateActionItem(e.ctx, it.ID, p, c)
		wantCode(e.t, err, code, field...)
		equal(e.t, "the item after a refused change", e.actionItem(it.ID), it)
		e.unchanged(snap)
	}
	refused(arqir.ActionItemPatch{}, as, arqir.EUNPROCESSABLE)
	refused(arqir.ActionItemPatch{Title: ptr("x")}, arqir.Change{Actor: alice, ExpectedVersion: 3}, arqir.ECONFLICT)
	refused(arqir.ActionItemPatch{Status: ptr(arqir.ActionItemStatus("wontfix"))}, as, arqir.EUNPROCESSABLE, "status")
	refused(arqir.ActionItemPatch{Owner: ptr("")}, as, arqir.EUNPROCESSABLE, "owner")
	refused(arqir.ActionItemPatch{Owner: ptr("zed")}, as, arqir.EUNPROCESSABLE, "owner")
	refused(arqir.ActionItemPatch{Category: ptr("hygiene")}, as, arqir.EUNPROCESSABLE, "category")
	refused(arqir.ActionItemPatch{DueOn: ptr(time.Time{})}, as, arqir.EUNPROCESSABLE, "due_on")
	_, err := e.st.UpdateActionItem(e.ctx, it.ID+100, arqir.ActionItemPatch{Title: ptr("x")}, as)
	wantCode(e.t, err, arqir.ENOTFOUND)

	if same := e.mustItem(e.st.UpdateActionItem(e.ctx, it.ID, arqir.ActionItemPatch{Title: ptr(" Add a canary stage ")}, as)); same.Version != 1 {
		e.t.Fatalf("a change to the same values made version %d", same.Version)
	}
	snap := e.snap(inc.ID)
	edited := micro(e.clock.Advance(time.Minute))
	got := e.mustItem(e.st.UpdateActionItem(e.ctx, it.ID, arqir.ActionItemPatch{Title: ptr("Add canary stages"), Owner: ptr("carol"), Category: ptr("detection")},
		arqir.Change{Actor: bob, ExpectedVersion: 1}))
	if got.Title != "Add canary stages" || got.Owner != "carol" || got.Category != "detection" || got.Version != 2 || !got.UpdatedAt.Equal(edited) {
		e.t.Fatalf("edited item %+v", got)
	}
	e.unchanged(snap) // an edit is the item's own business

	closed := micro(e.clock.Advance(time.Minute))
	got = e.mustItem(e.st.UpdateActionItem(e.ctx, it.ID, arqir.ActionItemPatch{Status: ptr(arqir.ActionItemDone)}, as))
	if got.Status != arqir.ActionItemDone || got.ClosedAt == nil || !got.ClosedAt.Equal(closed) || got.Overdue {
		e.t.Fatalf("closed item %+v", got)
	}
	events := e.timeline(inc.ID)
	if last := events[len(events)-1]; last.Kind != arqir.EventActionItemClosed || !strings.Contains(last.Message, "done") || last.Data["to"] != "done" {
		e.t.Fatalf("last event %+v, want the item closed", last)
	}
	got = e.mustItem(e.st.UpdateActionItem(e.ctx, it.ID, arqir.ActionItemPatch{Status: ptr(arqir.ActionItemCancelled)}, as))
	if got.ClosedAt == nil || !got.ClosedAt.Equal(closed) {
		e.t.Fatalf("done → cancelled moved the closing time: %+v", got)
	}
	got = e.mustItem(e.st.UpdateActionItem(e.ctx, it.ID, arqir.ActionItemPatch{Status: ptr(arqir.ActionItemOpen)}, as))
	if got.ClosedAt != nil || got.Status != arqir.ActionItemOpen {
		e.t.Fatalf("reopened item %+v", got)
	}
	events = e.timeline(inc.ID)
	if last := events[len(events)-1]; last.Kind != arqir.EventActionItemFiled || !strings.Contains(last.Message, "reopened") {
		e.t.Fatalf("last event %+v, want the item reopened", last)
	}
}

func testActionItemExport(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	e.resolve(inc.ID)
	in := item(inc.ID, "Add a canary stage", day(20, 0, 0))
	in.Export = true
	it := e.file(in)
	ns := e.trackerSyncs(inc.ID)
	if len(ns) != 1 {
		e.t.Fatalf("%d tracker syncs, want the filing", len(ns))
	}
	n := ns[0]
	if n.Channel != arqir.ChannelGitHub || n.Key != inc.ID.String()+"/action_item/1/tracker/v1" || n.State != arqir.NotificationQueued ||
		n.Message.ActionItem == nil || n.Message.ActionItem.ID != it.ID || n.Message.ActionItem.Title != it.Title || n.Message.ActionItem.Status != arqir.ActionItemOpen {
		e.t.Fatalf("tracker sync %+v with item %+v", n, n.Message.ActionItem)
	}
	if queued := e.eventsOf(inc.ID, arqir.EventNotificationQueued); len(queued) == 0 || queued[len(queued)-1].Data["purpose"] != arqir.PurposeTrackerSync {
		e.t.Fatalf("queued events %+v, want the tracker sync", queued)
	}

	for _, bad := range []string{"", "ftp://example.com/1", "issues/7", "https://"} {
		wantCode(e.t, e.st.SetActionItemTrackerURL(e.ctx, it.ID, bad), arqir.EUNPROCESSABLE, "url")
	}
	wantCode(e.t, e.st.SetActionItemTrackerURL(e.ctx, it.ID+100, "https://github.com/acme/shop/issues/7"), arqir.ENOTFOUND)
	if err := e.st.SetActionItemTrackerURL(e.ctx, it.ID, " https://github.com/acme/shop/issues/7 "); err != nil {
		e.t.Fatal(err)
	}
	linked := e.actionItem(it.ID)
	if linked.TrackerURL != "https://github.com/acme/shop/issues/7" || linked.Version != 1 {
		e.t.Fatalf("linked item %+v, want the URL and the same version", linked)
	}

	e.mustItem(e.st.UpdateActionItem(e.ctx, it.ID, arqir.ActionItemPatch{Status: ptr(arqir.ActionItemDone)}, arqir.Change{Actor: alice, ExpectedVersion: 1}))
	ns = e.trackerSyncs(inc.ID)
	if len(ns) != 2 {
		e.t.Fatalf("%d tracker syncs after closing, want 2", len(ns))
	}
	if m := ns[1].Message.ActionItem; m == nil || m.Status != arqir.ActionItemDone || m.TrackerURL != linked.TrackerURL {
		e.t.Fatalf("the closing sync carries %+v, want the closed item and its issue", m)
	}

	// An item never exported closes without a sync.
	plain := e.file(item(inc.ID, "Page the DBA", day(20, 0, 0)))
	e.mustItem(e.st.UpdateActionItem(e.ctx, plain.ID, arqir.ActionItemPatch{Status: ptr(arqir.ActionItemCancelled)}, as))
	if n := len(e.trackerSyncs(inc.ID)); n != 2 {
		e.t.Fatalf("%d tracker syncs, want none for an item never exported", n)
	}
}

func testActionItemList(e *env) {
	e.postIncident()
	one := e.declare("SEV2", "Checkout errors")
	two := e.declare("SEV3", "Slow search")
	a := e.file(item(one.ID, "A", day(20, 0, 0)))
	b := e.file(arqir.ActionItemInput{IncidentID: one.ID, Category: "detection", Title: "B", Owner: "bob", DueOn: day(12, 0, 0)})
	c := e.file(item(one.ID, "C", day(9, 0, 0)))
	d := e.file(arqir.ActionItemInput{IncidentID: two.ID, Category: "response", Title: "D", Owner: "bob", DueOn: day(15, 0, 0)})
	e.mustItem(e.st.UpdateActionItem(e.ctx, d.ID, arqir.ActionItemPatch{Status: ptr(arqir.ActionItemDone)}, as))
	ids := func(f arqir.ActionItemFilter) []int64 {
		e.t.Helper()
		list, err := e.st.ActionItems(e.ctx, f)
		if err != nil {
			e.t.Fatalf("list %+v: %v", f, err)
		}
		out := []int64{}
		for _, it := range list {
			out = append(out, it.ID)
			if want := e.actionItem(it.ID); want.Overdue != it.Overdue {
				e.t.Fatalf("item %d listed overdue=%v, read overdue=%v", it.ID, it.Overdue, want.Overdue)
			}
		}
		return out
	}
	equal(e.t, "all, earliest due first", ids(arqir.ActionItemFilter{}), []int64{c.ID, b.ID, d.ID, a.ID})
	equal(e.t, "of one incident", ids(arqir.ActionItemFilter{IncidentID: two.ID}), []int64{d.ID})
	equal(e.t, "ada's", ids(arqir.ActionItemFilter{Owner: "ada"}), []int64{c.ID, a.ID})
	equal(e.t, "detection", ids(arqir.ActionItemFilter{Category: "detection"}), []int64{b.ID})
	equal(e.t, "done", ids(arqir.ActionItemFilter{Statuses: []arqir.ActionItemStatus{arqir.ActionItemDone}}), []int64{d.ID})
	equal(e.t, "open", ids(arqir.ActionItemFilter{Statuses: []arqir.ActionItemStatus{arqir.ActionItemOpen}}), []int64{c.ID, b.ID, a.ID})
	equal(e.t, "overdue on the 10th", ids(arqir.ActionItemFilter{Overdue: ptr(true)}), []int64{c.ID})
	equal(e.t, "not overdue on the 10th", ids(arqir.ActionItemFilter{Overdue: ptr(false)}), []int64{b.ID, d.ID, a.ID})
	equal(e.t, "limited", ids(arqir.ActionItemFilter{Limit: 2}), []int64{c.ID, b.ID})
	e.clock.Set(day(13, 0, 0))
	equal(e.t, "overdue on the 13th", ids(arqir.ActionItemFilter{Overdue: ptr(true)}), []int64{c.ID, b.ID})
	for _, f := range []arqir.ActionItemFilter{{Limit: 501}, {Limit: -1}, {Statuses: []arqir.ActionItemStatus{"later"}}} {
		_, err := e.st.ActionItems(e.ctx, f)
		wantCode(e.t, err, arqir.EINVALID)
	}
	_, err := e.st.ActionItem(e.ctx, a.ID+100)
	wantCode(e.t, err, arqir.ENOTFOUND)
}

// A policy that no longer has an item's category must not trap the item
// open: closing it is always possible.
func testCloseAfterPolicyChange(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	in := item(inc.ID, "Write the failover runbook", day(20, 0, 0))
	in.Category = "documentation"
	it := e.file(in)
	r := PostIncidentRules(2)
	r.PostIncident.Categories = r.PostIncident.Categories[:1]
	e.st.SetRules(r)
	done := arqir.ActionItemDone
	got := e.mustItem(e.st.UpdateActionItem(e.ctx, it.ID, arqir.ActionItemPatch{Status: &done}, as))
	if got.Status != arqir.ActionItemDone {
		e.t.Fatalf("status %s, want done", got.Status)
	}
	title := "Write it"
	if _, err := e.st.UpdateActionItem(e.ctx, it.ID, arqir.ActionItemPatch{Title: &title}, as); arqir.ErrorCode(err) != arqir.EUNPROCESSABLE {
		e.t.Fatalf("editing an item of a dropped category: %v, want the category refused", err)
	}
}
