package email

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"

	"github.com/arqir/arqir"
)

// inviteName is the file name of the iCalendar attachment.
const inviteName = "invite.ics"

// inviteProductID identifies arqir as the producer of invitations (PRODID).
const inviteProductID = "-//arqir//arqir meeting invitation//EN"

// invite renders a meeting as an iCalendar invitation (RFC 5545) with
// METHOD:REQUEST (RFC 5546), which calendar clients offer to accept: one
// VEVENT with the meeting's UID and SEQUENCE (so a moved meeting updates
// the one in people's calendars), times in UTC, the sender as ORGANIZER
// and each attendee asked to reply (RSVP=TRUE). Meeting.Organizer, when it
// names someone else, attends as the chair. Lines end in CRLF and are
// folded at 75 octets. It refuses a meeting a client could not place.
func invite(m *arqir.MeetingInvite, from *mail.Address, stamp time.Time) ([]byte, error) {
	uid := oneLine(m.UID)
	switch {
	case uid == "":
		return nil, fmt.Errorf("the meeting invitation has no UID: give each meeting a stable one, e.g. rca-INC-42@arqir")
	case m.Start.IsZero():
		return nil, fmt.Errorf("the meeting invitation %s has no start time", uid)
	case m.Duration <= 0:
		return nil, fmt.Errorf("the meeting invitation %s lasts %s: give it a positive duration, e.g. 1h", uid, m.Duration)
	case len(m.Attendees) == 0:
		return nil, fmt.Errorf("the meeting invitation %s has no attendees", uid)
	}
	var attendees []string
	for _, a := range m.Attendees {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return nil, fmt.Errorf("attendee %q of the meeting invitation %s is not an e-mail address: fix the user's e-mail", clean(a), uid)
		}
		if !containsFold(attendees, addr.Address) {
			attendees = append(attendees, addr.Address)
		}
	}

	cal := ics.NewCalendarFor("arqir")
	cal.SetProductId(inviteProductID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodRequest)
	e := cal.AddEvent(uid)
	e.SetSequence(max(m.Sequence, 0))
	e.SetDtStampTime(stamp)
	e.SetStartAt(m.Start)
	e.SetEndAt(m.Start.Add(m.Duration))
	e.SetSummary(oneLine(m.Summary))
	if d := icsText(m.Details); d != "" {
		e.SetDescription(d)
	}
	e.SetStatus(ics.ObjectStatusConfirmed)
	e.SetOrganizer("mailto:"+from.Address, cn(from.Name)...)
	if o, err := mail.ParseAddress(m.Organizer); err == nil && !strings.EqualFold(o.Address, from.Address) && !containsFold(attendees, o.Address) {
		e.AddAttendee("mailto:"+o.Address, append(cn(o.Name), ics.CalendarUserTypeIndividual, ics.ParticipationRoleChair,
			ics.ParticipationStatusNeedsAction, rsvp)...)
	}
	for _, a := range attendees {
		e.AddAttendee("mailto:"+a, ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant, ics.ParticipationStatusNeedsAction, rsvp)
	}
	var b strings.Builder
	// golang-ical's default line ending is the platform's; RFC 5545 says CRLF.
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("write the meeting invitation %s: %w", uid, err)
	}
	return []byte(b.String()), nil
}

// rsvp asks the attendee to reply, in RFC 5545's upper-case BOOLEAN.
var rsvp = &ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"TRUE"}}

// plainName is a display name that needs no quoting as a parameter value;
// golang-ical backslash-escapes others, which RFC 5545 does not allow.
var plainName = regexp.MustCompile(`^[\p{L}\p{N} ._-]{1,64}$`)

// cn is the CN parameter of a display name, when it is plain.
func cn(name string) []ics.PropertyParameter {
	name = oneLine(name)
	if !plainName.MatchString(name) {
		return nil
	}
	return []ics.PropertyParameter{ics.WithCN(name)}
}

// icsText drops control characters other than newline: golang-ical
// escapes newlines, commas and semicolons in TEXT values but passes a
// carriage return through, which would end the line.
func icsText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r != '\n' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

// oneLine is icsText on one line, for titles and identifiers.
func oneLine(s string) string { return strings.Join(strings.Fields(icsText(s)), " ") }

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
