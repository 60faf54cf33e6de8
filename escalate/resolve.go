package escalate

import (
	"fmt"
	"slices"

	"github.com/arqir/arqir"
)

// resolvable are the purposes whose notifications address a role that a
// person fills when they are due.
var resolvable = []string{arqir.PurposePage, arqir.PurposeEscalation, arqir.PurposeStakeholder, arqir.PurposeUpdateReminder, arqir.PurposeRCAReminder, arqir.PurposeActionItemReminder, arqir.PurposeRCAInvite}

// Resolve turns a notification addressed to a role (a page, escalation,
// stakeholder message, update or RCA reminder whose Channel is empty) into
// one intent per channel the person filling the role is reached on: channels are the
// person's preferred channels (from their user record) that they have an
// address for; with none, every address they have (Slack member ID,
// e-mail, phone by SMS). Each child keeps the purpose, step and message
// and gets the key n.Key + "/" + channel. Returns EUNPROCESSABLE when
// nobody fills the role or the person has no address, EINVALID for a
// notification that is not addressed to a role.
func Resolve(n *arqir.Notification, c arqir.Contact, channels []string) ([]arqir.NotificationIntent, error) {
	switch {
	case n.Channel != "":
		return nil, arqir.Errorf(arqir.EINVALID, "notification %s is already addressed to %s: only one addressed to a role is resolved", n.Key, n.Channel)
	case !slices.Contains(resolvable, n.Purpose):
		return nil, arqir.Errorf(arqir.EINVALID, "a %s notification is not addressed to a person: only pages, escalations, stakeholder messages and reminders are resolved", n.Purpose)
	case !c.Set():
		todo := c.Note
		if todo == "" {
			todo = fmt.Sprintf("assign someone with arqir contacts assign %s USER", c.ID)
		}
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "nobody fills %s for %s: %s", n.Target, n.Purpose, todo)
	}
	name := c.Name
	for _, alt := range []string{c.User, c.Title, n.Target} {
		if name == "" {
			name = alt
		}
	}
	address := map[string]string{
		arqir.ChannelSlack: c.SlackUserID,
		arqir.ChannelEmail: c.Email,
		arqir.ChannelSMS:   c.Phone,
		arqir.ChannelPhone: c.Phone,
	}
	var use []string
	for _, ch := range channels {
		if address[ch] != "" && !slices.Contains(use, ch) {
			use = append(use, ch)
		}
	}
	if len(use) == 0 {
		for _, ch := range []string{arqir.ChannelSlack, arqir.ChannelEmail, arqir.ChannelSMS} {
			if address[ch] != "" {
				use = append(use, ch)
			}
		}
	}
	if len(use) == 0 {
		fix := "add one with arqir user update " + c.User
		if c.User == "" {
			fix = "add one to the policy's contacts, or assign a user who has one with arqir contacts assign " + c.ID + " USER"
		}
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "%s has no e-mail, Slack member ID or phone: %s", name, fix)
	}
	out := make([]arqir.NotificationIntent, len(use))
	for i, ch := range use {
		out[i] = arqir.NotificationIntent{
			Key: n.Key + "/" + ch, Purpose: n.Purpose, Step: n.Step, Target: n.Target,
			Channel: ch, Address: address[ch], Recipient: fmt.Sprintf("%s (%s)", name, n.Target), Message: n.Message,
		}
	}
	return out, nil
}
