package slack

import (
	"encoding/json"
	"strings"
	"testing"
)

func text(typ, s string) map[string]any { return map[string]any{"type": typ, "text": s} }

func button(actionID, label string) map[string]any {
	return map[string]any{"type": "button", "action_id": actionID, "text": text("plain_text", label)}
}

// validBlocks is a message of every block type the fake knows.
func validBlocks() []any {
	return []any{
		map[string]any{"type": "header", "block_id": "h", "text": map[string]any{"type": "plain_text", "text": "SEV1 · Checkout down", "emoji": true}},
		map[string]any{"type": "section", "text": text("mrkdwn", "*SEV1 declared* <!here>"), "fields": []any{text("mrkdwn", "*Status*\nINVESTIGATING")}},
		map[string]any{"type": "divider"},
		map[string]any{"type": "context", "elements": []any{text("mrkdwn", "INC-42"), map[string]any{"type": "image", "image_url": "https://example.com/i.png", "alt_text": "logo"}}},
		map[string]any{"type": "actions", "elements": []any{
			map[string]any{"type": "button", "action_id": "arqir_ack", "value": "INC-42", "style": "primary", "text": text("plain_text", "Acknowledge")},
			map[string]any{"type": "button", "action_id": "arqir_war_room", "url": "https://zoom.us/j/1", "text": text("plain_text", "Join war room")},
		}},
	}
}

func TestValidBlocksAreAccepted(t *testing.T) {
	s := newServer(t)
	if a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#incidents", "text": "x", "blocks": validBlocks()}); !a.ok() {
		t.Fatalf("valid blocks refused: %v", a)
	}
	raw, _ := json.Marshal(validBlocks())
	if a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#incidents", "text": "x", "blocks": string(raw)}); !a.ok() {
		t.Fatalf("blocks as a JSON string (as form clients send them) refused: %v", a)
	}
}

func TestMalformedBlocksAreRefused(t *testing.T) {
	many := make([]any, maxBlocks+1)
	for i := range many {
		many[i] = map[string]any{"type": "divider"}
	}
	tenFields := make([]any, maxFields+1)
	for i := range tenFields {
		tenFields[i] = text("mrkdwn", "x")
	}
	for _, tc := range []struct {
		name    string
		blocks  any
		code    string
		pointer string // expected in a response_metadata message
	}{
		{"not an array", map[string]any{"type": "divider"}, "invalid_blocks_format", "/blocks"},
		{"too many blocks", many, "invalid_blocks", "/blocks]"},
		{"block without type", []any{map[string]any{"text": text("plain_text", "x")}}, "invalid_blocks", "/blocks/0]"},
		{"unknown block type", []any{map[string]any{"type": "video"}}, "invalid_blocks", "/blocks/0/type"},
		{"unknown property", []any{map[string]any{"type": "divider", "colour": "red"}}, "invalid_blocks", "/blocks/0]"},
		{"duplicate block_id", []any{map[string]any{"type": "divider", "block_id": "a"}, map[string]any{"type": "divider", "block_id": "a"}}, "invalid_blocks", "/blocks/1/block_id"},
		{"header too long", []any{map[string]any{"type": "header", "text": text("plain_text", strings.Repeat("é", maxHeaderText+1))}}, "invalid_blocks", "/blocks/0/text/text"},
		{"header in mrkdwn", []any{map[string]any{"type": "header", "text": text("mrkdwn", "*x*")}}, "invalid_blocks", "/blocks/0/text/type"},
		{"header without text", []any{map[string]any{"type": "header"}}, "invalid_blocks", "/blocks/0/text"},
		{"empty text", []any{map[string]any{"type": "header", "text": text("plain_text", "")}}, "invalid_blocks", "/blocks/0/text/text"},
		{"section text too long", []any{map[string]any{"type": "section", "text": text("mrkdwn", strings.Repeat("a", maxSectionText+1))}}, "invalid_blocks", "/blocks/0/text/text"},
		{"section without text or fields", []any{map[string]any{"type": "section"}}, "invalid_blocks", "/blocks/0]"},
		{"eleven fields", []any{map[string]any{"type": "section", "fields": tenFields}}, "invalid_blocks", "/blocks/0/fields"},
		{"emoji on mrkdwn", []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "x", "emoji": true}}}, "invalid_blocks", "/blocks/0/text/emoji"},
		{"unknown text type", []any{map[string]any{"type": "section", "text": text("markdown", "x")}}, "invalid_blocks", "/blocks/0/text/type"},
		{"context without elements", []any{map[string]any{"type": "context"}}, "invalid_blocks", "/blocks/0/elements"},
		{"actions empty", []any{map[string]any{"type": "actions", "elements": []any{}}}, "invalid_blocks", "/blocks/0/elements"},
		{"button without action_id", []any{map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "button", "text": text("plain_text", "Ack")}}}}, "invalid_blocks", "/blocks/0/elements/0]"},
		{"button text in mrkdwn", []any{map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "button", "action_id": "a", "text": text("mrkdwn", "Ack")}}}}, "invalid_blocks", "/blocks/0/elements/0/text/type"},
		{"button text too long", []any{map[string]any{"type": "actions", "elements": []any{button("a", strings.Repeat("x", maxButtonText+1))}}}, "invalid_blocks", "/blocks/0/elements/0/text/text"},
		{"duplicate action_id", []any{map[string]any{"type": "actions", "elements": []any{button("a", "x"), button("a", "y")}}}, "invalid_blocks", "/blocks/0/elements/1/action_id"},
		{"bad style", []any{map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "button", "action_id": "a", "style": "red", "text": text("plain_text", "x")}}}}, "invalid_blocks", "/blocks/0/elements/0/style"},
		{"relative url", []any{map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "button", "action_id": "a", "url": "/war-room", "text": text("plain_text", "x")}}}}, "invalid_blocks", "/blocks/0/elements/0/url"},
		{"non-button element", []any{map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "static_select", "action_id": "a"}}}}, "invalid_blocks", "/blocks/0/elements/0/type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			a := apiCall(t, s, "chat.postMessage", s.Token(), map[string]any{"channel": "#incidents", "text": "x", "blocks": tc.blocks})
			if a.err() != tc.code {
				t.Fatalf("answer %v, want %s", a, tc.code)
			}
			meta, _ := a["response_metadata"].(map[string]any)
			msgs, _ := json.Marshal(meta["messages"])
			if !strings.Contains(string(msgs), "[json-pointer:"+tc.pointer) {
				t.Errorf("response_metadata.messages = %s, want one pointing at %s", msgs, tc.pointer)
			}
			if len(s.Messages()) != 0 {
				t.Error("a refused message was recorded")
			}
		})
	}
}
