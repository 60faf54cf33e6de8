package arqir

import "time"

// AvailabilityReport is how responders met the on-call commitments (O4)
// over a range of declared incidents: response times from declaration to
// acknowledgement, and (once paging exists) page acknowledgement times.
type AvailabilityReport struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Targets are the policy's commitments (O4).
	RespondWithinSeconds         float64 `json:"respond_within_seconds"`
	AcknowledgePageWithinSeconds float64 `json:"acknowledge_page_within_seconds"`
	JoinCallsWithinSeconds       float64 `json:"join_calls_within_seconds"`
	// Responders in handle order.
	Responders []ResponderAvailability `json:"responders"`
	// Note says what the numbers count.
	Note string `json:"note"`
}

// ResponderAvailability is one responder's numbers.
type ResponderAvailability struct {
	// Responder is who acknowledged (a token name, which for people is their
	// user handle).
	Responder string `json:"responder"`
	// Name is the user's name when the responder is a known user.
	Name string `json:"name"`
	// Acknowledged counts the incidents the responder acknowledged.
	Acknowledged int `json:"acknowledged"`
	// Response times from declaration to acknowledgement.
	ResponseP50Seconds float64 `json:"response_p50_seconds"`
	ResponseP90Seconds float64 `json:"response_p90_seconds"`
	ResponseMaxSeconds float64 `json:"response_max_seconds"`
	// WithinSeverityTarget counts acknowledgements within the incident's
	// severity response target (S1–S4); Share is that over Acknowledged.
	WithinSeverityTarget      int     `json:"within_severity_target"`
	WithinSeverityTargetShare float64 `json:"within_severity_target_share"`
	// WithinRespondTarget counts acknowledgements within the on-call
	// commitment to respond (O4: 5 min by default).
	WithinRespondTarget      int     `json:"within_respond_target"`
	WithinRespondTargetShare float64 `json:"within_respond_target_share"`
	// Pages are page acknowledgement numbers; nil until paging exists, and
	// PagesNote says so.
	Pages     *PageStats `json:"pages"`
	PagesNote string     `json:"pages_note"`
}

// PageStats are page acknowledgement numbers of one responder.
type PageStats struct {
	Pages             int     `json:"pages"`
	Acknowledged      int     `json:"acknowledged"`
	AckP50Seconds     float64 `json:"ack_p50_seconds"`
	AckP90Seconds     float64 `json:"ack_p90_seconds"`
	AckMaxSeconds     float64 `json:"ack_max_seconds"`
	WithinTarget      int     `json:"within_target"`
	WithinTargetShare float64 `json:"within_target_share"`
}

// PagesNotConfigured is the PagesNote until paging exists.
const PagesNotConfigured = "paging not configured yet"

// MaxAvailabilityRange bounds one availability query.
const MaxAvailabilityRange = 366 * 24 * time.Hour
