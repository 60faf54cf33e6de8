package cli

import (
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
)

// The token commands open the database directly: they are how an operator
// gets a credential when the API cannot be reached without one.
func newTokenCommand() *cobra.Command {
	var db string
	cmd := &cobra.Command{Use: "token", Short: "Create, list and revoke API tokens (opens the database directly)"}
	cmd.PersistentFlags().StringVar(&db, "db", envOr("ARQIR_DB", "arqir.db"), "SQLite file or postgres:// URL (env ARQIR_DB)")

	var name, role string
	create := &cobra.Command{
		Use:   "create --role viewer|responder|admin|reporter --name NAME",
		Short: "Create a token and print its secret once",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := arqir.ParseRole(role)
			if err != nil {
				return usagef("%s", arqir.ErrorMessage(err))
			} else if name == "" {
				return usagef("--name is required: say who or what uses the token")
			}
			store, err := app.OpenExistingStore(cmd.Context(), db, time.Now)
			if err != nil {
				return rejected(err)
			}
			defer store.Close()
			secret, t, err := store.CreateToken(cmd.Context(), name, r)
			if err != nil {
				return rejected(err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Created %s token %q (id %d). Its secret is shown only now:\n\n    %s\n", t.Role, t.Name, t.ID, secret)
			return nil
		},
	}
	create.Flags().StringVar(&name, "name", "", "who or what uses the token (unique among active tokens)")
	create.Flags().StringVar(&role, "role", "", "viewer (read), responder (act on incidents), admin (everything) or reporter (file reports only, for support staff)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List tokens (never their secrets)",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := app.OpenExistingStore(cmd.Context(), db, time.Now)
			if err != nil {
				return rejected(err)
			}
			defer store.Close()
			tokens, err := store.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tLAST USED\tREVOKED")
			for _, t := range tokens {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedAt.Format(time.RFC3339), fmtTimePtr(t.LastUsedAt), fmtTimePtr(t.RevokedAt))
			}
			return w.Flush()
		},
	}

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token at once",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("token ID %q is not a number: see arqir token list", args[0])
			}
			store, err := app.OpenExistingStore(cmd.Context(), db, time.Now)
			if err != nil {
				return rejected(err)
			}
			defer store.Close()
			if err := store.RevokeToken(cmd.Context(), id); err != nil {
				return rejected(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token %d revoked\n", id)
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

// rejected turns an application error the user can fix into exit code 2.
func rejected(err error) error {
	if code := arqir.ErrorCode(err); code != arqir.EINTERNAL {
		return &exitError{code: ExitRejected, err: fmt.Errorf("%s", arqir.ErrorMessage(err))}
	}
	return err
}

func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
