package slack

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxText is the longest text Slack takes in a message (msg_too_long).
const maxText = 40000

// postMessage serves chat.postMessage: a new message in a channel, a DM
// (channel = member ID) or a thread (thread_ts = a message in that channel).
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	c, e := s.readCall(r)
	if e == nil {
		e = checkContent(c, true)
	}
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, e := s.resolve(c.Channel)
	if e != nil {
		writeError(w, e)
		return
	}
	thread := ""
	if c.ThreadTS != "" {
		parent, ok := s.current[ch.ID+"/"+c.ThreadTS]
		if !ok {
			writeError(w, fail("thread_not_found"))
			return
		}
		// A reply to a reply lands in the parent's thread, as in Slack.
		thread = parent.TS
		if parent.ThreadTS != "" {
			thread = parent.ThreadTS
		}
	}
	now := time.Now().UTC()
	m := Message{Channel: ch.ID, Addressed: c.Channel, TS: s.nextTS(now), ThreadTS: thread,
		Text: c.Text, Blocks: compact(c.Blocks), Metadata: compact(c.Metadata), Time: now}
	s.record(m)
	writeOK(w, c, map[string]any{"channel": ch.ID, "ts": m.TS, "message": messageJSON(m)})
}

// update serves chat.update: replaces the text, and the blocks when given,
// of an existing message. The channel must be the ID Slack answered with.
func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	c, e := s.readCall(r)
	if e == nil {
		e = checkContent(c, false)
	}
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[c.Channel]
	if ch == nil {
		writeError(w, fail("channel_not_found"))
		return
	}
	old, ok := s.current[ch.ID+"/"+c.TS]
	if c.TS == "" || !ok {
		writeError(w, fail("message_not_found"))
		return
	}
	if ch.Archived {
		writeError(w, fail("is_archived"))
		return
	}
	m := *old
	m.Addressed, m.Updated, m.Webhook, m.Time = c.Channel, true, false, time.Now().UTC()
	if c.Text != "" {
		m.Text = c.Text
	}
	// Without blocks Slack keeps the old ones; an empty array removes them.
	if c.Blocks != nil {
		m.Blocks = compact(c.Blocks)
	}
	if c.Metadata != nil {
		m.Metadata = compact(c.Metadata)
	}
	s.record(m)
	writeOK(w, c, map[string]any{"channel": ch.ID, "ts": m.TS, "text": m.Text, "message": messageJSON(m)})
}

// checkContent refuses a message without text or blocks, one too long, and
// malformed blocks or metadata. An update may omit blocks.
func checkContent(c *call, post bool) *apiError {
	if c.Blocks != nil {
		if e := validateBlocks(c.Blocks); e != nil {
			return e
		}
	}
	if c.Metadata != nil {
		if e := validateMetadata(c.Metadata); e != nil {
			return e
		}
	}
	switch {
	case utf8.RuneCountInString(c.Text) > maxText:
		return fail("msg_too_long")
	case c.Text == "" && (c.Blocks == nil || string(c.Blocks) == "[]"):
		return fail("no_text")
	case post && c.Channel == "":
		return fail("channel_not_found")
	}
	return nil
}

// resolve finds the conversation a post names: a channel by name (with or
// without "#") or ID, or a member ID, which opens their DM with the bot.
// Called with s.mu held.
func (s *Server) resolve(name string) (*channel, *apiError) {
	id := name
	if known, ok := s.names[strings.TrimPrefix(name, "#")]; ok {
		id = known
	}
	ch := s.channels[id]
	if ch == nil && s.members[name] {
		dm := "D" + name[1:]
		ch = &channel{ID: dm, Member: true}
		s.channels[dm] = ch
	}
	switch {
	case ch == nil:
		return nil, fail("channel_not_found")
	case ch.Archived:
		return nil, fail("is_archived")
	case !ch.Member:
		return nil, fail("not_in_channel")
	}
	return ch, nil
}

// messageJSON is the message object Slack returns with a post or update.
func messageJSON(m Message) map[string]any {
	out := map[string]any{"type": "message", "user": BotUserID, "bot_id": BotID, "team": TeamID, "text": m.Text, "ts": m.TS}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	if m.Updated {
		out["edited"] = map[string]any{"user": BotUserID, "ts": m.TS}
	}
	return out
}
