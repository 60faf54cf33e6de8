package pagerduty

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Alert states.
const (
	StateTriggered    = "triggered"
	StateAcknowledged = "acknowledged"
	StateResolved     = "resolved"
)

// Alert is what PagerDuty keeps per (routing key, dedup key): the alert the
// events opened and moved, and how many events reached it.
type Alert struct {
	RoutingKey string
	DedupKey   string
	State      string
	// Summary, Severity and Source are of the trigger that opened the alert.
	Summary  string
	Severity string
	Source   string
	// Opened counts alerts opened under this key: a trigger after the
	// alert was resolved opens a new one (PagerDuty does not reopen).
	Opened int
	// Triggers counts trigger events received for the key, duplicates included.
	Triggers int
	// Duplicates counts triggers applied to an alert already open: PagerDuty
	// keeps one alert for them, but each was received.
	Duplicates int
	// Acknowledges and Resolves count the events that reached an open alert.
	Acknowledges int
	Resolves     int

	seq int // order of the last change, for Alert
}

type alertID struct{ routingKey, dedupKey string }

// apply records an accepted event and moves its alert, following the spec's
// de-duplication rules; it returns the event's dedup key.
func (s *Server) apply(ev Event) string {
	if ev.EventAction == ActionTrigger && ev.DedupKey == "" {
		ev.DedupKey = newDedupKey()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	ev.ReceivedAt = time.Now()
	id := alertID{ev.RoutingKey, ev.DedupKey}
	a := s.alerts[id]
	open := a != nil && a.State != StateResolved
	switch ev.EventAction {
	case ActionTrigger:
		if a == nil {
			a = &Alert{RoutingKey: ev.RoutingKey, DedupKey: ev.DedupKey}
			s.alerts[id] = a
		}
		a.Triggers++
		if open {
			// Applied to the open alert: an acknowledged alert stays
			// acknowledged (it "won't generate any additional notifications,
			// even if it receives new trigger events").
			a.Duplicates++
			ev.Duplicate = true
		} else {
			a.Opened++
			a.State = StateTriggered
			a.Summary, a.Severity, a.Source = ev.Payload.Summary, ev.Payload.Severity, ev.Payload.Source
		}
		a.seq = s.seq
	case ActionAcknowledge:
		if !open {
			ev.Dropped = true
			break
		}
		a.Acknowledges++
		a.State = StateAcknowledged
		a.seq = s.seq
	case ActionResolve:
		if !open {
			ev.Dropped = true
			break
		}
		a.Resolves++
		a.State = StateResolved
		a.seq = s.seq
	}
	s.events = append(s.events, ev)
	s.notifyLocked()
	return ev.DedupKey
}

// Alert returns the alert with the dedup key (under whichever routing key
// changed one last) and whether there is one.
func (s *Server) Alert(dedupKey string) (Alert, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.alertLocked(dedupKey)
}

func (s *Server) alertLocked(dedupKey string) (Alert, bool) {
	var best *Alert
	for id, a := range s.alerts {
		if id.dedupKey == dedupKey && (best == nil || a.seq > best.seq) {
			best = a
		}
	}
	if best == nil {
		return Alert{}, false
	}
	return *best, true
}

// AlertFor returns the alert of one routing key and dedup key.
func (s *Server) AlertFor(routingKey, dedupKey string) (Alert, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alerts[alertID{routingKey, dedupKey}]
	if !ok {
		return Alert{}, false
	}
	return *a, true
}

// newDedupKey is what PagerDuty returns for a trigger without dedup_key: a
// random key, so every such trigger opens its own alert.
func newDedupKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
