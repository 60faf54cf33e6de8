package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"unicode/utf8"
)

// Block Kit limits Slack enforces (docs.slack.dev/reference/block-kit).
const (
	maxBlocks          = 50
	maxBlockID         = 255
	maxHeaderText      = 150
	maxSectionText     = 3000
	maxFields          = 10
	maxFieldText       = 2000
	maxContextElements = 10
	maxContextText     = 3000
	maxActionElements  = 25
	maxButtonText      = 75
	maxActionID        = 255
	maxButtonValue     = 2000
	maxURL             = 3000
)

// blockKeys lists, per block type the fake knows, the properties it may
// have. Slack refuses unknown properties ("invalid additional property"),
// and so does the fake; block types arqir does not send are refused too,
// so a new one is a deliberate change here first.
var blockKeys = map[string][]string{
	"header":  {"type", "block_id", "text"},
	"section": {"type", "block_id", "text", "fields", "accessory", "expand"},
	"context": {"type", "block_id", "elements"},
	"divider": {"type", "block_id"},
	"actions": {"type", "block_id", "elements"},
}

// validateBlocks checks a blocks argument structurally, as Slack does:
// invalid_blocks_format when it is not an array, invalid_blocks with one
// "[ERROR] … [json-pointer:…]" line per problem otherwise.
func validateBlocks(raw json.RawMessage) *apiError {
	var blocks []json.RawMessage
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return fail("invalid_blocks_format", "[ERROR] blocks must be a JSON array of objects [json-pointer:/blocks]")
	}
	c := &checker{blockIDs: map[string]bool{}}
	if len(blocks) > maxBlocks {
		c.fail("/blocks", "no more than %d items allowed", maxBlocks)
	}
	for i, b := range blocks {
		c.block(fmt.Sprintf("/blocks/%d", i), b)
	}
	if len(c.problems) > 0 {
		return fail("invalid_blocks", c.problems...)
	}
	return nil
}

// validateMetadata requires {event_type, event_payload{…}}.
func validateMetadata(raw json.RawMessage) *apiError {
	var m struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.EventType == "" || m.EventPayload == nil {
		return fail("invalid_metadata_format", "[ERROR] metadata needs event_type and an event_payload object [json-pointer:/metadata]")
	}
	return nil
}

// checker collects the problems of one blocks array.
type checker struct {
	problems []string
	blockIDs map[string]bool
}

func (c *checker) fail(ptr, format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", fmt.Sprintf(format, args...), ptr))
}

func (c *checker) block(ptr string, raw json.RawMessage) {
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil || probe == nil {
		c.fail(ptr, "must be an object")
		return
	}
	typ, _ := c.str(ptr, probe, "type", true, 0)
	keys, known := blockKeys[typ]
	if !known {
		if typ != "" {
			c.fail(ptr+"/type", "unsupported block type %q: the fake knows header, section, context, divider and actions", typ)
		}
		return
	}
	obj := c.object(ptr, raw, keys...)
	if id, ok := c.str(ptr, obj, "block_id", false, maxBlockID); ok && id != "" {
		if c.blockIDs[id] {
			c.fail(ptr+"/block_id", "block_id %q is used twice: block IDs must be unique in a message", id)
		}
		c.blockIDs[id] = true
	}
	switch typ {
	case "header":
		c.text(ptr+"/text", obj["text"], true, maxHeaderText)
	case "section":
		text, hasText := obj["text"]
		fields, hasFields := obj["fields"]
		if !hasText && !hasFields {
			c.fail(ptr, "must provide text or fields")
		}
		if hasText {
			c.text(ptr+"/text", text, false, maxSectionText)
		}
		if hasFields {
			c.array(ptr+"/fields", fields, maxFields, func(p string, e json.RawMessage) { c.text(p, e, false, maxFieldText) })
		}
		if acc, ok := obj["accessory"]; ok {
			c.button(ptr+"/accessory", acc, map[string]bool{})
		}
		if v, ok := obj["expand"]; ok {
			c.boolean(ptr+"/expand", v)
		}
	case "context":
		c.array(ptr+"/elements", obj["elements"], maxContextElements, c.contextElement)
	case "actions":
		ids := map[string]bool{}
		c.array(ptr+"/elements", obj["elements"], maxActionElements, func(p string, e json.RawMessage) { c.button(p, e, ids) })
	}
}

