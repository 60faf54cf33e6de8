package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/arqir/arqir"
)

// slackWindow is how far a request's timestamp may be from this server's
// clock (Slack's v0 scheme; slack-go enforces it). A signature seen within
// it is a replay.
const slackWindow = 5 * time.Minute

// maxSlackReplays bounds the remembered signatures: far more than Slack
// sends in slackWindow, small enough that a flood cannot exhaust memory.
const maxSlackReplays = 10000

// slackInbound is what the Slack routes share: the signing secret, the
// signatures seen recently, and where replies to buttons may be posted.
type slackInbound struct {
	secret string
	seen   *replayCache
	// wallNow is the clock Slack's timestamps are compared with: the real
	// one, like slack-go's own check, whatever clock the app runs on.
	wallNow func() time.Time

	responsePrefix string
	replies        *http.Client
	logger         *slog.Logger
}

func newSlackInbound(secret, responsePrefix string, logger *slog.Logger) *slackInbound {
	return &slackInbound{
		secret:         secret,
		seen:           newReplayCache(maxSlackReplays),
		wallNow:        time.Now,
		responsePrefix: responsePrefix,
		replies:        &http.Client{Timeout: slackReplyTimeout},
		logger:         logger,
	}
}

// verifySlack reads the raw body of a Slack request and proves it came from
// Slack before anything in it is parsed: the v0 signature (HMAC-SHA256 of
// "v0:<timestamp>:<body>" with the signing secret, compared in constant
// time, timestamp within 5 minutes; slack.NewSecretsVerifier does both),
// then that this (timestamp, signature) pair was not seen before. Returns
// ENOTFOUND when Slack is not configured, EUNAUTHORIZED for everything
// else; a refused request changes nothing.
//
// Replays are remembered in the database until the window closes, so a
// replay sent to another replica is refused too; an in-memory cache in
// front saves the write for the common replay to the same replica.
func (s *server) verifySlack(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if s.slack == nil {
		return nil, arqir.Errorf(arqir.ENOTFOUND, "Slack is not configured on this arqir server: an admin sets the Slack app's signing secret (Basic Information → App Credentials → Signing Secret) in arqir's configuration")
	}
	body, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	sv, err := slack.NewSecretsVerifier(r.Header, s.slack.secret)
	switch {
	case errors.Is(err, slack.ErrMissingHeaders):
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "missing X-Slack-Signature or X-Slack-Request-Timestamp: only Slack may call this route, with the request signed by the app's signing secret")
	case errors.Is(err, slack.ErrExpiredTimestamp):
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "the Slack request's timestamp is more than 5 minutes from this server's clock: a replayed request, or a server clock out of sync (check NTP); nothing was done")
	case err != nil:
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "the Slack request's signature or timestamp is malformed: only Slack may call this route; nothing was done")
	}
	_, _ = sv.Write(body) // a hash.Hash never fails to write
	if sv.Ensure() != nil {
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "the Slack signature does not match: check that arqir's Slack signing secret is the app's (Basic Information → Signing Secret); nothing was done")
	}
	ts, _ := strconv.ParseInt(r.Header.Get("X-Slack-Request-Timestamp"), 10, 64) // parsed by the verifier already
	// Hex is case-insensitive: the same signature in capitals is the same request.
	key := strconv.FormatInt(ts, 10) + ":" + strings.ToLower(r.Header.Get("X-Slack-Signature"))
	until := time.Unix(ts, 0).Add(slackWindow)
	replay := arqir.Errorf(arqir.EUNAUTHORIZED, "this Slack request was already received (same timestamp and signature): a replay; nothing was done")
	if !s.slack.seen.firstSeen(key, s.slack.wallNow(), until) {
		return nil, replay
	}
	// The database remembers it for every replica: a replay sent to
	// another one is refused too.
	if fresh, err := s.store.FirstSeen(r.Context(), "slack:"+key, s.slack.wallNow(), until); err != nil {
		return nil, err
	} else if !fresh {
		return nil, replay
	}
	return body, nil
}

// replayCache remembers keys until their window closes, at most max of
// them; past that the oldest is forgotten early, which only lets a very old
// replay through to idempotent actions.
type replayCache struct {
	mu    sync.Mutex
	until map[string]time.Time
	order []string // keys, oldest first
	max   int
}

func newReplayCache(max int) *replayCache {
	return &replayCache{until: map[string]time.Time{}, max: max}
}

// firstSeen records key until until and reports whether it was new.
func (c *replayCache) firstSeen(key string, now, until time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.order) > 0 && !now.Before(c.until[c.order[0]]) {
		delete(c.until, c.order[0])
		c.order = c.order[1:]
	}
	if _, ok := c.until[key]; ok {
		return false
	}
	if len(c.order) >= c.max {
		delete(c.until, c.order[0])
		c.order = c.order[1:]
	}
	c.until[key] = until
	c.order = append(c.order, key)
	return true
}
