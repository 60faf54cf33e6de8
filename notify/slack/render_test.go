package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const incidentURL = "https://arqir.example.com/incidents/42"

// initialNotice is the C1 notice of a SEV1: who is told, what, when.
func initialNotice() arqir.Message {
	return arqir.Message{
		IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusInvestigating,
		Headline: "SEV1 declared: Checkout down",
		Fields: []arqir.MessageField{
			{Label: "What", Value: "Checkout answers 500 to every order"},
			{Label: "When", Value: "2025-03-03 14:02 UTC"},
			{Label: "Severity", Value: "SEV1"},
			{Label: "Status", Value: "INVESTIGATING"},
		},
		Mentions: []string{"here", "S0PAYMENTS", "U024BE7LH", "@oncall-lead"},
		URL:      incidentURL, Actions: true,
	}
}

// statusUpdate is a C2 update, posted in the incident message's thread.
func statusUpdate() arqir.Message {
	return arqir.Message{
		IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusIdentified,
		Headline: "Update: Checkout down is IDENTIFIED",
		Fields: []arqir.MessageField{
			{Label: "Status", Value: "IDENTIFIED"},
			{Label: "Investigating", Value: "Payment provider timeouts"},
			{Label: "Findings", Value: "Connection pool exhausted after deploy 2025.03.1"},
			{Label: "ETA", Value: "15 min"},
		},
		URL: incidentURL, InThread: true,
	}
}

// resolution is the C3 notice: service restored, cause and impact.
func resolution() arqir.Message {
	return arqir.Message{
		IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusResolved,
		Headline: "Resolved: Checkout down",
		Fields: []arqir.MessageField{
			{Label: "Root cause", Value: "Pool size regressed to 5 in deploy 2025.03.1"},
			{Label: "Customer impact", Value: "Orders failed for 38 minutes"},
			{Label: "Duration", Value: "38m"},
		},
		URL: incidentURL,
	}
}

// statusSync edits the incident's channel message to its current state.
func statusSync() arqir.Message {
	m := initialNotice()
	m.Status, m.Headline, m.Mentions, m.UpdateInPlace = arqir.StatusIdentified, "SEV1: Checkout down is IDENTIFIED", nil, true
	m.Fields[3].Value = "IDENTIFIED"
	return m
}

// page is a DM to the paged person, with their signed acknowledge link.
func page() arqir.Message {
	return arqir.Message{
		IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusInvestigating,
		Headline: "You are paged: SEV1 Checkout down",
		Fields:   []arqir.MessageField{{Label: "Step", Value: "1 (primary on call)"}},
		URL:      incidentURL, AckURL: "https://arqir.example.com/ack/42?sig=abc&exp=1", Actions: true,
	}
}

func job(purpose, address string, m arqir.Message, refs map[string]string) *notify.Job {
	return &notify.Job{
		Notification:   &arqir.Notification{IncidentID: m.IncidentID, Purpose: purpose, Address: address, Recipient: address, Message: m},
		Refs:           refs,
		IdempotencyKey: "INC-42/" + purpose + "/" + address,
	}
}

var warRoom = map[string]string{arqir.RefWarRoomURL: "https://zoom.us/j/123456789"}

var incidentRefs = map[string]string{
	arqir.RefSlackChannel: "C0INCIDENTS", arqir.RefSlackTS: "1741010520.000100",
	arqir.RefWarRoomURL: "https://zoom.us/j/123456789",
}

// TestGolden pins the Slack payloads arqir sends; -update rewrites them.
// Each case is one file under testdata/.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		req  func() request
	}{
		{"initial_notice.json", func() request {
			j := job(arqir.PurposeInitialNotice, "#incidents", initialNotice(), warRoom)
			return postRequest("#incidents", "", render(j.Message(), j.Refs, false), j)
		}},
		{"status_update_thread.json", func() request {
			j := job(arqir.PurposeStatusUpdate, "#incidents", statusUpdate(), incidentRefs)
			return postRequest(incidentRefs[arqir.RefSlackChannel], incidentRefs[arqir.RefSlackTS], render(j.Message(), j.Refs, false), j)
		}},
		{"resolution.json", func() request {
			j := job(arqir.PurposeResolution, "#incidents", resolution(), incidentRefs)
			return postRequest("#incidents", "", render(j.Message(), j.Refs, false), j)
		}},
		{"update_in_place.json", func() request {
			j := job(arqir.PurposeStatusSync, "#incidents", statusSync(), incidentRefs)
			return updateRequest(incidentRefs[arqir.RefSlackChannel], incidentRefs[arqir.RefSlackTS], render(j.Message(), j.Refs, false), j)
		}},
		{"direct_page.json", func() request {
			j := job(arqir.PurposePage, "U024BE7LH", page(), nil)
			return postRequest("U024BE7LH", "", render(j.Message(), j.Refs, true), j)
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := encode(tc.req())
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, raw, "", "  "); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v: run go test -run TestGolden -update to write it", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from the rendered payload; if the change is intended, run go test -run TestGolden -update\ngot:\n%s", path, got.Bytes())
			}
		})
	}
}

