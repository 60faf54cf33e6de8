package arqir

import "time"

// ContactDirectory is the contacts directory of the procedures (X1),
// resolved at one instant: each contact role names the user an admin
// assigned to it, else the person the policy names, else nobody — never an
// invented person. The on-call lead is whoever is primary on call then.
type ContactDirectory struct {
	At     time.Time      `json:"at"`
	People []Contact      `json:"people"`
	Groups []ContactGroup `json:"groups"`
	// The shared channels of the procedures; "" means not set.
	EscalationEmail string `json:"escalation_email"`
	WarRoom         string `json:"war_room"`
	IncidentChannel string `json:"incident_channel"`
}

// Where a contact's details come from.
const (
	ContactAssigned = "assigned" // an admin assigned a user to the role
	ContactPolicy   = "policy"   // the policy names the person
	ContactOnCall   = "on_call"  // whoever is on call in a schedule
	ContactNotSet   = "not_set"  // nobody: the directory says so
)

// NotSet is how a missing contact detail is shown to people.
const NotSet = "[not set]"

// Contact is one contact role and who fills it now.
type Contact struct {
	// ID is the role's id in the policy, e.g. cto.
	ID    string `json:"id"`
	Title string `json:"title"`
	// Source is one of ContactAssigned, ContactPolicy, ContactOnCall, ContactNotSet.
	Source string `json:"source"`
	// User is the handle of the user filling the role, if a user does.
	User        string `json:"user"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	SlackUserID string `json:"slack_user_id"`
	// Schedule is, for a role filled by the on-call rotation, its schedule.
	Schedule string `json:"schedule"`
	// Note says what to do when the role is not filled.
	Note string `json:"note"`
}

// Set reports whether someone fills the role.
func (c Contact) Set() bool { return c.Source != ContactNotSet }

// ContactGroup is a group of contact roles, expanded to its people.
type ContactGroup struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Members []Contact `json:"members"`
}

// ContactAssignment is a user assigned to a contact role by an admin.
type ContactAssignment struct {
	Role       string    `json:"role"`
	User       string    `json:"user"`
	AssignedAt time.Time `json:"assigned_at"`
	AssignedBy string    `json:"assigned_by"`
}
