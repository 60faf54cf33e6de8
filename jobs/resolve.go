package jobs

import (
	"context"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// resolve finds who fills a notification's target now — whoever is on call
// in a schedule, a user, or the person in a contact role — and replaces the
// notification with one per channel that person is reached on. Nobody to
// reach is a failure with the reason on the timeline: the escalation
// deadline still runs, so the next step is paged anyway.
func (d *Dispatcher) resolve(ctx context.Context, n *arqir.Notification) arqir.Delivery {
	c, channels, err := d.recipient(ctx, n)
	if err == nil {
		var intents []arqir.NotificationIntent
		if intents, err = d.cfg.Resolve(n, c, channels); err == nil {
			var via []string
			for _, in := range intents {
				via = append(via, in.Channel)
			}
			who := c.Name
			if who == "" {
				who = c.User
			}
			return arqir.Delivery{State: arqir.NotificationDelivered, Resolved: intents,
				Reason: fmt.Sprintf("%s is %s: sending via %s", n.Target, who, strings.Join(via, ", "))}
		}
	}
	if arqir.ErrorCode(err) == arqir.EINTERNAL {
		return d.retry(n, asRetryable(err))
	}
	return arqir.Delivery{State: arqir.NotificationFailed, Reason: arqir.ErrorMessage(err)}
}

// recipient returns the contact behind a target and their preferred channels.
func (d *Dispatcher) recipient(ctx context.Context, n *arqir.Notification) (arqir.Contact, []string, error) {
	now := d.cfg.Now()
	switch {
	case strings.HasPrefix(n.Target, "schedule:"):
		schedule := strings.TrimPrefix(n.Target, "schedule:")
		answers, err := d.oncall.do(schedule, func() ([]*arqir.OnCallAnswer, error) { return d.cfg.Store.WhoIsOnCall(ctx, schedule, now) })
		if err != nil {
			return arqir.Contact{}, nil, err
		}
		if len(answers) == 0 || !answers[0].OnCall() {
			why := "nobody is on call"
			if len(answers) > 0 && answers[0].Problem != "" {
				why = answers[0].Problem
			} else if len(answers) > 0 && !answers[0].Assigned {
				why = "the schedule has no participants: add them with arqir oncall participants --schedule " + schedule
			}
			return arqir.Contact{}, nil, arqir.Errorf(arqir.EUNPROCESSABLE, "%s at %s: %s", n.Target, now.Format("2006-01-02 15:04 MST"), why)
		}
		return d.userContact(ctx, n.Target, answers[0].Shift.User, arqir.ContactOnCall)
	case strings.HasPrefix(n.Target, "user:"):
		return d.userContact(ctx, n.Target, strings.TrimPrefix(n.Target, "user:"), arqir.ContactAssigned)
	}
	// Only the role paged is resolved, not the whole directory: this runs
	// for every page to a role, right before it is sent.
	c, err := d.contacts.do(n.Target, func() (arqir.Contact, error) { return d.cfg.Store.Contact(ctx, n.Target, now) })
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		return arqir.Contact{}, nil, arqir.Errorf(arqir.EUNPROCESSABLE, "%q is not a contact of the active policy", n.Target)
	} else if err != nil {
		return arqir.Contact{}, nil, err
	}
	if !c.Set() {
		return arqir.Contact{}, nil, arqir.Errorf(arqir.EUNPROCESSABLE, "the %s contact is not set: assign a user with `arqir contacts assign %s <user>` or name the person in the policy", c.Title, c.ID)
	}
	if c.User != "" {
		if u, err := d.user(ctx, c.User); err == nil {
			return c, u.NotificationChannels, nil
		}
	}
	return c, nil, nil
}

func (d *Dispatcher) userContact(ctx context.Context, target, handle, source string) (arqir.Contact, []string, error) {
	u, err := d.user(ctx, handle)
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		return arqir.Contact{}, nil, arqir.Errorf(arqir.EUNPROCESSABLE, "%s names %q, who is not an arqir user: add them with arqir user add", target, handle)
	} else if err != nil {
		return arqir.Contact{}, nil, err
	}
	c := arqir.Contact{ID: target, Title: target, Source: source, User: u.Handle, Name: u.DisplayName(),
		Email: u.Email, Phone: u.Phone, SlackUserID: u.SlackUserID}
	return c, u.NotificationChannels, nil
}

// user reads a user, sharing the read with the pages resolving to them at
// the same moment.
func (d *Dispatcher) user(ctx context.Context, handle string) (*arqir.User, error) {
	return d.users.do(handle, func() (*arqir.User, error) { return d.cfg.Store.User(ctx, handle) })
}

func asRetryable(err error) *notify.Error { return &notify.Error{Retryable: true, Err: err} }