func TestMentions(t *testing.T) {
	for in, want := range map[string]string{
		"here":         "<!here>",
		"@channel":     "<!channel>",
		"S0PAYMENTS":   "<!subteam^S0PAYMENTS>",
		"U024BE7LH":    "<@U024BE7LH>",
		"W0ENTERPRISE": "<@W0ENTERPRISE>",
		"Sam":          "@Sam", // a name, not an ID: shown, not resolved
		"oncall<lead>": "@oncall&lt;lead&gt;",
		" ":            "",
	} {
		if got := mention(in); got != want {
			t.Errorf("mention(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUserTextCannotNotifyTheChannel: a title from an alert holding Slack
// control sequences is shown as text, never as a mention.
func TestUserTextCannotNotifyTheChannel(t *testing.T) {
	m := initialNotice()
	m.Mentions = nil
	m.Headline = "SEV1 declared: <!channel> & <@U024BE7LH>"
	m.Fields = []arqir.MessageField{{Label: "What", Value: "<!everyone>"}}
	r := render(m, nil, false)
	raw, err := encode(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<!channel>", "<!everyone>", "<@U024BE7LH>"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("rendered message contains %s unescaped: %s", bad, raw)
		}
	}
	if !strings.Contains(string(raw), "&lt;!channel&gt; &amp; &lt;@U024BE7LH&gt;") {
		t.Errorf("headline not escaped as Slack wants (&amp; &lt; &gt;): %s", raw)
	}
}

func TestLongTextIsClippedWithinSlackLimits(t *testing.T) {
	m := initialNotice()
	m.Title = strings.Repeat("Checkout & payments ", 20)
	m.Headline = strings.Repeat("<x> & ", 1000)
	m.Fields = nil
	for i := range 25 {
		m.Fields = append(m.Fields, arqir.MessageField{Label: "Field", Value: strings.Repeat("é", 3000+i)})
	}
	r := render(m, nil, false)
	raw, _ := json.Marshal(r.Blocks)
	var blocks []struct {
		Type   string `json:"type"`
		Text   *struct{ Text string }
		Fields []struct{ Text string }
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	sections := 0
	for _, b := range blocks {
		if b.Type == "header" && utf8.RuneCountInString(b.Text.Text) > maxHeaderText {
			t.Errorf("header is %d characters, Slack takes %d", utf8.RuneCountInString(b.Text.Text), maxHeaderText)
		}
		if b.Type != "section" {
			continue
		}
		sections++
		if b.Text != nil && utf8.RuneCountInString(b.Text.Text) > maxSectionText {
			t.Errorf("section text is %d characters, Slack takes %d", utf8.RuneCountInString(b.Text.Text), maxSectionText)
		}
		if b.Text != nil {
			s := strings.TrimSuffix(b.Text.Text, "…")
			if i := strings.LastIndex(s, "&"); i >= 0 && !strings.Contains(s[i:], ";") {
				t.Errorf("clipped text ends in a cut escape: %q", s[i:])
			}
		}
		if len(b.Fields) > maxFields {
			t.Errorf("a section has %d fields, Slack takes %d", len(b.Fields), maxFields)
		}
		for _, f := range b.Fields {
			if utf8.RuneCountInString(f.Text) > maxFieldText {
				t.Errorf("a field is %d characters, Slack takes %d", utf8.RuneCountInString(f.Text), maxFieldText)
			}
		}
	}
	if sections != 3 {
		t.Errorf("25 fields went into %d sections, want 3 (ten fields each at most)", sections)
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdefghij", 5, "abcd…"},
		{"ab&amp;cd", 5, "ab…"},        // never half an escape
		{"a <@U024BE7LH> b", 8, "a …"}, // never half a mention
		{"éééééé", 4, "ééé…"},
	} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestButtons(t *testing.T) {
	ids := func(m arqir.Message, refs map[string]string) []string {
		var out []string
		for _, b := range actions(m, refs) {
			raw, _ := json.Marshal(b)
			var v struct {
				ActionID string `json:"action_id"`
			}
			_ = json.Unmarshal(raw, &v)
			out = append(out, v.ActionID)
		}
		return out
	}
	m := initialNotice()
	if got := strings.Join(ids(m, nil), ","); got != "arqir_ack,arqir_resolve" {
		t.Errorf("buttons without a war room: %s", got)
	}
	if got := strings.Join(ids(m, warRoom), ","); got != "arqir_ack,arqir_resolve,arqir_war_room" {
		t.Errorf("buttons with a war room: %s", got)
	}
	if got := ids(m, map[string]string{arqir.RefWarRoomURL: "javascript:alert(1)"}); len(got) != 2 {
		t.Errorf("a war-room ref that is not a web URL became a button: %v", got)
	}
	m.Actions = false
	if got := ids(m, warRoom); len(got) != 0 {
		t.Errorf("buttons without Message.Actions: %v", got)
	}
	m = initialNotice()
	m.Status = arqir.StatusResolved
	if got := ids(m, warRoom); len(got) != 0 {
		t.Errorf("buttons on a resolved incident: %v", got)
	}
}
