package arqir

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// The functions below are an alert's life as pure decisions, like the
// incident transitions: the store calls them inside the transaction that
// persists the result. Times are the caller's `now`.

// NewAlert builds the stored form of an alert from its first event. Routing
// chose service, severity and groupKey.
func NewAlert(in *Integration, ev AlertEvent, service, severity, groupKey string, now time.Time) *Alert {
	return NewAlertOwning(in, ev.Owned(), service, severity, groupKey, now)
}

// NewAlertOwning is NewAlert for an event whose lists belong to the caller
// alone and are never changed again (AlertEvent.Owned): the alert keeps
// them instead of copying them. The store copies them in the request's
// goroutine, so that its one committer does not.
func NewAlertOwning(in *Integration, ev AlertEvent, service, severity, groupKey string, now time.Time) *Alert {
	a := &Alert{
		IntegrationID: in.ID, Source: in.Kind, DedupKey: ev.DedupKey, Status: ev.Status,
		Summary: strings.TrimSpace(ev.Summary), Labels: nonNilMap(ev.Labels), Annotations: nonNilMap(ev.Annotations),
		Links: nonNilLinks(ev.Links), Service: service, Severity: severity, GroupKey: groupKey,
		StartedAt: startTime(ev, now), ReceivedAt: now, LastSeenAt: now,
	}
	if ev.Status == AlertFiring {
		a.Count = 1
	} else {
		// A resolve for an alert never seen firing (e.g. its firing was sent
		// before the integration existed) is recorded, and opens nothing.
		a.ResolvedAt = endTime(ev, a.StartedAt, now)
	}
	return a
}

// Repeat applies a repeat of the alert's current status: it was seen again.
// What the event carries (summary, labels, annotations, links) replaces the
// stored values; what it leaves out is kept, because some senders (a
// PagerDuty resolve) send only the key.
func (a *Alert) Repeat(ev AlertEvent, now time.Time) {
	a.refresh(ev, now)
	if a.Status == AlertFiring {
		a.Count++
	}
}

// Resolve records that a firing alert's condition cleared.
func (a *Alert) Resolve(ev AlertEvent, now time.Time) {
	a.refresh(ev, now)
	a.Status = AlertResolved
	a.ResolvedAt = endTime(ev, a.StartedAt, now)
}

// FireAgain starts a new firing episode of a resolved alert; routing chose
// service, severity and groupKey again, since the labels may have changed.
func (a *Alert) FireAgain(ev AlertEvent, service, severity, groupKey string, now time.Time) {
	a.refresh(ev, now)
	a.Status, a.ResolvedAt, a.Count = AlertFiring, nil, a.Count+1
	a.StartedAt = startTime(ev, now)
	a.Service, a.Severity, a.GroupKey = service, severity, groupKey
}

// MarkFalsePositive records a responder's verdict that the alert was noise (K5).
func (a *Alert) MarkFalsePositive(reason string, by Actor, now time.Time) error {
	r := strings.TrimSpace(reason)
	switch {
	case r == "":
		return FieldErrorf(EUNPROCESSABLE, "reason", "say why the alert was a false positive (the K5 review reads it)")
	case len(r) > MaxTextLen:
		return FieldErrorf(EUNPROCESSABLE, "reason", "reason is over %d bytes", MaxTextLen)
	case a.FalsePositive:
		return Errorf(EUNPROCESSABLE, "alert %d was already marked a false positive by %s", a.ID, a.FalsePositiveBy)
	}
	a.FalsePositive, a.FalsePositiveReason, a.FalsePositiveBy, a.FalsePositiveAt = true, r, by.Name, &now
	return nil
}

// Title is how people name the alert: its summary, else its alertname
// label, else its dedup key; one line of at most MaxTitleLen characters.
func (a *Alert) Title() string {
	t := firstLine(a.Summary)
	if t == "" {
		t = firstLine(a.Annotations["summary"])
	}
	if t == "" {
		t = strings.TrimSpace(a.Labels["alertname"])
	}
	if t == "" {
		t = "Alert " + a.DedupKey
	}
	return truncateRunes(t, MaxTitleLen)
}

func (a *Alert) refresh(ev AlertEvent, now time.Time) {
	if s := strings.TrimSpace(ev.Summary); s != "" {
		a.Summary = s
	}
	labels, annotations, links := ev.Replaces()
	if labels {
		a.Labels = cloneMap(ev.Labels)
	}
	if annotations {
		a.Annotations = cloneMap(ev.Annotations)
	}
	if links {
		a.Links = slices.Clone(ev.Links)
	}
	a.LastSeenAt = now
}

// Replaces says which of a stored alert's lists a repeat, resolve or new
// firing of this event replaces: those it carries (non-empty). A store that
// keeps the lists encoded uses it to know which encodings changed.
func (ev AlertEvent) Replaces() (labels, annotations, links bool) {
	return len(ev.Labels) > 0, len(ev.Annotations) > 0, len(ev.Links) > 0
}

// startTime is when the condition began: the sender's time, unless it is
// unknown or later than now (a sender's clock running ahead).
func startTime(ev AlertEvent, now time.Time) time.Time {
	if ev.StartsAt.IsZero() || ev.StartsAt.After(now) {
		return now
	}
	return ev.StartsAt.UTC()
}

// endTime is when the condition cleared: the sender's time if it lies
// between the start and now, else now.
func endTime(ev AlertEvent, started, now time.Time) *time.Time {
	t := now
	if !ev.EndsAt.IsZero() && !ev.EndsAt.Before(started) && !ev.EndsAt.After(now) {
		t = ev.EndsAt.UTC()
	}
	return &t
}

// Owned returns the event with copies of its lists, which no one else
// holds (absent ones stay nil).
func (ev AlertEvent) Owned() AlertEvent {
	ev.Labels, ev.Annotations, ev.Links = maps.Clone(ev.Labels), maps.Clone(ev.Annotations), slices.Clone(ev.Links)
	return ev
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

func nonNilLinks(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// truncateRunes cuts s to at most n characters, marking the cut with "…".
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