// text checks a text object; plainOnly for places that take plain_text only.
func (c *checker) text(ptr string, raw json.RawMessage, plainOnly bool, max int) {
	if raw == nil {
		c.fail(ptr, "missing required field: text")
		return
	}
	obj := c.object(ptr, raw, "type", "text", "emoji", "verbatim")
	if obj == nil {
		return
	}
	typ, _ := c.str(ptr, obj, "type", true, 0)
	_, emoji := obj["emoji"]
	_, verbatim := obj["verbatim"]
	switch {
	case typ == "plain_text" && verbatim:
		c.fail(ptr+"/verbatim", "verbatim is only allowed on mrkdwn text")
	case typ == "mrkdwn" && plainOnly:
		c.fail(ptr+"/type", "must be plain_text")
	case typ == "mrkdwn" && emoji:
		c.fail(ptr+"/emoji", "emoji is only allowed on plain_text")
	case typ != "" && typ != "plain_text" && typ != "mrkdwn":
		c.fail(ptr+"/type", "must be plain_text or mrkdwn")
	}
	if emoji {
		c.boolean(ptr+"/emoji", obj["emoji"])
	}
	if verbatim {
		c.boolean(ptr+"/verbatim", obj["verbatim"])
	}
	c.str(ptr, obj, "text", true, max)
}

// button checks a button element; ids collects the block's action IDs,
// which must be unique in it.
func (c *checker) button(ptr string, raw json.RawMessage, ids map[string]bool) {
	obj := c.object(ptr, raw, "type", "text", "action_id", "url", "value", "style", "confirm", "accessibility_label")
	if obj == nil {
		return
	}
	if typ, _ := c.str(ptr, obj, "type", true, 0); typ != "button" {
		if typ != "" {
			c.fail(ptr+"/type", "unsupported element type %q: the fake knows button", typ)
		}
		return
	}
	c.text(ptr+"/text", obj["text"], true, maxButtonText)
	if id, ok := c.str(ptr, obj, "action_id", true, maxActionID); ok {
		if ids[id] {
			c.fail(ptr+"/action_id", "action_id %q is used twice in the block", id)
		}
		ids[id] = true
	}
	if u, ok := c.str(ptr, obj, "url", false, maxURL); ok {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			c.fail(ptr+"/url", "must be an absolute http or https URL")
		}
	}
	c.str(ptr, obj, "value", false, maxButtonValue)
	if st, ok := c.str(ptr, obj, "style", false, 0); ok && st != "primary" && st != "danger" {
		c.fail(ptr+"/style", "must be primary or danger")
	}
	if v, ok := obj["confirm"]; ok {
		var conf map[string]json.RawMessage
		if json.Unmarshal(v, &conf) != nil || conf == nil {
			c.fail(ptr+"/confirm", "must be an object")
		}
	}
}

// contextElement checks a context element: a text object or an image.
func (c *checker) contextElement(ptr string, raw json.RawMessage) {
	var probe struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &probe) == nil && probe.Type == "image" {
		obj := c.object(ptr, raw, "type", "image_url", "alt_text")
		c.str(ptr, obj, "image_url", true, maxURL)
		c.str(ptr, obj, "alt_text", true, 2000)
		return
	}
	c.text(ptr, raw, false, maxContextText)
}

// object decodes raw as an object whose properties are all allowed; nil
// when it is not an object.
func (c *checker) object(ptr string, raw json.RawMessage, allowed ...string) map[string]json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		c.fail(ptr, "must be an object")
		return nil
	}
	var extra []string
	for k := range obj {
		if !slices.Contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		c.fail(ptr, "invalid additional property: %s", k)
	}
	return obj
}

// str reads a string property of obj (nil obj: nothing to read). A
// required one must be non-empty; max > 0 bounds its length in characters.
func (c *checker) str(ptr string, obj map[string]json.RawMessage, key string, required bool, max int) (string, bool) {
	if obj == nil {
		return "", false
	}
	v, ok := obj[key]
	if !ok {
		if required {
			c.fail(ptr, "missing required field: %s", key)
		}
		return "", false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		c.fail(ptr+"/"+key, "must be a string")
		return "", false
	}
	if required && s == "" {
		c.fail(ptr+"/"+key, "must be at least 1 character")
		return "", false
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		c.fail(ptr+"/"+key, "must be at most %d characters", max)
	}
	return s, true
}

func (c *checker) boolean(ptr string, raw json.RawMessage) {
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		c.fail(ptr, "must be a boolean")
	}
}

// array checks a required array of 1..max items with each.
func (c *checker) array(ptr string, raw json.RawMessage, max int, each func(string, json.RawMessage)) {
	if raw == nil {
		c.fail(ptr, "missing required field")
		return
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		c.fail(ptr, "must be an array")
		return
	}
	switch {
	case len(items) == 0:
		c.fail(ptr, "must have at least 1 item")
	case len(items) > max:
		c.fail(ptr, "no more than %d items allowed", max)
	}
	for i, it := range items {
		each(fmt.Sprintf("%s/%d", ptr, i), it)
	}
}

// compact returns raw without insignificant space, as recorded; nil stays nil.
func compact(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}
