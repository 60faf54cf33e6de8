package web

import (
	"net/http"

	"github.com/arqir/arqir"
)

// route is one page or form of the UI. Role is the least role that may use
// it; "" means no sign-in (sign-in itself, the public status page, assets).
type route struct {
	Method  string
	Pattern string
	Role    arqir.Role
	Handler func(s *server, w http.ResponseWriter, r *http.Request)
}

// public marks routes that need no session.
const public arqir.Role = ""

// pagesTable is every page and form of the UI with the role it needs: as
// in the API, viewers read and responders act. Pages written elsewhere add
// rows to morePages (routes_more.go).
var pagesTable = []route{
	{"GET", "/login", public, (*server).loginPage},
	{"POST", "/login", public, (*server).login},
	{"GET", "/status", public, (*server).statusPage},
	{"GET", "/static/", public, (*server).static},

	{"POST", "/logout", arqir.RoleViewer, (*server).logout},
	{"GET", "/account/password", arqir.RoleViewer, (*server).passwordPage},
	{"POST", "/account/password", arqir.RoleViewer, (*server).changePassword},

	{"GET", "/{$}", arqir.RoleViewer, (*server).dashboard},
	{"GET", "/incidents", arqir.RoleViewer, (*server).incidents},
	{"GET", "/incidents/new", arqir.RoleResponder, (*server).declarePage},
	{"POST", "/incidents", arqir.RoleResponder, (*server).declare},
	{"GET", "/incidents/{id}", arqir.RoleViewer, (*server).incident},
	{"GET", "/incidents/{id}/timeline", arqir.RoleViewer, (*server).incidentTimeline},
	{"GET", "/incidents/{id}/deadlines", arqir.RoleViewer, (*server).incidentDeadlines},
	{"POST", "/incidents/{id}/ack", arqir.RoleResponder, (*server).acknowledge},
	{"POST", "/incidents/{id}/severity", arqir.RoleResponder, (*server).changeSeverity},
	{"POST", "/incidents/{id}/status", arqir.RoleResponder, (*server).changeStatus},
	{"POST", "/incidents/{id}/roles", arqir.RoleResponder, (*server).assignRoles},
	{"POST", "/incidents/{id}/update", arqir.RoleResponder, (*server).postUpdate},
	{"POST", "/incidents/{id}/checklist", arqir.RoleResponder, (*server).tickChecklist},
	{"POST", "/incidents/{id}/note", arqir.RoleResponder, (*server).addNote},
	{"POST", "/incidents/{id}/resolve", arqir.RoleResponder, (*server).resolve},
	{"POST", "/incidents/{id}/false-positive", arqir.RoleResponder, (*server).falsePositive},
}

// allRoutes is the whole table.
func allRoutes() []route {
	return append(append([]route(nil), pagesTable...), morePages...)
}

// routes builds the mux: each route behind its role check and, for POST,
// the origin and CSRF checks.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range allRoutes() {
		mux.Handle(rt.Method+" "+rt.Pattern, s.guard(rt))
	}
	mux.HandleFunc("/", s.notFound)
	return mux
}
