package alertmanager

import (
	"encoding/json"

	"github.com/arqir/arqir/ingest"
)

// Message is the webhook body. Fields follow Alertmanager's template.Data
// (json tags in prometheus/alertmanager template/template.go) and Grafana's
// ExtendedData (grafana/alerting templates/template_data.go). Unknown fields
// such as routeLabels or notification_reason are tolerated.
type Message struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   ingest.Text       `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []Alert           `json:"alerts"`

	// Grafana (version "1") only.
	OrgID   ingest.Text `json:"orgId"`
	Title   string      `json:"title"`
	State   string      `json:"state"`
	Message string      `json:"message"`
}

// Alert is one alert of a Message.
type Alert struct {
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	// Times are read leniently (ingest.ParseTime): an unreadable time is
	// unknown, not a reason to drop the alert.
	StartsAt     string `json:"startsAt"`
	EndsAt       string `json:"endsAt"`
	GeneratorURL string `json:"generatorURL"`
	Fingerprint  string `json:"fingerprint"`

	// Grafana only.
	SilenceURL   string          `json:"silenceURL"`
	DashboardURL string          `json:"dashboardURL"`
	PanelURL     string          `json:"panelURL"`
	ImageURL     string          `json:"imageURL"`
	Values       json.RawMessage `json:"values"`
	ValueString  string          `json:"valueString"`
}
