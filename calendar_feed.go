package arqir

import (
	"strings"
	"time"
)

// CalendarFeed is a subscribable iCalendar feed of one schedule's or one
// user's shifts. The feed's secret token is its URL's credential: it is
// shown once at creation and stored only as a hash; revoking it makes the
// URL answer 404.
type CalendarFeed struct {
	ID int64 `json:"id"`
	// Exactly one of Schedule and User is set.
	Schedule  string     `json:"schedule"`
	User      string     `json:"user"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// Name is how the feed is titled: "arqir: primary" or "arqir: ada".
func (f *CalendarFeed) Name() string {
	if f.User != "" {
		return "arqir on-call: " + f.User
	}
	return "arqir on-call: " + f.Schedule
}

// CalendarTarget says what a new feed shows: one schedule or one user.
type CalendarTarget struct {
	Schedule string
	User     string
}

// Validate requires exactly one of schedule and user. Returns EUNPROCESSABLE.
func (t CalendarTarget) Validate() error {
	s, u := strings.TrimSpace(t.Schedule), strings.TrimSpace(t.User)
	if (s == "") == (u == "") {
		return Errorf(EUNPROCESSABLE, "a calendar shows one schedule or one user: send either \"schedule\" or \"user\", not both and not neither")
	}
	return nil
}

// CalendarContent is what a feed shows over a range: the shifts and the
// names to show them with.
type CalendarContent struct {
	Feed *CalendarFeed
	// Generated is when the content was computed (the feed's DTSTAMP).
	Generated time.Time
	// Zone is the zone the calendar is shown in: the schedule's, or the user's.
	Zone   *time.Location
	Shifts []Shift
	// Names are user names by handle; Titles are schedule titles by name.
	Names  map[string]string
	Titles map[string]string
	// Gaps says whether gaps are events (a schedule's feed shows them).
	Gaps bool
}

// Calendar feed range: what a subscription shows around the time it is
// fetched. Bounded, so one fetch costs the same every time.
const (
	CalendarPast   = 30 * 24 * time.Hour
	CalendarFuture = 180 * 24 * time.Hour
)
