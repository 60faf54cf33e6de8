package slack

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
	slackgo "github.com/slack-go/slack"
)

// Block Kit limits (docs.slack.dev/reference/block-kit); longer text is
// clipped rather than refused, since a page must go out.
const (
	maxBlocks      = 50
	maxHeaderText  = 150
	maxSectionText = 3000
	maxFieldText   = 2000
	maxFields      = 10 // per section
	maxText        = 40000
)

// Action IDs of the buttons; the interactions handler dispatches on them.
const (
	ActionAcknowledge = "arqir_ack"
	ActionResolve     = "arqir_resolve"
	ActionWarRoom     = "arqir_war_room"
)

// request is the JSON body of chat.postMessage and chat.update.
type request struct {
	Channel     string                 `json:"channel"`
	TS          string                 `json:"ts,omitempty"`
	ThreadTS    string                 `json:"thread_ts,omitempty"`
	Text        string                 `json:"text"`
	Blocks      []slackgo.Block        `json:"blocks"`
	UnfurlLinks *bool                  `json:"unfurl_links,omitempty"`
	UnfurlMedia *bool                  `json:"unfurl_media,omitempty"`
	Metadata    *slackgo.SlackMetadata `json:"metadata,omitempty"`
}

// rendered is a message as Slack shows it: blocks, and the text Slack uses
// in notifications and where blocks cannot be shown.
type rendered struct {
	Text   string
	Blocks []slackgo.Block
}

// postRequest is the chat.postMessage of msg in channel, in the thread of
// thread when set. Unfurling is off: the incident link leads to arqir's
// login, and a preview of it only takes room.
func postRequest(channel, thread string, msg rendered, job *notify.Job) request {
	off := false
	return request{Channel: channel, ThreadTS: thread, Text: msg.Text, Blocks: msg.Blocks,
		UnfurlLinks: &off, UnfurlMedia: &off, Metadata: metadata(job)}
}

// updateRequest is the chat.update replacing the message ts in channel by msg.
func updateRequest(channel, ts string, msg rendered, job *notify.Job) request {
	return request{Channel: channel, TS: ts, Text: msg.Text, Blocks: msg.Blocks, Metadata: metadata(job)}
}

// metadata tags the message with its incident and idempotency key. Slack
// does not deduplicate on it, but it lets a duplicate from an ambiguous
// retry be recognised in the channel's history.
func metadata(job *notify.Job) *slackgo.SlackMetadata {
	m := job.Message()
	return &slackgo.SlackMetadata{EventType: "arqir_notification", EventPayload: map[string]any{
		"incident_id": m.IncidentID.String(),
		"purpose":     job.Notification.Purpose,
		"key":         job.IdempotencyKey,
	}}
}

// render builds the Block Kit of a message: a header with severity and
// title, the headline with mentions, the fields in two columns, a context
// line linking the incident and, when asked, the action buttons. direct
// marks a DM, where the signed acknowledge link may be shown: it is meant
// for the one person paged, never for a channel.
func render(m arqir.Message, refs map[string]string, direct bool) rendered {
	blocks := []slackgo.Block{
		slackgo.NewHeaderBlock(plain(clipPlain(header(m), maxHeaderText)), slackgo.HeaderBlockOptionBlockID("arqir_header")),
	}
	summary := ""
	if m.Headline != "" {
		summary = "*" + escape(m.Headline) + "*"
	}
	var mentions []string
	for _, who := range m.Mentions {
		if s := mention(who); s != "" {
			mentions = append(mentions, s)
		}
	}
	if len(mentions) > 0 {
		summary = strings.TrimSpace(summary + "\n" + strings.Join(mentions, " "))
	}
	if summary == "" && len(m.Fields) == 0 {
		summary = escape(header(m)) // a section needs text or fields
	}
	// Slack takes at most ten fields per section: more go in further sections.
	fields := fieldTexts(m.Fields)
	for i := 0; i == 0 || i < len(fields); i += maxFields {
		if len(blocks) >= maxBlocks-2 {
			break // keep room for the context and the buttons
		}
		var text *slackgo.TextBlockObject
		id := "arqir_fields_" + strconv.Itoa(i/maxFields+1)
		if i == 0 {
			id = "arqir_summary"
			if summary != "" {
				text = mrkdwn(clip(summary, maxSectionText))
			}
		}
		blocks = append(blocks, slackgo.NewSectionBlock(text, fields[i:min(i+maxFields, len(fields))], nil, slackgo.SectionBlockOptionBlockID(id)))
	}
	blocks = append(blocks, slackgo.NewContextBlock("arqir_context", mrkdwn(contextLine(m, direct))))
	if buttons := actions(m, refs); len(buttons) > 0 {
		blocks = append(blocks, slackgo.NewActionBlock("arqir_actions", buttons...))
	}
	return rendered{Text: clip(escape(m.Text()), maxText), Blocks: blocks}
}

// header is "SEV1 · Checkout down", marked once resolved.
func header(m arqir.Message) string {
	title := strings.TrimSpace(m.Title)
	if title == "" {
		title = m.IncidentID.String()
	}
	h := title
	if m.Severity != "" {
		h = m.Severity + " · " + title
	}
	if m.Status == arqir.StatusResolved {
		h += " · resolved"
	}
	return h
}

// fieldTexts renders fields as "*Label*\nvalue", the two-column layout.
func fieldTexts(fields []arqir.MessageField) []*slackgo.TextBlockObject {
	out := make([]*slackgo.TextBlockObject, 0, len(fields))
	for _, f := range fields {
		v := escape(strings.TrimSpace(f.Value))
		if v == "" {
			v = "—"
		}
		out = append(out, mrkdwn(clip("*"+escape(f.Label)+"*\n"+v, maxFieldText)))
	}
	return out
}

// contextLine is the line under the message: incident, status, link.
func contextLine(m arqir.Message, direct bool) string {
	parts := []string{"*" + m.IncidentID.String() + "*"}
	if m.Status != "" {
		parts = append(parts, string(m.Status))
	}
	if l := link(m.URL, "Open in arqir"); l != "" {
		parts = append(parts, l)
	}
	if direct && m.Status.Open() {
		if l := link(m.AckURL, "Acknowledge by link"); l != "" {
			parts = append(parts, l)
		}
	}
	return clip(strings.Join(parts, " · "), maxSectionText)
}

// actions are the buttons of an open incident's message: acknowledge,
// resolve and, once the war room is known, a link to join it. A resolved
// incident has none: there is nothing left to press.
func actions(m arqir.Message, refs map[string]string) []slackgo.BlockElement {
	if !m.Actions || !m.Status.Open() {
		return nil
	}
	id := m.IncidentID.String()
	ack := slackgo.NewButtonBlockElement(ActionAcknowledge, id, plain("Acknowledge")).WithStyle(slackgo.StylePrimary)
	resolve := slackgo.NewButtonBlockElement(ActionResolve, id, plain("Resolve")).WithStyle(slackgo.StyleDanger)
	out := []slackgo.BlockElement{ack, resolve}
	if u := refs[arqir.RefWarRoomURL]; webURL(u) {
		out = append(out, slackgo.NewButtonBlockElement(ActionWarRoom, id, plain("Join war room")).WithURL(u))
	}
	return out
}

func plain(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.PlainTextType, s, true, false)
}

func mrkdwn(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, s, false, false)
}

// webURL reports whether u is an absolute http(s) URL, the only kind a
// button or link may carry.
func webURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}
