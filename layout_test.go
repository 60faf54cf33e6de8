package arqir_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/arqir/arqir"

// pure packages decide; they take `now` and never do I/O (DESIGN.md).
var pure = []string{"policy", "rotation", "escalate", "kpi", "routing", "evaluate", "rca"}

// adapters sit at the edge and never import each other; only app knows them all.
var adapters = []string{"sqlite", "postgres", "api", "web", "client", "ingest", "notify", "fake", "promapi"}

// allowedThirdParty lists modules a pure package may use (parsing only).
var allowedThirdParty = []string{"go.yaml.in/yaml/v3"}

// TestLayout enforces the dependency direction of DESIGN.md with go list.
func TestLayout(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := rel(fields[0]), fields[1:]
		for _, imp := range imports {
			if msg := violation(pkg, imp); msg != "" {
				t.Errorf("%s imports %s: %s", fields[0], imp, msg)
			}
		}
	}
}

func violation(pkg, imp string) string {
	own := strings.HasPrefix(imp, module)
	std := !strings.Contains(strings.Split(imp, "/")[0], ".")
	dep := rel(imp)
	switch {
	case pkg == "":
		if !std {
			return "the root package imports only the standard library"
		}
	case slices.Contains(pure, top(pkg)):
		if own && dep != "" && top(dep) != top(pkg) {
			return "a pure package imports only the root package"
		} else if !own && !std && !slices.Contains(allowedThirdParty, imp) {
			return "a pure package does no I/O and needs no such dependency"
		}
	case top(pkg) == "jobs" && own:
		// The dispatcher knows notifiers only through the notify seam;
		// app registers the vendors.
		if slices.Contains(adapters, top(dep)) && dep != "notify" {
			return "jobs reaches providers only through the notify interface; wire vendors in app"
		} else if top(dep) == "app" || top(dep) == "cli" {
			return "jobs must not depend on the wiring"
		}
	case slices.Contains(adapters, top(pkg)) && own:
		if slices.Contains(adapters, top(dep)) && top(dep) != top(pkg) {
			return "adapters never import each other; wire them in app"
		} else if top(dep) == "app" || top(dep) == "cli" {
			return "adapters must not depend on the wiring"
		}
	}
	// bench/ may seed through the store's test support; nothing else at
	// run time reaches past sqlite and postgres into the SQL core.
	if strings.HasPrefix(dep, "internal/sqlstore") && !slices.Contains([]string{"sqlite", "postgres", "internal/sqlstore", "bench"}, top2(pkg)) && !strings.HasPrefix(pkg, "internal/sqlstore") {
		return "internal/sqlstore is the shared SQL core of sqlite and postgres only"
	}
	return ""
}

func rel(p string) string {
	if p == module {
		return ""
	}
	return strings.TrimPrefix(p, module+"/")
}

func top(p string) string { return strings.Split(p, "/")[0] }

func top2(p string) string {
	if strings.HasPrefix(p, "internal/") {
		parts := strings.Split(p, "/")
		if len(parts) > 1 {
			return parts[0] + "/" + parts[1]
		}
	}
	return top(p)
}
