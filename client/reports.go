package client

import (
	"context"

	"github.com/arqir/arqir"
)

// Report is what customer support or a user reported (D5). Title,
// Description, Source (customer_support or user_report) and
// ReporterContact are required.
type Report struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    string   `json:"severity,omitempty"` // the reporter's estimate; the server's default is SEV3
	Services    []string `json:"services,omitempty"`
	Source      string   `json:"source"`
	// ReporterContact is whom responders get back to: an email, a phone
	// number or the ticket.
	ReporterContact string `json:"reporter_contact"`
	// IncidentID, when set, adds the report to that open incident instead
	// of opening a new one.
	IncidentID string `json:"incident_id,omitempty"`
}

// ReportReceipt names the incident a report opened or was added to.
type ReportReceipt struct {
	IncidentID arqir.IncidentID `json:"incident_id"`
	Opened     bool             `json:"opened"`
	Severity   string           `json:"severity"` // empty when added to an open incident
	Message    string           `json:"message"`
}

// FileReport files a report; a reporter token may do this and nothing else.
func (c *Client) FileReport(ctx context.Context, r Report) (*ReportReceipt, error) {
	var out ReportReceipt
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/reports", in: r, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
