package smtp

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Message is one accepted message.
type Message struct {
	// From and To are the envelope (MAIL FROM, RCPT TO).
	From string
	To   []string
	// Data is the message as received, CRLF line endings and all.
	Data []byte
	// Header is the parsed RFC 5322 header.
	Header mail.Header
	// Subject is the decoded Subject header.
	Subject string
	// Body is the decoded text body with \n line endings.
	Body string
	// TLS says the message came over a STARTTLS-protected connection.
	TLS bool
	// Username is who authenticated, or "".
	Username string
}

// maxLine is RFC 5322's hard limit on a line, without its CRLF.
const maxLine = 998

// headersAtMostOnce are the fields RFC 5322 §3.6 allows at most once.
var headersAtMostOnce = []string{"Date", "From", "Sender", "Reply-To", "To", "Cc", "Subject", "Message-Id"}

// parse checks raw is an RFC 5322 message a strict server accepts and
// decodes it.
func parse(raw []byte, from string, to []string, user string, tls bool) (*Message, error) {
	if err := checkLines(raw); err != nil {
		return nil, err
	}
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, c := range head {
		if c >= 0x80 {
			return nil, errors.New("8-bit byte in the header: encode it as an RFC 2047 encoded-word")
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("unparseable header: %v", err)
	}
	for _, k := range headersAtMostOnce {
		if len(m.Header[k]) > 1 {
			return nil, fmt.Errorf("%d %s fields, RFC 5322 allows one", len(m.Header[k]), k)
		}
	}
	if _, err := m.Header.Date(); err != nil {
		return nil, fmt.Errorf("missing or invalid Date: %v", err)
	}
	if _, err := m.Header.AddressList("From"); err != nil {
		return nil, fmt.Errorf("missing or invalid From: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return nil, fmt.Errorf("undecodable Subject: %v", err)
	}
	body, err := decodeBody(m.Header.Get("Content-Transfer-Encoding"), m.Body)
	if err != nil {
		return nil, err
	}
	return &Message{
		From: from, To: to, Data: raw, Header: m.Header,
		Subject: subject, Body: strings.ReplaceAll(string(body), "\r\n", "\n"),
		TLS: tls, Username: user,
	}, nil
}

// checkLines refuses bare CR or LF and over-long lines.
func checkLines(raw []byte) error {
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			return fmt.Errorf("bare CR or LF in line %d: end lines with CRLF", i+1)
		}
		if len(line) > maxLine {
			return fmt.Errorf("line %d has %d octets, over the limit of %d", i+1, len(line), maxLine)
		}
	}
	return nil
}

// decodeBody undoes the Content-Transfer-Encoding.
func decodeBody(cte string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit":
		return io.ReadAll(body)
	case "quoted-printable":
		b, err := io.ReadAll(quotedprintable.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("invalid quoted-printable body: %v", err)
		}
		return b, nil
	case "base64":
		b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, &stripNewlines{r: body}))
		if err != nil {
			return nil, fmt.Errorf("invalid base64 body: %v", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unknown Content-Transfer-Encoding %q", cte)
	}
}

// stripNewlines drops CR and LF, which base64 bodies wrap lines with.
type stripNewlines struct{ r io.Reader }

func (s *stripNewlines) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}
