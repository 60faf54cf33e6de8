package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

// defaultURL is where `arqir serve` listens with no flags.
const defaultURL = "http://127.0.0.1:8080"

// clientFlags are the flags of every command that talks to the API:
// --url, --token and --json. Register them once on a parent command with
// addClientFlags; its subcommands share them.
type clientFlags struct {
	url     string
	token   string
	json    bool
	version int // --if-version, for incident changes
}

// addClientFlags registers --url, --token and --json as persistent flags of
// cmd. The environment (ARQIR_URL, ARQIR_TOKEN) is read when a command runs,
// not here, so that --help never prints a token.
func addClientFlags(cmd *cobra.Command) *clientFlags {
	f := &clientFlags{}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.url, "url", "", "arqir server URL (env ARQIR_URL; default "+defaultURL+")")
	pf.StringVar(&f.token, "token", "", "API token (env ARQIR_TOKEN)")
	pf.BoolVar(&f.json, "json", false, "print JSON instead of tables")
	return f
}

// addIfVersionFlag registers --if-version on a command that changes an
// incident: the change is refused (exit 2, with the incident as it is now)
// if someone else changed the incident since that version.
func (f *clientFlags) addIfVersionFlag(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().IntVar(&f.version, "if-version", 0, "apply the change only if the incident is still at this version (see arqir incident show)")
	return cmd
}

// ifVersion returns the client option for --if-version, if given.
func (f *clientFlags) ifVersion() []client.ActionOption {
	if f.version <= 0 {
		return nil
	}
	return []client.ActionOption{client.IfVersion(f.version)}
}

// baseURL is --url, else ARQIR_URL, else the default.
func (f *clientFlags) baseURL() string {
	switch {
	case f.url != "":
		return f.url
	case os.Getenv("ARQIR_URL") != "":
		return os.Getenv("ARQIR_URL")
	}
	return defaultURL
}

// client returns an API client that records its changes as coming from the
// CLI. No token, or a URL that is not http(s), is a usage error (exit 2).
func (f *clientFlags) client() (*client.Client, error) {
	token := f.token
	if token == "" {
		token = os.Getenv("ARQIR_TOKEN")
	}
	if token == "" {
		return nil, usagef("no token: pass --token or set ARQIR_TOKEN (the server printed an admin token on first start; make more with arqir token create)")
	}
	base := f.baseURL()
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--url %q is not an http(s) URL: write it like %s", base, defaultURL)
	}
	return client.New(base, token, client.WithSource("cli")), nil
}

// apiRunE adapts a command body that calls the API: it builds the client
// and turns the body's error into what the user sees and the exit code.
func (f *clientFlags) apiRunE(body func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := f.client()
		if err != nil {
			return err
		}
		return f.failure(cmd, body(cmd.Context(), c, cmd, args))
	}
}

// failure maps an API call's error to an exit: a refusal by the server (4xx)
// exits 2 with the server's message, its field as the flag to fix, and every
// policy problem; a server failure (5xx) or no server at all exits 1 and
// says which URL was tried.
func (f *clientFlags) failure(cmd *cobra.Command, err error) error {
	var (
		apiErr *client.Error
		usage  *usageError
		exit   *exitError
	)
	switch {
	case err == nil, errors.As(err, &usage), errors.As(err, &exit):
		return err
	case errors.As(err, &apiErr) && apiErr.Status < 500:
		return &exitError{code: ExitRejected, err: errors.New(refusalMessage(cmd, apiErr))}
	case errors.As(err, &apiErr):
		return &exitError{code: ExitFailure, err: fmt.Errorf("the server at %s failed (%d): %s", f.baseURL(), apiErr.Status, apiErr.Message)}
	}
	return &exitError{code: ExitFailure, err: fmt.Errorf("cannot reach the arqir server at %s: %v\ncheck that `arqir serve` is running there, or pass --url or set ARQIR_URL", f.baseURL(), unwrapURLError(err))}
}

// refusalMessage is the server's message, with the flag that sets the
// offending field when the command has one, and the problems of a policy.
func refusalMessage(cmd *cobra.Command, e *client.Error) string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Field != "" {
		if flag := strings.ReplaceAll(e.Field, "_", "-"); cmd.Flags().Lookup(flag) != nil {
			fmt.Fprintf(&b, " (set it with --%s)", flag)
		} else if !strings.Contains(e.Message, e.Field) {
			fmt.Fprintf(&b, " (field %s)", e.Field)
		}
	}
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  line %d: %s: %s", p.Line, p.Path, p.Message)
	}
	if e.Current != nil {
		fmt.Fprintf(&b, "\n%s is now at version %d (%s, %s); see arqir incident show %s", e.Current.ID, e.Current.Version, e.Current.Severity, e.Current.Status, e.Current.ID)
	}
	return b.String()
}

// unwrapURLError drops the method and URL of a *url.Error: the message
// names the URL already.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
