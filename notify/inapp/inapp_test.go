package inapp_test

import (
	"context"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
	"github.com/arqir/arqir/notify/inapp"
)

func TestKeepsEveryNotification(t *testing.T) {
	n := inapp.New()
	if n.Channel() != arqir.ChannelInApp {
		t.Fatalf("Channel() = %q", n.Channel())
	}
	job := &notify.Job{Notification: &arqir.Notification{Channel: arqir.ChannelSlack, Purpose: arqir.PurposePage}}
	rc, err := n.Notify(context.Background(), job)
	if err != nil || rc.Ref != "in-app" || rc.Refs != nil {
		t.Errorf("Notify = %+v, %v; want ref in-app and no refs", rc, err)
	}
}

func TestFallbackOfTheRegistry(t *testing.T) {
	r := notify.NewRegistry(inapp.New())
	got, configured := r.For(arqir.ChannelZoom)
	if configured || got.Channel() != arqir.ChannelInApp {
		t.Errorf("For(zoom) = %v, %v; want the in-app fallback", got, configured)
	}
}

func TestReason(t *testing.T) {
	if got, want := inapp.Reason("slack"), "no slack provider configured: kept in the in-app log"; got != want {
		t.Errorf("Reason = %q, want %q", got, want)
	}
}
