package arqir

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who can be on call, be assigned a contact role and be
// notified. Users are operational data, managed through the API; the
// schedules they rotate through come from the policy.
type User struct {
	// Handle identifies the user everywhere: in rotations, overrides,
	// contacts and messages. Lowercase, unique forever (a deleted user's
	// handle is not handed out again, so old shifts keep meaning one person).
	Handle string `json:"handle"`
	// Name is how people see the user, e.g. "Ada Lovelace".
	Name string `json:"name"`
	// Email address, if known.
	Email string `json:"email"`
	// SlackUserID is the Slack member ID, e.g. U024BE7LH, if known.
	SlackUserID string `json:"slack_user_id"`
	// Phone in E.164 form, e.g. +14155550123, if known.
	Phone string `json:"phone"`
	// TimeZone is the IANA zone the user lives in, e.g. Europe/Berlin.
	TimeZone string `json:"time_zone"`
	// NotificationChannels are the channels to reach the user on, in order
	// of preference, e.g. ["slack", "email"].
	NotificationChannels []string  `json:"notification_channels"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
	// DeletedAt is set once the user was removed: they are no longer on
	// call, and their turns in rotations show as gaps until reassigned.
	DeletedAt *time.Time `json:"deleted_at"`
}

// Deleted reports whether the user was removed.
func (u *User) Deleted() bool { return u.DeletedAt != nil }

// DisplayName is the name, or the handle when there is none.
func (u *User) DisplayName() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Handle
}

// Notification channels a user may prefer (paging delivers on them).
const (
	ChannelSlack = "slack" // direct message; needs SlackUserID
	ChannelEmail = "email" // needs Email
	ChannelSMS   = "sms"   // text message; needs Phone
	ChannelPhone = "phone" // voice call; needs Phone
)

// NotificationChannels lists every valid channel.
var NotificationChannels = []string{ChannelSlack, ChannelEmail, ChannelSMS, ChannelPhone}

// UserInput is what creating a user takes.
type UserInput struct {
	Handle               string
	Name                 string
	Email                string
	SlackUserID          string
	Phone                string
	TimeZone             string // empty means UTC
	NotificationChannels []string
}

// UserPatch changes some fields of a user; nil fields stay as they are.
type UserPatch struct {
	Name                 *string
	Email                *string
	SlackUserID          *string
	Phone                *string
	TimeZone             *string
	NotificationChannels *[]string
}

// Empty reports whether the patch changes nothing.
func (p UserPatch) Empty() bool {
	return p.Name == nil && p.Email == nil && p.SlackUserID == nil && p.Phone == nil && p.TimeZone == nil && p.NotificationChannels == nil
}

var (
	handleRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	phoneRE   = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	slackIDRE = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
)

// CheckHandle reports whether s can be a user handle.
func CheckHandle(field, s string) error {
	switch {
	case s == "":
		return FieldErrorf(EUNPROCESSABLE, field, "a handle is required: use the person's usual short name, e.g. ada")
	case strings.ToLower(s) != s && handleRE.MatchString(strings.ToLower(s)):
		return FieldErrorf(EUNPROCESSABLE, field, "handle %q has capital letters: handles are lowercase, e.g. %q", s, strings.ToLower(s))
	case !handleRE.MatchString(s):
		return FieldErrorf(EUNPROCESSABLE, field, "handle %q is not usable: use up to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. ada or ada.lovelace", s)
	case s == SystemActor.Name:
		return FieldErrorf(EUNPROCESSABLE, field, "%q is reserved for arqir's own actions: pick another handle", s)
	}
	return nil
}

// Normalize trims the input and fills defaults: a time zone of UTC, no
// channels.
func (in UserInput) Normalize() UserInput {
	in.Handle = strings.TrimSpace(in.Handle)
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.TrimSpace(in.Email)
	in.SlackUserID = strings.TrimSpace(in.SlackUserID)
	in.Phone = strings.TrimSpace(in.Phone)
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	in.NotificationChannels = normalizeChannels(in.NotificationChannels)
	return in
}

// Validate reports the first problem of a normalized input. Returns
// EUNPROCESSABLE with the offending field.
func (in UserInput) Validate() error {
	if err := CheckHandle("handle", in.Handle); err != nil {
		return err
	}
	return in.user().validateFields()
}

// user is the input as a User, for the checks shared with updates.
func (in UserInput) user() *User {
	return &User{Handle: in.Handle, Name: in.Name, Email: in.Email, SlackUserID: in.SlackUserID,
		Phone: in.Phone, TimeZone: in.TimeZone, NotificationChannels: in.NotificationChannels}
}

// NewUser builds a user from a normalized, valid input.
func NewUser(in UserInput, now time.Time) *User {
	u := in.user()
	u.CreatedAt, u.UpdatedAt = now, now
	return u
}

// Apply changes u by the patch and validates the result. Returns
// EUNPROCESSABLE for an empty patch or an invalid field; u is unchanged
// then.
func (u *User) Apply(p UserPatch, now time.Time) error {
	if p.Empty() {
		return Errorf(EUNPROCESSABLE, "the change names no field: send one of name, email, slack_user_id, phone, time_zone, notification_channels")
	}
	next := *u
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&next.Name, p.Name)
	set(&next.Email, p.Email)
	set(&next.SlackUserID, p.SlackUserID)
	set(&next.Phone, p.Phone)
	set(&next.TimeZone, p.TimeZone)
	if p.TimeZone != nil && next.TimeZone == "" {
		next.TimeZone = "UTC"
	}
	if p.NotificationChannels != nil {
		next.NotificationChannels = normalizeChannels(*p.NotificationChannels)
	}
	if err := next.validateFields(); err != nil {
		return err
	}
	next.UpdatedAt = now
	*u = next
	return nil
}

// validateFields checks everything but the handle.
func (u *User) validateFields() error {
	switch {
	case u.Name == "":
		return FieldErrorf(EUNPROCESSABLE, "name", "a name is required: how people know %s, e.g. \"Ada Lovelace\"", u.Handle)
	case len(u.Name) > MaxNameLen || !cleanText(u.Name):
		return FieldErrorf(EUNPROCESSABLE, "name", "the name must be text of at most %d bytes", MaxNameLen)
	}
	if u.Email != "" {
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
			return FieldErrorf(EUNPROCESSABLE, "email", "%q is not an email address: write it like ada@example.com, without a display name", u.Email)
		}
	}
	if u.SlackUserID != "" && !slackIDRE.MatchString(u.SlackUserID) {
		return FieldErrorf(EUNPROCESSABLE, "slack_user_id", "%q is not a Slack member ID: copy it from the person's Slack profile (More → Copy member ID), e.g. U024BE7LH", u.SlackUserID)
	}
	if u.Phone != "" && !phoneRE.MatchString(u.Phone) {
		return FieldErrorf(EUNPROCESSABLE, "phone", "%q is not an E.164 phone number: write + and the country code, then the number without spaces, e.g. +14155550123", u.Phone)
	}
	if err := CheckTimeZone("time_zone", u.TimeZone); err != nil {
		return err
	}
	return u.checkChannels()
}

// checkChannels requires known, distinct channels, each with the contact
// detail it needs.
func (u *User) checkChannels() error {
	for i, c := range u.NotificationChannels {
		if !slices.Contains(NotificationChannels, c) {
			return FieldErrorf(EUNPROCESSABLE, "notification_channels", "unknown notification channel %q: use %s", c, strings.Join(NotificationChannels, ", "))
		}
		if slices.Index(u.NotificationChannels, c) < i {
			return FieldErrorf(EUNPROCESSABLE, "notification_channels", "channel %q is listed twice: list each channel once, in order of preference", c)
		}
		need, have := "", true
		switch c {
		case ChannelSlack:
			need, have = "slack_user_id", u.SlackUserID != ""
		case ChannelEmail:
			need, have = "email", u.Email != ""
		case ChannelSMS, ChannelPhone:
			need, have = "phone", u.Phone != ""
		}
		if !have {
			return FieldErrorf(EUNPROCESSABLE, "notification_channels", "notification channel %s needs the user's %s: set %s, or drop %s from the channels", c, need, need, c)
		}
	}
	return nil
}

// CheckTimeZone reports a name that is not an IANA time zone. "Local" is
// refused: its meaning depends on the server.
func CheckTimeZone(field, name string) error {
	if name == "" || name == "Local" {
		return FieldErrorf(EUNPROCESSABLE, field, "time zone %q is not an IANA zone: name one such as America/New_York or Europe/Berlin", name)
	}
	if _, err := time.LoadLocation(name); err != nil || !utf8.ValidString(name) {
		return FieldErrorf(EUNPROCESSABLE, field, "unknown time zone %q: name an IANA zone such as America/New_York or Europe/Berlin (see the tz database)", name)
	}
	return nil
}

// normalizeChannels trims and lowercases channel names; nil becomes empty.
func normalizeChannels(in []string) []string {
	out := make([]string, 0, len(in))
	for _, c := range in {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
			out = append(out, c)
		}
	}
	return out
}
