// Package inapp is the fallback for channels nobody configured (DESIGN.md:
// external integrations that are not configured deliver into an in-app
// notification log, visible on the incident page). It sends nothing: the
// notification row the store keeps is the log entry, so a newcomer sees
// every page that would have gone out.
//
// The dispatcher marks such notifications delivered with the reason
// Reason(channel), e.g. "no slack provider configured: kept in the in-app
// log", so the timeline says why nothing left the building.
package inapp

import (
	"context"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// Ref is the provider ref of every notification kept in the in-app log.
const Ref = "in-app"

// Notifier keeps notifications in the in-app log.
type Notifier struct{}

var _ notify.Notifier = Notifier{}

// New returns the in-app notifier, for notify.NewRegistry's fallback.
func New() Notifier { return Notifier{} }

// Channel is arqir.ChannelInApp.
func (Notifier) Channel() string { return arqir.ChannelInApp }

// Notify always succeeds: storing the notification was the delivery.
func (Notifier) Notify(context.Context, *notify.Job) (notify.Receipt, error) {
	return notify.Receipt{Ref: Ref}, nil
}

// Reason is the delivery reason recorded for a notification of channel that
// went to the in-app log because no provider is configured for it.
func Reason(channel string) string {
	return "no " + channel + " provider configured: kept in the in-app log"
}
