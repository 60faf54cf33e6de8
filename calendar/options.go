package calendar

import "time"

// Option adjusts a feed.
type Option func(*config)

type config struct {
	zone      *time.Location
	stamp     time.Time
	userName  func(string) string
	schedName func(string) string
	gaps      bool
}

// WithZone names the zone clients should show the calendar in
// (X-WR-TIMEZONE), usually the schedule's; descriptions also show times in
// it. The default is UTC.
func WithZone(loc *time.Location) Option { return func(c *config) { c.zone = loc } }

// WithStamp sets DTSTAMP, when the feed was generated; pass the clock's now.
// The default is the Unix epoch, which keeps output reproducible.
func WithStamp(t time.Time) Option { return func(c *config) { c.stamp = t } }

// WithUserNames shows users by name instead of id, e.g. "Ada Lovelace"
// instead of "u_123". UIDs still use the id, so renaming a user does not
// duplicate events.
func WithUserNames(name func(id string) string) Option {
	return func(c *config) { c.userName = name }
}

// WithScheduleTitles shows schedules by title instead of Schedule.Name, e.g.
// "Primary On-Call" instead of "primary". UIDs still use the name.
func WithScheduleTitles(title func(name string) string) Option {
	return func(c *config) { c.schedName = title }
}

// WithGaps adds an event for each gap ("No one on call"), so a schedule's
// own feed shows where coverage is missing; personal feeds leave it off.
func WithGaps() Option { return func(c *config) { c.gaps = true } }

func newConfig(opts []Option) *config {
	c := &config{
		zone:      time.UTC,
		stamp:     time.Unix(0, 0).UTC(),
		userName:  func(id string) string { return id },
		schedName: func(name string) string { return name },
	}
	for _, o := range opts {
		o(c)
	}
	if c.zone == nil {
		c.zone = time.UTC
	}
	return c
}
