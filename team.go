package arqir

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Team is a group of users that work on the same services, with the Slack
// places that reach them all (e.g. the team @mentioned in C1 notices).
type Team struct {
	// Name identifies the team, e.g. payments. Lowercase, unique.
	Name string `json:"name"`
	// Members are user handles, in the order they were added; deleted users
	// are left out.
	Members []string `json:"members"`
	// SlackChannel is the team's channel, e.g. #payments, if any.
	SlackChannel string `json:"slack_channel"`
	// SlackUserGroup is the handle of the Slack user group that mentions the
	// whole team, e.g. payments-oncall, if any.
	SlackUserGroup string    `json:"slack_user_group"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// TeamInput is what creating a team takes.
type TeamInput struct {
	Name           string
	SlackChannel   string
	SlackUserGroup string
	Members        []string // handles of existing users
}

var (
	slackChannelRE = regexp.MustCompile(`^#?[a-z0-9][a-z0-9._-]{0,79}$`)
	slackGroupRE   = regexp.MustCompile(`^@?[a-z0-9][a-z0-9._-]{0,79}$`)
)

// Normalize trims the input, writes the channel with its # and the user
// group without its @, and drops repeated members.
func (in TeamInput) Normalize() TeamInput {
	in.Name = strings.TrimSpace(in.Name)
	in.SlackChannel = strings.TrimSpace(in.SlackChannel)
	if in.SlackChannel != "" && !strings.HasPrefix(in.SlackChannel, "#") {
		in.SlackChannel = "#" + in.SlackChannel
	}
	in.SlackUserGroup = strings.TrimPrefix(strings.TrimSpace(in.SlackUserGroup), "@")
	var members []string
	for _, m := range in.Members {
		if m = strings.TrimSpace(m); m != "" && !slices.Contains(members, m) {
			members = append(members, m)
		}
	}
	in.Members = members
	return in
}

// Validate reports the first problem of a normalized input. Members are
// checked against the users by the store. Returns EUNPROCESSABLE.
func (in TeamInput) Validate() error {
	if in.Name == "" {
		return FieldErrorf(EUNPROCESSABLE, "name", "a team name is required, e.g. payments")
	}
	if !handleRE.MatchString(in.Name) {
		return FieldErrorf(EUNPROCESSABLE, "name", "team name %q is not usable: use up to 64 lowercase letters, digits, '.', '_' or '-', e.g. payments", in.Name)
	}
	if in.SlackChannel != "" && !slackChannelRE.MatchString(in.SlackChannel) {
		return FieldErrorf(EUNPROCESSABLE, "slack_channel", "%q is not a Slack channel name: use lowercase letters, digits, '-', '_' or '.', e.g. #payments", in.SlackChannel)
	}
	if in.SlackUserGroup != "" && !slackGroupRE.MatchString(in.SlackUserGroup) {
		return FieldErrorf(EUNPROCESSABLE, "slack_user_group", "%q is not a Slack user group handle: use lowercase letters, digits, '-', '_' or '.', e.g. payments-oncall", in.SlackUserGroup)
	}
	for _, m := range in.Members {
		if err := CheckHandle("members", m); err != nil {
			return err
		}
	}
	return nil
}
