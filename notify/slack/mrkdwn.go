package slack

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Slack IDs: user groups (S…), and members (U…, W… on Enterprise Grid).
var (
	userGroupID = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
	memberID    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
)

// mention renders one entry of Message.Mentions in Slack's syntax:
// "here" and "channel" notify the channel, S… IDs a user group, U…/W…
// IDs a member; anything else is shown as @name without notifying anyone,
// since Slack resolves only IDs.
func mention(who string) string {
	who = strings.TrimPrefix(strings.TrimSpace(who), "@")
	switch {
	case who == "":
		return ""
	case who == "here" || who == "channel":
		return "<!" + who + ">"
	case userGroupID.MatchString(who):
		return "<!subteam^" + who + ">"
	case memberID.MatchString(who):
		return "<@" + who + ">"
	}
	return "@" + escape(who)
}

// escaper escapes the three characters Slack's mrkdwn treats as control
// characters. Titles and fields come from people and alerts: unescaped, a
// title holding "<!channel>" would notify the whole channel.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

// link renders an http(s) URL as a mrkdwn link with label; "" for
// anything else.
func link(u, label string) string {
	if !webURL(u) {
		return ""
	}
	// "|" ends the URL part of a link; percent-encoded it means the same.
	u = strings.ReplaceAll(u, "|", "%7C")
	return "<" + escape(u) + "|" + escape(label) + ">"
}

// clipPlain shortens plain text to at most n characters, ending in "…".
func clipPlain(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// clip shortens mrkdwn to at most n characters, ending in "…", without
// cutting an escape (&amp;) or a link or mention (<…>) in half.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	out := strings.TrimSuffix(clipPlain(s, n), "…")
	if i := strings.LastIndexByte(out, '&'); i >= 0 && !strings.Contains(out[i:], ";") {
		out = out[:i]
	}
	if i := strings.LastIndexByte(out, '<'); i >= 0 && !strings.Contains(out[i:], ">") {
		out = out[:i]
	}
	return out + "…"
}
