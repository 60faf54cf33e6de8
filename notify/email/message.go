package email

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/arqir/arqir"
)

// envelope is everything one e-mail is made of.
type envelope struct {
	from, to *mail.Address
	key      string
	incident arqir.IncidentID
	message  arqir.Message
	refs     map[string]string
	date     time.Time
	// invite is the iCalendar invitation to attach, if any.
	invite []byte
}

// Limits that keep every header line within RFC 5322's 998 octets.
const (
	maxSubject  = 250 // characters, before encoding
	maxKey      = 200 // characters of the idempotency key header
	foldAt      = 78  // RFC 5322's recommended line length
	messageHost = "arqir"
)

// compose renders e as an RFC 5322 message with CRLF line endings and a
// quoted-printable UTF-8 text body (with an invitation: a MIME message,
// see writeInvite), and returns it with its Message-ID. Every header value
// is stripped of CR, LF and other control characters, so nothing in an
// incident title or an address can add a header.
func compose(e envelope) ([]byte, string) {
	id := messageID(e.key)
	var b bytes.Buffer
	header := func(name, value string) {
		b.WriteString(fold(name + ": " + clean(value)))
		b.WriteString("\r\n")
	}
	header("Date", e.date.Format(time.RFC1123Z))
	header("From", e.from.String())
	header("To", e.to.String())
	header("Subject", encode(truncate(subject(e), maxSubject)))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	var mixed *multipart.Writer
	if e.invite != nil {
		mixed = multipart.NewWriter(&b)
		header("Content-Type", `multipart/mixed; boundary="`+mixed.Boundary()+`"`)
	} else {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
	}
	// RFC 3834: an automatic message; vacation responders stay quiet.
	header("Auto-Submitted", "auto-generated")
	if e.key != "" {
		header("X-Arqir-Idempotency-Key", encode(truncate(e.key, maxKey)))
	}
	header("X-Arqir-Incident", e.incident.String())
	b.WriteString("\r\n")
	if mixed != nil {
		writeInvite(mixed, body(e), e.invite)
		return b.Bytes(), id
	}
	writeQP(&b, body(e))
	return b.Bytes(), id
}

// writeQP writes text as a quoted-printable body with CRLF line endings.
func writeQP(w io.Writer, text string) {
	qp := quotedprintable.NewWriter(w)
	_, _ = qp.Write([]byte(crlf(text)))
	_ = qp.Close()
}

// writeInvite writes the parts of a message with an invitation, as
// calendar services send them (Google Calendar's layout), so that Gmail,
// Outlook and Apple Mail all show it as an invitation and clients without
// calendars still read the text:
//
//	multipart/mixed
//	  multipart/alternative
//	    text/plain                       the message
//	    text/calendar; method=REQUEST    the invitation, for clients that act on it inline
//	  application/ics; name=invite.ics   the same invitation as an attachment
//
// Writing to a bytes.Buffer cannot fail.
func writeInvite(mixed *multipart.Writer, text string, ics []byte) {
	boundary := multipart.NewWriter(io.Discard).Boundary() // a fresh random one
	w, _ := mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {`multipart/alternative; boundary="` + boundary + `"`}})
	alt := multipart.NewWriter(w)
	_ = alt.SetBoundary(boundary)
	w, _ = alt.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
	writeQP(w, text)
	w, _ = alt.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/calendar; charset=utf-8; method=REQUEST"}, "Content-Transfer-Encoding": {"base64"}})
	writeBase64(w, ics)
	_ = alt.Close()
	w, _ = mixed.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {`application/ics; name="` + inviteName + `"`},
		"Content-Disposition":       {`attachment; filename="` + inviteName + `"`},
		"Content-Transfer-Encoding": {"base64"},
	})
	writeBase64(w, ics)
	_ = mixed.Close()
}

// writeBase64 writes data in base64 lines of 76 characters (RFC 2045).
func writeBase64(w io.Writer, data []byte) {
	s := base64.StdEncoding.EncodeToString(data)
	for len(s) > 76 {
		_, _ = io.WriteString(w, s[:76]+"\r\n")
		s = s[76:]
	}
	_, _ = io.WriteString(w, s+"\r\n")
}

// messageID derives the Message-ID from the idempotency key, so every
// retry of a notification carries the same ID.
func messageID(key string) string {
	var sum []byte
	if key != "" {
		h := sha256.Sum256([]byte(key))
		sum = h[:16]
	} else {
		sum = make([]byte, 16)
		_, _ = rand.Read(sum)
	}
	return "<" + hex.EncodeToString(sum) + "@" + messageHost + ">"
}

// subject is the message's headline, e.g. "[SEV1] INC-42 Checkout down —
// page, step 1", or one made from the incident when there is none.
func subject(e envelope) string {
	m := e.message
	if s := clean(m.Headline); s != "" {
		return s
	}
	s := e.incident.String() + " " + m.Title
	if m.Severity != "" {
		s = "[" + m.Severity + "] " + s
	}
	return clean(s)
}

// body is the plain text: the message, the meeting when there is an
// invitation (for mail clients without calendars), then the one-click
// acknowledge link and the war-room link when there are.
func body(e envelope) string {
	text := e.message.Text()
	if m := e.message.Meeting; m != nil && e.invite != nil {
		const layout = "2006-01-02 15:04 UTC"
		text += "\n\nMeeting: " + m.Start.UTC().Format(layout) + " to " + m.Start.Add(m.Duration).UTC().Format(layout) +
			"; the calendar invitation is attached (" + inviteName + ")"
	}
	var links []string
	if e.message.AckURL != "" {
		links = append(links, "Acknowledge: "+e.message.AckURL)
	}
	if u := e.refs[arqir.RefWarRoomURL]; u != "" {
		links = append(links, "War room: "+u)
	}
	if len(links) > 0 {
		text += "\n\n" + strings.Join(links, "\n")
	}
	return text + "\n"
}

// crlf makes every line ending CRLF.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// clean turns every control character (CR and LF included) and run of
// white space into one space, and drops invalid UTF-8.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// encode writes non-ASCII text as RFC 2047 encoded-words.
func encode(s string) string {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// fold breaks a header line at spaces so its lines keep to 78 characters
// where a space allows (RFC 5322 §2.2.3); unfolding restores it.
func fold(line string) string {
	name, value, ok := strings.Cut(line, ": ")
	if !ok || len(line) <= foldAt {
		return line
	}
	var b strings.Builder
	b.WriteString(name + ":")
	width := len(name) + 1
	for _, word := range strings.Split(value, " ") {
		// Breaking right after the colon is fine too: a long encoded-word
		// then starts its own line.
		if width+1+len(word) > foldAt && width > 0 {
			b.WriteString("\r\n")
			width = 0
		}
		b.WriteString(" " + word)
		width += 1 + len(word)
	}
	return b.String()
}

// truncate cuts s to at most n characters, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
