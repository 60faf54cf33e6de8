// Package sources is the one registry of ingest sources: the only file that
// knows every ingest/<source> package. It lives apart from package ingest
// because every source imports ingest for its types and helpers.
package sources

import (
	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/alertmanager"
	"github.com/arqir/arqir/ingest/cloudwatch"
	"github.com/arqir/arqir/ingest/datadog"
	"github.com/arqir/arqir/ingest/generic"
	"github.com/arqir/arqir/ingest/opsgenie"
	"github.com/arqir/arqir/ingest/pagerduty"
)

// all holds one Source per kind, created once: the CloudWatch source keeps
// its certificate cache across requests. arqir.KindEvaluator has none; the
// built-in evaluator feeds AlertService directly.
var all = []ingest.Source{
	alertmanager.Source{},
	alertmanager.Grafana{},
	pagerduty.Source{},
	opsgenie.Source{},
	datadog.Source{},
	cloudwatch.New(),
	generic.Source{},
}

// All returns every Source, in the order of arqir.IntegrationKinds.
func All() []ingest.Source {
	return append([]ingest.Source(nil), all...)
}

// Lookup returns the Source of kind.
func Lookup(kind arqir.IntegrationKind) (ingest.Source, bool) {
	for _, s := range all {
		if s.Kind() == kind {
			return s, true
		}
	}
	return nil, false
}
