package notify

import (
	"fmt"
	"sort"
)

// Registry holds one Notifier per channel. A channel without a notifier
// delivers to the in-app log (inapp.Notifier), registered as the fallback.
type Registry struct {
	byChannel map[string]Notifier
	fallback  Notifier
}

// NewRegistry returns a registry that sends channels nobody configured to
// fallback (the in-app log): the incident shows what would have been sent.
func NewRegistry(fallback Notifier) *Registry {
	return &Registry{byChannel: map[string]Notifier{}, fallback: fallback}
}

// Register adds a notifier for its channel; registering a channel twice is a
// wiring mistake and panics at start-up.
func (r *Registry) Register(n Notifier) {
	if _, dup := r.byChannel[n.Channel()]; dup {
		panic(fmt.Sprintf("notify: two notifiers for channel %q", n.Channel()))
	}
	r.byChannel[n.Channel()] = n
}

// For returns the notifier of a channel and whether one is configured; an
// unconfigured channel gets the fallback.
func (r *Registry) For(channel string) (Notifier, bool) {
	if n, ok := r.byChannel[channel]; ok {
		return n, true
	}
	return r.fallback, false
}

// Configured lists the configured channels, sorted.
func (r *Registry) Configured() []string {
	out := make([]string, 0, len(r.byChannel))
	for c := range r.byChannel {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
