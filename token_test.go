package arqir_test

import (
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

// D5: a reporter token files reports and does nothing else; responders and
// admins may file reports too, viewers only read.
func TestD5_ReporterRoleOnlyFilesReports(t *testing.T) {
	roles := []arqir.Role{arqir.RoleViewer, arqir.RoleResponder, arqir.RoleAdmin, arqir.RoleReporter}
	want := map[arqir.Role]map[arqir.Role]bool{
		arqir.RoleViewer:    {arqir.RoleViewer: true},
		arqir.RoleResponder: {arqir.RoleViewer: true, arqir.RoleResponder: true, arqir.RoleReporter: true},
		arqir.RoleAdmin:     {arqir.RoleViewer: true, arqir.RoleResponder: true, arqir.RoleAdmin: true, arqir.RoleReporter: true},
		arqir.RoleReporter:  {arqir.RoleReporter: true},
	}
	for _, has := range roles {
		for _, need := range roles {
			if got := has.Allows(need); got != want[has][need] {
				t.Errorf("%s.Allows(%s) = %t, want %t", has, need, got, want[has][need])
			}
		}
	}
	if r, err := arqir.ParseRole("reporter"); err != nil || r != arqir.RoleReporter {
		t.Errorf("ParseRole(reporter) = %q, %v", r, err)
	}
	if _, err := arqir.ParseRole("support"); arqir.ErrorCode(err) != arqir.EINVALID || !strings.Contains(arqir.ErrorMessage(err), "reporter") {
		t.Errorf("ParseRole(support) = %v, want EINVALID naming reporter", err)
	}
}
