package testserver_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

func TestZZScratch(t *testing.T) {
	for _, sev := range []string{"SEV1", "SEV2", "SEV3", "SEV4"} {
		srv := testserver.New(t)
		inc, err := srv.Store.Declare(t.Context(), arqir.Declaration{Title: "Login down", Severity: sev}, arqir.Actor{Name: "alice", Source: arqir.SourceCLI})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("==", sev)
		for _, d := range inc.Deadlines {
			fmt.Printf("  %s due +%s step %d\n", d.Kind, d.DueAt.Sub(inc.DeclaredAt), d.Step)
		}
		for i := 0; i < 8; i++ {
			srv.Advance(time.Minute)
			n := srv.Sweep(t)
			if n > 0 {
				got, _ := srv.Store.Incident(t.Context(), inc.ID)
				fmt.Printf(" +%dm swept %d\n", i+1, n)
				for _, d := range got.Deadlines {
					fmt.Printf("  %s due +%s step %d met %v breached %v\n", d.Kind, d.DueAt.Sub(inc.DeclaredAt), d.Step, d.MetAt != nil, d.BreachedAt != nil)
				}
			}
		}
	}
}
