package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/app"
)

func newMigrateCommand() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the database migrations and exit (serve also does this on start)",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := app.OpenStore(cmd.Context(), db, time.Now)
			if err != nil {
				return err
			}
			defer store.Close()
			if err := store.Ping(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "database is migrated and ready")
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", envOr("ARQIR_DB", "arqir.db"), "SQLite file or postgres:// URL (env ARQIR_DB)")
	return cmd
}
