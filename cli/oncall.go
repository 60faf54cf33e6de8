package cli

import (
	"github.com/spf13/cobra"
)

// newOnCallCommand groups the on-call commands (O1–O6): who is on call,
// shifts, participants, overrides, swaps, handoffs, post-shift duties,
// calendars and availability. They are clients of the API.
func newOnCallCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "oncall",
		Short: "Who is on call, shifts, overrides, handoffs and calendars (through the API of a running arqir serve)",
		Long: `Who is on call, shifts, overrides, handoffs and calendars, through the API
of a running arqir serve. The schedules' structure comes from the policy
(oncall.schedules); who rotates through them and who covers when are set here.

Local times in flags ("2026-03-09 09:00") are read in the schedule's zone;
RFC 3339 times (2026-03-09T09:00:00-04:00) are taken as given.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown oncall command %q: see arqir oncall --help", args[0])
			}
			return cmd.Help()
		},
	}
	f := addClientFlags(cmd)
	cmd.AddCommand(
		newOnCallNowCommand(f),
		newOnCallSchedulesCommand(f),
		newOnCallShiftsCommand(f),
		newOnCallParticipantsCommand(f),
		newOnCallOverrideCommand(f),
		newOnCallSwapCommand(f),
		newOnCallHandoffCommand(f),
		newOnCallHandoffsCommand(f),
		newOnCallHandoffReportCommand(f),
		newOnCallPostShiftCommand(f),
		newOnCallInboxCommand(f),
		newOnCallCalendarCommand(f),
		newOnCallAvailabilityCommand(f),
	)
	return cmd
}
