package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// localLayout shows instants in a schedule's or a person's zone: on-call
// handoffs are wall-clock events ("Monday 09:00 New York").
const localLayout = "Mon 2 Jan 2006 15:04 MST"

// zoneOf loads a zone by name, UTC if it cannot.
func zoneOf(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

// local writes t in loc.
func local(t time.Time, loc *time.Location) string { return t.In(loc).Format(localLayout) }

// who writes "Ada Lovelace (ada)", or the handle alone.
func who(handle, name string) string {
	if name == "" || name == handle {
		return handle
	}
	return name + " (" + handle + ")"
}

// printShifts writes one line per shift: who, from, to, and where it comes
// from (rotation, override, gap) with its notes.
func printShifts(w io.Writer, shifts []arqir.Shift, loc *time.Location, indent string) {
	if len(shifts) == 0 {
		fmt.Fprintf(w, "%snone\n", indent)
		return
	}
	t := newTable(w)
	for _, sh := range shifts {
		person := who(sh.User, sh.UserName)
		if sh.Gap {
			person = "(nobody)"
		}
		fmt.Fprintf(t, "%s%s\t%s\t%s\t%s\t%s\n", indent, sh.Schedule, local(sh.Start, loc), local(sh.End, loc), person, shiftSource(sh))
	}
	_ = t.Flush()
}

// shiftSource says where a shift comes from: "rotation", "layer
// business-hours" (in a schedule of several layers), "override 12 for
// ada", or the gap's note.
func shiftSource(sh arqir.Shift) string {
	if sh.Gap {
		return strings.Join(sh.Notes, "; ")
	}
	var parts []string
	for _, p := range sh.Parts {
		s := p.Source
		if p.Source == arqir.PartRotation && p.Layer != "" && p.Layer != arqir.DefaultLayer {
			s = "layer " + p.Layer
		}
		if p.Source == arqir.PartOverride {
			s = fmt.Sprintf("override %d", p.Override)
			if p.Replaces != "" {
				s += " for " + p.Replaces
			}
		}
		if len(parts) == 0 || parts[len(parts)-1] != s {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// parseWhen reads a time flag: RFC 3339, or a local "2006-01-02 15:04",
// "2006-01-02T15:04" or "2006-01-02" in loc.
func parseWhen(flag, s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("--%s %q is not a time: write 2026-03-09T09:00:00-04:00, or \"2026-03-09 09:00\" in the schedule's zone (%s)", flag, s, loc)
}

// scheduleZone is the zone a schedule's local times are read in.
func scheduleZone(ctx context.Context, c *client.Client, schedule string) (*time.Location, error) {
	info, err := c.Schedule(ctx, schedule)
	if err != nil {
		return nil, err
	}
	return zoneOf(info.Zone), nil
}
