package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Message is one message the fake accepted: a post, an update of an
// earlier post (Updated), or a post through the incoming webhook (Webhook).
type Message struct {
	// Channel is the ID of the conversation it is in: C… for a channel,
	// D… for a direct message.
	Channel string
	// Addressed is the channel argument as the client sent it ("#incidents",
	// "C0INCIDENTS", a member ID for a DM); empty for webhook posts.
	Addressed string
	TS        string
	// ThreadTS is the ts of the thread's parent when it is a reply.
	ThreadTS string
	Text     string
	// Blocks is the Block Kit array as sent (compact JSON), or nil.
	Blocks json.RawMessage
	// Metadata is the message metadata as sent, or nil.
	Metadata json.RawMessage
	// Updated says this entry is a chat.update of the message TS.
	Updated bool
	// Webhook says it came through the incoming webhook.
	Webhook bool
	Time    time.Time
}

// Messages returns every accepted post and update, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.log...)
}

// WaitMessages waits until at least n messages were accepted and returns
// them all, or fails when ctx ends first.
func (s *Server) WaitMessages(ctx context.Context, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		if len(s.log) >= n {
			out := append([]Message(nil), s.log...)
			s.mu.Unlock()
			return out, nil
		}
		changed, have := s.changed, len(s.log)
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("fake slack: %d of %d messages arrived: %w", have, n, ctx.Err())
		}
	}
}

// Latest returns the current content of the message ts in the channel with
// the given ID, updates applied.
func (s *Server) Latest(channelID, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.current[channelID+"/"+ts]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// Requests counts every request the fake received, refused ones and
// injected faults included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// countRequest counts r; every handler calls it first.
func (s *Server) countRequest() {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
}

// record appends m to the log and, for a new message, to the current set;
// for an update it replaces the stored content. Called with s.mu held.
func (s *Server) record(m Message) {
	s.log = append(s.log, m)
	stored := m
	s.current[m.Channel+"/"+m.TS] = &stored
	close(s.changed)
	s.changed = make(chan struct{})
}

// nextTS hands out a unique, increasing ts in Slack's form
// "<unix seconds>.<microseconds>". Called with s.mu held.
func (s *Server) nextTS(now time.Time) string {
	us := now.UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}
