package escalate_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/escalate"
)

var adaContact = arqir.Contact{ID: "on_call_lead", Title: "On-Call Lead", Source: arqir.ContactOnCall, User: "ada", Name: "Ada Lovelace",
	Email: "ada@example.com", Phone: "+14155550123", SlackUserID: "U024BE7LH", Schedule: "primary"}

func page() *arqir.Notification {
	return &arqir.Notification{ID: 3, Key: "INC-7/page/1/1/schedule:primary", Purpose: arqir.PurposePage, Step: 1, Target: "schedule:primary",
		Message: arqir.Message{Headline: "SEV1 page: Checkout down"}}
}

func TestResolve_OneIntentPerChannel(t *testing.T) {
	for _, tc := range []struct {
		name      string
		contact   arqir.Contact
		preferred []string
		want      []string // channel=address
	}{
		{"preferred channels in order", adaContact, []string{arqir.ChannelSMS, arqir.ChannelSlack}, []string{"sms=+14155550123", "slack=U024BE7LH"}},
		{"voice call", adaContact, []string{arqir.ChannelPhone}, []string{"phone=+14155550123"}},
		{"no preference: every address", adaContact, nil, []string{"slack=U024BE7LH", "email=ada@example.com", "sms=+14155550123"}},
		{"preferred without its address falls back", arqir.Contact{ID: "cto", Source: arqir.ContactPolicy, Name: "Grace", Email: "grace@example.com"}, []string{arqir.ChannelSlack}, []string{"email=grace@example.com"}},
		{"preferred listed twice", adaContact, []string{arqir.ChannelEmail, arqir.ChannelEmail}, []string{"email=ada@example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := escalate.Resolve(page(), tc.contact, tc.preferred)
			if err != nil {
				t.Fatal(err)
			}
			var chans []string
			for _, in := range got {
				chans = append(chans, in.Channel+"="+in.Address)
				if in.Key != "INC-7/page/1/1/schedule:primary/"+in.Channel || in.Purpose != arqir.PurposePage || in.Step != 1 ||
					in.Target != "schedule:primary" || in.Message.Headline != "SEV1 page: Checkout down" {
					t.Errorf("intent = %+v", in)
				}
			}
			if !reflect.DeepEqual(chans, tc.want) {
				t.Errorf("channels = %v, want %v", chans, tc.want)
			}
		})
	}
	got, _ := escalate.Resolve(page(), adaContact, nil)
	if got[0].Recipient != "Ada Lovelace (schedule:primary)" {
		t.Errorf("recipient = %q", got[0].Recipient)
	}
}

func TestResolve_Refusals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       *arqir.Notification
		c       arqir.Contact
		code    string
		message string
	}{
		{"no way to reach", page(), arqir.Contact{ID: "on_call_lead", Source: arqir.ContactOnCall, User: "ada", Name: "Ada"}, arqir.EUNPROCESSABLE,
			"Ada has no e-mail, Slack member ID or phone: add one with arqir user update ada"},
		{"policy contact without details", page(), arqir.Contact{ID: "cto", Title: "CTO", Source: arqir.ContactPolicy, Name: "Grace"}, arqir.EUNPROCESSABLE,
			"Grace has no e-mail, Slack member ID or phone: add one to the policy's contacts, or assign a user who has one with arqir contacts assign cto USER"},
		{"role not filled", page(), arqir.Contact{ID: "cto", Title: "CTO", Source: arqir.ContactNotSet}, arqir.EUNPROCESSABLE,
			"nobody fills schedule:primary for page: assign someone with arqir contacts assign cto USER"},
		{"role not filled, with the directory's note", page(), arqir.Contact{ID: "on_call_lead", Source: arqir.ContactNotSet, Note: "nobody is on call in primary: add an override"}, arqir.EUNPROCESSABLE,
			"nobody fills schedule:primary for page: nobody is on call in primary: add an override"},
		{"already addressed", &arqir.Notification{Key: "k", Purpose: arqir.PurposePage, Channel: arqir.ChannelSMS}, adaContact, arqir.EINVALID, "already addressed"},
		{"a channel message", &arqir.Notification{Key: "k", Purpose: arqir.PurposeInitialNotice}, adaContact, arqir.EINVALID, "not addressed to a person"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := escalate.Resolve(tc.n, tc.c, nil)
			if err == nil || arqir.ErrorCode(err) != tc.code || !strings.Contains(arqir.ErrorMessage(err), tc.message) {
				t.Errorf("Resolve = %v, %v; want %s …%s…", got, err, tc.code, tc.message)
			}
		})
	}
}

// The planner and Resolve hold no secrets (tokens, routing keys and
// passwords stay in the notifiers); what their refusals must not spill is
// a person's private contact details, which go only where they were asked
// to go.
func TestResolve_ErrorTextHasNoContactDetails(t *testing.T) {
	c := adaContact
	c.Source = arqir.ContactNotSet
	c.Note = ""
	_, err := escalate.Resolve(page(), c, nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, secret := range []string{c.Email, c.Phone, c.SlackUserID} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error text %q contains %q", err, secret)
		}
	}
}
