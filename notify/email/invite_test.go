package email_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apognu/gocal"
	ics "github.com/arran4/golang-ical"

	"github.com/arqir/arqir"
	fakesmtp "github.com/arqir/arqir/fake/smtp"
	"github.com/arqir/arqir/notify"
)

var meetingStart = time.Date(2025, 3, 11, 15, 0, 0, 0, time.FixedZone("EST", -5*3600)) // 20:00 UTC

func inviteJob(address string, edit ...func(*arqir.MeetingInvite)) *notify.Job {
	m := &arqir.MeetingInvite{
		UID: "rca-INC-42@arqir", Start: meetingStart, Duration: time.Hour,
		Summary:   "RCA: INC-42 Checkout down",
		Details:   "Root cause analysis of INC-42, due by 2025-03-11 14:55 UTC.\nBring your timeline notes; commas, semicolons; fine.",
		Organizer: "grace@example.com",
		Attendees: []string{"ada@example.com", "Bob <bob@example.com>", "ADA@example.com"},
		Sequence:  2,
	}
	for _, e := range edit {
		e(m)
	}
	return &notify.Job{
		Notification: &arqir.Notification{
			ID: 11, IncidentID: 42, Key: "INC-42/rca_invite/2/ada@example.com", Purpose: arqir.PurposeRCAInvite,
			Target: "user:ada", Channel: arqir.ChannelEmail, Address: address, Recipient: "Ada Lovelace",
			Message: arqir.Message{IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusResolved,
				Headline: "RCA meeting: INC-42 Checkout down", Fields: []arqir.MessageField{{Label: "When", Value: "2025-03-11T20:00:00Z"}}, Meeting: m},
		},
		IdempotencyKey: "INC-42/rca_invite/2/ada@example.com",
	}
}

// part is one leaf of a MIME message, decoded.
type part struct {
	contentType string
	params      map[string]string
	disposition string
	filename    string
	body        []byte
}

// leaves walks a MIME entity and returns its leaf parts, decoded.
func leaves(t *testing.T, contentType string, body io.Reader) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", contentType, err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		return []part{{contentType: mt, params: params, body: b}}
	}
	var out []part
	r := multipart.NewReader(body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("%s: %v", mt, err)
		}
		var rd io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			rd = base64.NewDecoder(base64.StdEncoding, p)
		}
		sub := leaves(t, p.Header.Get("Content-Type"), rd)
		if d := p.Header.Get("Content-Disposition"); d != "" && len(sub) == 1 {
			disp, dp, err := mime.ParseMediaType(d)
			if err != nil {
				t.Fatalf("Content-Disposition %q: %v", d, err)
			}
			sub[0].disposition, sub[0].filename = disp, dp["filename"]
		}
		out = append(out, sub...)
	}
}

// TestP1_RCAInviteCarriesAnICalAttachment: the invitation the fake
// server accepts has the text, an inline text/calendar REQUEST and an
// invite.ics attachment that an independent parser reads back with the
// meeting's times, UID, sequence, organizer and attendees.
func TestP1_RCAInviteCarriesAnICalAttachment(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{TLS: true})
	job := inviteJob("ada@example.com")
	if _, err := n.Notify(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/mixed;") {
		t.Fatalf("Content-Type %q, want multipart/mixed", ct)
	}
	parts := leaves(t, m.Header.Get("Content-Type"), m.Body)
	var kinds []string
	for _, p := range parts {
		kinds = append(kinds, p.contentType+" "+p.params["method"]+" "+p.disposition+" "+p.filename)
	}
	if want := []string{"text/plain   ", "text/calendar REQUEST  ", "application/ics  attachment invite.ics"}; !slices.Equal(kinds, want) {
		t.Fatalf("parts %q, want %q", kinds, want)
	}
	text := string(parts[0].body)
	for _, want := range []string{"RCA meeting: INC-42 Checkout down", "When: 2025-03-11T20:00:00Z", "Meeting: 2025-03-11 20:00 UTC to 2025-03-11 21:00 UTC; the calendar invitation is attached (invite.ics)"} {
		if !strings.Contains(strings.ReplaceAll(text, "\r\n", "\n"), want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	if !bytes.Equal(parts[1].body, parts[2].body) {
		t.Error("the inline invitation and the attachment differ")
	}
	invite := parts[2].body
	for i, line := range strings.Split(strings.TrimSuffix(string(invite), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") || len(line) > 75 {
			t.Errorf("invite.ics line %d is not a folded CRLF line: %q", i+1, line)
		}
	}
	if !strings.HasSuffix(string(invite), "END:VCALENDAR\r\n") {
		t.Error("invite.ics does not end with CRLF")
	}

	p := gocal.NewParser(bytes.NewReader(invite))
	p.SkipBounds = true
	if err := p.Parse(); err != nil {
		t.Fatalf("gocal: %v", err)
	}
	if p.Method != "REQUEST" || len(p.Events) != 1 {
		t.Fatalf("METHOD %q, %d events; want REQUEST and 1", p.Method, len(p.Events))
	}
	e := p.Events[0]
	start, end := meetingStart.UTC(), meetingStart.Add(time.Hour).UTC()
	if e.Uid != "rca-INC-42@arqir" || e.Sequence != 2 || e.Summary != "RCA: INC-42 Checkout down" {
		t.Errorf("UID %q, SEQUENCE %d, SUMMARY %q", e.Uid, e.Sequence, e.Summary)
	}
	if e.Start == nil || !e.Start.Equal(start) || e.Start.Location() != time.UTC || e.End == nil || !e.End.Equal(end) {
		t.Errorf("runs %v–%v, want %s–%s in UTC", e.Start, e.End, start, end)
	}
	if e.Stamp == nil || !e.Stamp.Equal(time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("DTSTAMP %v, want the injected clock", e.Stamp)
	}
	// gocal leaves "\n" escaped; golang-ical reads TEXT values fully.
	if want := "Root cause analysis of INC-42, due by 2025-03-11 14:55 UTC.\nBring your timeline notes; commas, semicolons; fine."; description(t, invite) != want {
		t.Errorf("DESCRIPTION %q, want %q", description(t, invite), want)
	}
	if e.Organizer == nil || e.Organizer.Value != "mailto:incidents@example.com" || e.Organizer.Cn != "arqir" {
		t.Errorf("ORGANIZER %+v, want the sender mailto:incidents@example.com", e.Organizer)
	}
	var attendees []string
	for _, a := range e.Attendees {
		attendees = append(attendees, a.Value+" "+a.Status)
	}
	want := []string{"mailto:grace@example.com NEEDS-ACTION", "mailto:ada@example.com NEEDS-ACTION", "mailto:bob@example.com NEEDS-ACTION"}
	if !slices.Equal(attendees, want) {
		t.Errorf("attendees %q, want %q (the organizing person as chair, then each address once)", attendees, want)
	}
	raw := unfold(string(invite))
	for _, want := range []string{
		"METHOD:REQUEST\r\n",
		"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:ada@example.com\r\n",
		"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=CHAIR;RSVP=TRUE:mailto:grace@example.com\r\n",
		"DTSTART:20250311T200000Z\r\n", "DTEND:20250311T210000Z\r\n", "SEQUENCE:2\r\n",
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("invite.ics lacks %q:\n%s", want, raw)
		}
	}
}

