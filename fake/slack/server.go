// Package slack is a fake Slack: a real local HTTP server speaking the parts
// of the Web API (chat.postMessage, chat.update) and of incoming webhooks
// that arqir uses. It checks the bot token, knows channels and members,
// validates Block Kit the way Slack refuses it, and records every message it
// accepted. Tests and `arqir dev` point arqir's Slack base URL at it.
package slack

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/arqir/arqir/fake/fault"
)

// Identities of the fake workspace.
const (
	TeamID    = "T0ARQIR"    // the workspace
	BotUserID = "U0ARQIRBOT" // the arqir app's bot user
	BotID     = "B0ARQIR"    // the arqir app's bot

	// IncidentsChannel is the channel every fake starts with, and the one
	// its incoming webhook posts to.
	IncidentsChannel   = "#incidents"
	IncidentsChannelID = "C0INCIDENTS"
	// GeneralChannel is a second channel the bot is a member of.
	GeneralChannel   = "#general"
	GeneralChannelID = "C0GENERAL"
	// Member is a workspace member every fake starts with: a valid DM target.
	Member = "U0ONCALL1"
)

// Server is a fake Slack workspace with the arqir app installed.
type Server struct {
	// Faults makes the next requests misbehave (500, 429, hang); every
	// handler consults it before anything else.
	Faults fault.Injector

	srv      *httptest.Server
	token    string
	hookPath string

	mu       sync.Mutex
	channels map[string]*channel // by ID, DMs included
	names    map[string]string   // channel name without "#" → ID
	members  map[string]bool
	log      []Message           // every accepted post and update, in order
	current  map[string]*Message // latest content by channel ID + "/" + ts
	requests int
	lastTS   int64         // microseconds of the last ts handed out
	changed  chan struct{} // closed and replaced whenever log grows
}

// channel is a conversation the fake knows.
type channel struct {
	ID       string
	Name     string // without "#"; empty for a DM
	Member   bool   // the bot is in it; else not_in_channel
	Archived bool
}

// New starts a fake Slack on a local port with #incidents, #general and
// one member (Member). Close it when done.
func New() *Server {
	s := &Server{
		token:    "xoxb-fake-" + randomHex(12),
		hookPath: "/services/" + TeamID + "/B0HOOK/" + randomHex(12),
		channels: map[string]*channel{},
		names:    map[string]string{},
		members:  map[string]bool{},
		current:  map[string]*Message{},
		changed:  make(chan struct{}),
	}
	s.AddChannel(IncidentsChannel, IncidentsChannelID)
	s.AddChannel(GeneralChannel, GeneralChannelID)
	s.AddMember(Member)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/services/", s.serveWebhook)
	s.srv = httptest.NewServer(mux)
	return s
}

// Close shuts the server down; hanging requests are released first.
func (s *Server) Close() {
	s.Faults.Release()
	s.srv.Close()
}

// URL is the Web API base, like https://slack.com/api: methods are at
// URL()+"/chat.postMessage".
func (s *Server) URL() string { return s.srv.URL + "/api" }

// WebhookURL is the incoming webhook of #incidents. Its last path element
// is a secret, as in Slack: a wrong one is answered 404 no_service.
func (s *Server) WebhookURL() string { return s.srv.URL + s.hookPath }

// Token is the bot token (xoxb-…) the Web API accepts; any other is invalid_auth.
func (s *Server) Token() string { return s.token }

// AddChannel makes a public channel known, with the bot as a member.
// name may be given with or without "#".
func (s *Server) AddChannel(name, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name = strings.TrimPrefix(name, "#")
	s.channels[id] = &channel{ID: id, Name: name, Member: true}
	s.names[name] = id
}

// KickBot removes the bot from a channel: posts there fail with not_in_channel.
func (s *Server) KickBot(id string) { s.setChannel(id, func(c *channel) { c.Member = false }) }

// Archive archives a channel: posts there fail with is_archived.
func (s *Server) Archive(id string) { s.setChannel(id, func(c *channel) { c.Archived = true }) }

func (s *Server) setChannel(id string, f func(*channel)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[id]; c != nil {
		f(c)
	}
}

// AddMember makes a member ID (U… or W…) known: a valid DM target.
func (s *Server) AddMember(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[id] = true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
