package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

// meetingFlags are --at, --tz and --attendees of schedule and held.
type meetingFlags struct {
	at, tz    string
	attendees []string
}

func (m *meetingFlags) register(cmd *cobra.Command, atHelp string) {
	fl := cmd.Flags()
	fl.StringVar(&m.at, "at", "", atHelp+`: "YYYY-MM-DD HH:MM" in your time zone (or --tz), or RFC 3339 with its offset, e.g. 2026-12-01T15:00:00Z`)
	fl.StringVar(&m.tz, "tz", "", "the IANA time zone of --at without an offset, e.g. Europe/Berlin (default: your local zone, from TZ)")
	fl.StringSliceVar(&m.attendees, "attendees", nil, "user handles, comma-separated, e.g. ada,bob")
}

// when parses --at: RFC 3339 as written; a wall-clock time in --tz, else
// in the local zone of the person typing it.
func (m *meetingFlags) when() (time.Time, error) {
	v := strings.TrimSpace(m.at)
	if v == "" {
		return time.Time{}, usagef(`--at is required: e.g. --at "2026-12-01 15:00" (your time zone) or --at 2026-12-01T15:00:00Z`)
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	loc := time.Local
	if m.tz != "" {
		l, err := time.LoadLocation(m.tz)
		if err != nil {
			return time.Time{}, usagef("--tz %q is not a time zone: use an IANA name such as America/New_York or UTC", m.tz)
		}
		loc = l
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef(`--at %q is not a time: write "2026-12-01 15:00" (in %s) or RFC 3339 like 2026-12-01T15:00:00Z`, m.at, loc)
}

// local says when t is for the person who typed it, beside the UTC stamp.
func (m *meetingFlags) local(t time.Time) string {
	loc := time.Local
	if m.tz != "" {
		if l, err := time.LoadLocation(m.tz); err == nil {
			loc = l
		}
	}
	return t.In(loc).Format("Mon 2006-01-02 15:04 MST")
}

func newRCAScheduleCommand(f *clientFlags) *cobra.Command {
	var m meetingFlags
	cmd := &cobra.Command{
		Use:   "schedule INC-42 --at TIME --attendees HANDLE,…",
		Short: "Schedule the RCA meeting; each attendee is sent an invitation (iCal, by e-mail)",
		Long: `Schedule the RCA review meeting (P1: within the policy's deadline of the
resolution). --at without an offset is read in your local time zone (from
TZ), or in --tz; with an offset (RFC 3339) it is taken as written. Each
attendee, an arqir user with an e-mail address, is sent an invitation with
an iCal attachment.`,
		Example: `  arqir rca schedule INC-42 --at "2026-12-01 15:00" --attendees ada,bob
  arqir rca schedule INC-42 --at "2026-12-01 15:00" --tz America/New_York --attendees ada
  arqir rca schedule INC-42 --at 2026-12-01T20:00:00Z --attendees ada`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			at, err := m.when()
			if err != nil {
				return err
			}
			r, err := c.ScheduleRCAMeeting(ctx, args[0], at, m.attendees, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printRCAChanged(cmd.OutOrStdout(), r, "Scheduled the RCA meeting of %s for %s (%s); invitations go to %s.",
				r.IncidentID, stamp(at), m.local(at), strings.Join(r.Attendees, ", "))
		}),
	}
	m.register(cmd, "when the meeting starts")
	return cmd
}

func newRCAHeldCommand(f *clientFlags) *cobra.Command {
	var m meetingFlags
	cmd := &cobra.Command{
		Use:   "held INC-42 --at TIME --attendees HANDLE,…",
		Short: "Record that the RCA meeting took place (meets the P1 deadline)",
		Long: `Record that the RCA review meeting took place, and who attended: this meets
the P1 deadline. --at is read like for arqir rca schedule.`,
		Example: `  arqir rca held INC-42 --at "2026-12-01 15:00" --attendees ada,bob`,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			at, err := m.when()
			if err != nil {
				return err
			}
			r, err := c.RecordRCAMeeting(ctx, args[0], at, m.attendees, f.ifVersion()...)
			if err != nil {
				return err
			}
			due := "by its deadline"
			if r.HeldAt != nil && r.HeldAt.After(r.DueAt) {
				due = "after its deadline " + stamp(r.DueAt)
			}
			return f.printRCAChanged(cmd.OutOrStdout(), r, "Recorded the RCA meeting of %s, held %s (%s), %s.", r.IncidentID, stamp(at), m.local(at), due)
		}),
	}
	m.register(cmd, "when the meeting took place")
	return cmd
}
