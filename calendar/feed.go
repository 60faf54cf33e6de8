package calendar

import (
	"strings"

	ics "github.com/arran4/golang-ical"

	"github.com/arqir/arqir/rotation"
)

// ContentType is the media type to serve a feed with.
const ContentType = "text/calendar; charset=utf-8"

// ProductID identifies arqir as the feed's producer (PRODID).
const ProductID = "-//arqir//arqir on-call//EN"

// refresh asks subscribing clients to re-fetch hourly; Google and Outlook
// poll on their own schedule, but Apple Calendar and Thunderbird honour it.
const refresh = "PT1H"

// Feed renders shifts as an iCalendar feed named name: one VEVENT per shift
// with someone on call (and per gap, WithGaps), times in UTC, stable UIDs,
// CRLF line endings and lines folded at 75 octets. Shifts may come from
// several schedules, as in a personal feed.
func Feed(name string, shifts []rotation.Shift, opts ...Option) []byte {
	c := newConfig(opts)
	cal := ics.NewCalendarFor("arqir")
	cal.SetProductId(ProductID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(clean(name))
	cal.SetXWRTimezone(c.zone.String())
	cal.SetRefreshInterval(refresh)
	cal.SetXPublishedTTL(refresh)
	for _, sh := range shifts {
		if sh.IsGap() && !c.gaps {
			continue
		}
		e := cal.AddEvent(UID(sh))
		e.SetDtStampTime(c.stamp)
		e.SetStartAt(sh.Start)
		e.SetEndAt(sh.End)
		e.SetSummary(oneLine(c.summary(sh)))
		e.SetDescription(clean(c.description(sh)))
		e.SetStatus(ics.ObjectStatusConfirmed)
		// Being on call does not make someone busy for meetings.
		e.SetTimeTransparency(ics.TransparencyTransparent)
	}
	var b strings.Builder
	b.Grow(512 + 600*len(shifts))
	// golang-ical folds at 75 octets without splitting a UTF-8 sequence;
	// its default line ending is the platform's, so ask for CRLF.
	// Writing to a strings.Builder cannot fail, and the option is valid.
	_ = cal.SerializeTo(&b, ics.WithNewLineWindows)
	return []byte(b.String())
}
