package client_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func TestActionItemRoundTrip(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	person(t, srv, "ada")
	person(t, srv, "bob")
	ctx := t.Context()
	inc := resolved(t, c)

	it, err := c.CreateActionItem(ctx, inc.ID.String(), client.ActionItemRequest{
		Category: "prevention", Title: "Alert on pool exhaustion", Owner: "ada", DueOn: "2025-03-17", Runbook: "memory_leak",
	})
	if err != nil || it.ID == 0 || it.Owner != "ada" || it.Runbook != "memory_leak" || it.Warning != "" {
		t.Fatalf("create: %+v %v", it, err)
	}
	late, err := c.CreateActionItem(ctx, "1", client.ActionItemRequest{Category: "detection", Title: "Page on 5xx", Owner: "bob", DueOn: "2025-03-01"})
	if err != nil || late.Warning == "" {
		t.Fatalf("a past due date: %+v %v", late, err)
	}
	got, err := c.ActionItem(ctx, it.ID)
	if err != nil || got.Title != it.Title {
		t.Fatalf("get: %+v %v", got, err)
	}
	owner, due := "bob", "2025-03-24"
	if got, err = c.UpdateActionItem(ctx, it.ID, client.ActionItemPatch{Owner: &owner, DueOn: &due}, client.IfVersion(got.Version)); err != nil || got.Owner != "bob" {
		t.Fatalf("update: %+v %v", got, err)
	}
	done := "done"
	if got, err = c.UpdateActionItem(ctx, it.ID, client.ActionItemPatch{Status: &done}); err != nil || got.Status != arqir.ActionItemDone {
		t.Fatalf("done: %+v %v", got, err)
	}

	for _, tc := range []struct {
		o    client.ActionItemListOptions
		want int
	}{
		{client.ActionItemListOptions{}, 2},
		{client.ActionItemListOptions{Owner: "bob", Status: []string{"open"}}, 1},
		{client.ActionItemListOptions{Category: "prevention"}, 1},
		{client.ActionItemListOptions{Incident: inc.ID.String(), Limit: 1}, 1},
		{client.ActionItemListOptions{Overdue: &[]bool{true}[0]}, 1},
	} {
		list, err := c.ActionItems(ctx, tc.o)
		if err != nil || len(list) != tc.want {
			t.Errorf("%+v: %d items, want %d (%v)", tc.o, len(list), tc.want, err)
		}
	}

	var e *client.Error
	_, err = c.CreateActionItem(ctx, inc.ID.String(), client.ActionItemRequest{Category: "prevention", Title: "x", DueOn: "2025-03-17"})
	if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity || e.Field != "owner" {
		t.Fatalf("no owner: %v", err)
	}
	_, err = c.UpdateActionItem(ctx, it.ID, client.ActionItemPatch{Owner: &owner}, client.IfVersion(1))
	if !errors.As(err, &e) || e.Status != http.StatusConflict {
		t.Fatalf("stale: %v", err)
	}
	_, err = c.ActionItem(ctx, 999)
	if !errors.As(err, &e) || e.Status != http.StatusNotFound {
		t.Fatalf("missing: %v", err)
	}
}