// description reads the DESCRIPTION of the only event with golang-ical.
func description(t *testing.T, data []byte) string {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("golang-ical: %v, %d events", err, len(cal.Events()))
	}
	p := cal.Events()[0].GetProperty(ics.ComponentPropertyDescription)
	if p == nil {
		return ""
	}
	return p.Value
}

// unfold undoes RFC 5545 line folding.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

// TestP1_InviteTextCannotInjectHeadersOrProperties: a title or details
// with CR, LF and iCalendar syntax stay inside their values.
func TestP1_InviteTextCannotInjectHeadersOrProperties(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	job := inviteJob("ada@example.com", func(m *arqir.MeetingInvite) {
		m.Summary = "RCA\r\nATTENDEE:mailto:eve@evil.example\r\nX: y"
		m.Details = "line\rEND:VEVENT\nBEGIN:VEVENT;x"
		m.UID = "rca-42\r\nMETHOD:CANCEL"
	})
	job.Notification.Message.Headline = "RCA\r\nBcc: eve@evil.example"
	if _, err := n.Notify(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	msg := srv.Messages()[0]
	if msg.Header.Get("Bcc") != "" || len(msg.To) != 1 {
		t.Fatalf("a header was injected: %v, to %v", msg.Header, msg.To)
	}
	m, _ := mail.ReadMessage(bytes.NewReader(msg.Data))
	parts := leaves(t, m.Header.Get("Content-Type"), m.Body)
	p := gocal.NewParser(bytes.NewReader(parts[2].body))
	p.SkipBounds = true
	if err := p.Parse(); err != nil {
		t.Fatal(err)
	}
	if p.Method != "REQUEST" || len(p.Events) != 1 {
		t.Fatalf("METHOD %q, %d events: the text broke out of its value", p.Method, len(p.Events))
	}
	e := p.Events[0]
	if e.Summary != "RCA ATTENDEE:mailto:eve@evil.example X: y" || e.Uid != "rca-42 METHOD:CANCEL" || len(e.Attendees) != 3 {
		t.Errorf("SUMMARY %q, UID %q, %d attendees", e.Summary, e.Uid, len(e.Attendees))
	}
	if d := description(t, parts[2].body); d != "lineEND:VEVENT\nBEGIN:VEVENT;x" {
		t.Errorf("DESCRIPTION %q", d)
	}
}

// TestP1_InviteThatCannotBePlacedIsPermanent: nothing is sent, and the
// reason says what to fix.
func TestP1_InviteThatCannotBePlacedIsPermanent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(*arqir.MeetingInvite)
		msg  string
	}{
		{"no UID", func(m *arqir.MeetingInvite) { m.UID = " " }, "has no UID"},
		{"no start", func(m *arqir.MeetingInvite) { m.Start = time.Time{} }, "has no start time"},
		{"no duration", func(m *arqir.MeetingInvite) { m.Duration = 0 }, "lasts 0s: give it a positive duration"},
		{"no attendees", func(m *arqir.MeetingInvite) { m.Attendees = nil }, "has no attendees"},
		{"bad attendee", func(m *arqir.MeetingInvite) { m.Attendees = []string{"ada at example"} }, `attendee "ada at example" of the meeting invitation rca-INC-42@arqir is not an e-mail address`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, n := setup(t, fakesmtp.Options{})
			_, err := n.Notify(context.Background(), inviteJob("ada@example.com", tc.edit))
			e := notify.AsError(err)
			if err == nil || e.Retryable || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Notify = %v; want a permanent error …%s…", err, tc.msg)
			}
			if srv.Transactions() != 0 {
				t.Error("something was sent")
			}
		})
	}
}

// TestPlainMessageStaysSinglePart: without a meeting nothing changes.
func TestPlainMessageStaysSinglePart(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, fakesmtp.Options{})
	if _, err := n.Notify(context.Background(), pageJob("ada@example.com")); err != nil {
		t.Fatal(err)
	}
	h := srv.Messages()[0].Header
	if h.Get("Content-Type") != "text/plain; charset=utf-8" || h.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Errorf("Content-Type %q, CTE %q", h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"))
	}
}
