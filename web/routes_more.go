package web

import "github.com/arqir/arqir"

// morePages are the routes of the on-call, RCA, action-item, KPI and
// procedures pages, written in their own page_*.go files (HANDBOOK.md).
// Roles match the API's (api/routes.go): viewers read, responders change;
// overrides and handoff notes are responder changes there too (the store
// lets only the engineer on call, or an admin, write a handoff note).
var morePages = []route{
	{"GET", "/oncall", arqir.RoleViewer, (*server).oncallPage},
	{"POST", "/oncall/{schedule}/overrides", arqir.RoleResponder, (*server).addOverride},
	{"POST", "/oncall/{schedule}/overrides/{oid}/remove", arqir.RoleResponder, (*server).removeOverride},
	{"POST", "/oncall/{schedule}/notes", arqir.RoleResponder, (*server).addHandoffNote},
	{"POST", "/oncall/{schedule}/calendar", arqir.RoleViewer, (*server).createCalendarFeed},
	{"GET", "/oncall/handoffs/{hid}", arqir.RoleViewer, (*server).handoffPage},

	{"GET", "/rcas", arqir.RoleViewer, (*server).rcasPage},
	{"GET", "/incidents/{id}/rca", arqir.RoleViewer, (*server).rcaPage},
	{"GET", "/incidents/{id}/rca/export.md", arqir.RoleViewer, (*server).rcaExportMarkdown},
	{"GET", "/incidents/{id}/rca/export.html", arqir.RoleViewer, (*server).rcaExportHTML},
	{"POST", "/incidents/{id}/rca/sections/{section}", arqir.RoleResponder, (*server).editRCASection},
	{"POST", "/incidents/{id}/rca/state", arqir.RoleResponder, (*server).setRCAState},
	{"POST", "/incidents/{id}/rca/meeting", arqir.RoleResponder, (*server).scheduleRCAMeeting},
	{"POST", "/incidents/{id}/rca/meeting/held", arqir.RoleResponder, (*server).recordRCAMeeting},
	{"POST", "/incidents/{id}/rca/feedback", arqir.RoleResponder, (*server).addRCAFeedback},

	{"GET", "/action-items", arqir.RoleViewer, (*server).actionItemsPage},
	{"POST", "/incidents/{id}/action-items", arqir.RoleResponder, (*server).createActionItem},
	{"POST", "/action-items/{aid}/status", arqir.RoleResponder, (*server).setActionItemStatus},

	{"GET", "/kpis", arqir.RoleViewer, (*server).kpisPage},
	{"GET", "/kpis/data", arqir.RoleViewer, (*server).kpisData},

	{"GET", "/procedures", arqir.RoleViewer, (*server).proceduresPage},
}
