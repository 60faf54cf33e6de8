package arqir

import (
	"context"
	"time"
)

// PolicyRecord is one applied revision of the procedures-as-code policy.
type PolicyRecord struct {
	Revision  int       `json:"revision"` // 1, 2, 3… in order of application
	Version   string    `json:"version"`  // the version the document declares
	Hash      string    `json:"hash"`     // "sha256:…" of Source
	Source    []byte    `json:"-"`
	AppliedAt time.Time `json:"applied_at"`
	AppliedBy string    `json:"applied_by"`
}

// PolicyStore keeps the history of applied policies.
type PolicyStore interface {
	// ApplyPolicy stores the policy as the active one unless the active one
	// already has the same hash; it returns the active record and whether a
	// new revision was created. Validation happens before: the store keeps
	// whatever it is given.
	ApplyPolicy(ctx context.Context, version, hash string, source []byte, by string) (*PolicyRecord, bool, error)
	// ActivePolicy returns the newest applied policy. Returns ENOTFOUND when
	// none was ever applied.
	ActivePolicy(ctx context.Context) (*PolicyRecord, error)
	// PolicyHistory lists applied policies, newest first, without sources.
	PolicyHistory(ctx context.Context) ([]*PolicyRecord, error)
}

// Store is everything a database adapter provides.
type Store interface {
	IncidentService
	TokenService
	PolicyStore
	IntegrationService
	AlertService
	PeopleService
	OnCallService
	NotificationService
	RCAService
	ActionItemService
	KPIService
	SessionService
	// FirstSeen records a signed inbound request's key until until and
	// reports whether it is new; false is a replay, refused on every
	// replica.
	FirstSeen(ctx context.Context, key string, now, until time.Time) (bool, error)
	// SetRCADrafter installs what pre-fills the sections of an RCA when its
	// incident resolves; nil leaves the policy's sections empty. Safe for
	// concurrent use.
	SetRCADrafter(d RCADrafter)
	// SetPlanner installs the planner every incident change consults for
	// the notifications it causes; nil plans nothing. Safe for concurrent use.
	SetPlanner(p Planner)
	// ServerSecret returns the named random 32-byte secret of this
	// installation (e.g. the key that signs acknowledge links in pages),
	// creating it on first use; every replica gets the same bytes.
	ServerSecret(ctx context.Context, name string) ([]byte, error)
	// SetRules installs the rules of the active policy for the incident
	// service (declare, severity changes). Safe for concurrent use.
	SetRules(r Rules)
	// Ping checks the database answers and its migrations are applied.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}
