package escalate

import (
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// Decision is what the paging chain asks of an incident at one instant:
// which step is due, whom it pages, from when, and when to decide again.
type Decision struct {
	// Life counts the incident's lives: 1, and one more per reopen. Keys
	// carry it, so a reopened incident pages afresh.
	Life int
	// Step is the step to page now, counted across repeats of the chain
	// (1 is the first); 0 when no step is due.
	Step int
	// Round is how many times the whole chain was paged before Step.
	Round int
	// Targets are whom Step pages, as the chain names them (contact roles,
	// groups, "schedule:<id>"); groups are not expanded.
	Targets []string
	// NotBefore is when Step's pages may go out: now, or the start of
	// business hours for a severity that does not page at night.
	NotBefore time.Time
	// Waiting says NotBefore waits for business hours (S4).
	Waiting bool
	// AckBy is when Step must be acknowledged; zero when the policy sets
	// no acknowledgement deadline (then no later step is paged).
	AckBy time.Time
	// Skipped are the steps passed over on the way to Step.
	Skipped []Skip
	// Exhausted says the chain was paged 1+Repeat times (or every step
	// left was skipped) with no acknowledgement: the escalation e-mail is
	// told, and nobody more is paged.
	Exhausted bool
	// Paged counts the steps paged so far in this life.
	Paged int
	// Next is when to decide again: the pending acknowledgement deadline,
	// or AckBy of Step; zero when nothing more will come.
	Next time.Time
}

// Skip is a step of the chain that was not paged.
type Skip struct {
	Step    int
	Targets []string
	// Reason is SkipOutsideWindow or SkipNobody.
	Reason string
}

// Why a step was skipped.
const (
	SkipOutsideWindow = "outside its window" // the step's window (O2: business hours) does not contain the time
	SkipNobody        = "nobody to page"     // every target is a group without members
)

// Decide says, for an incident at now, which step of the paging chain is
// due. It reads the incident's page acknowledgement deadlines of its
// current life: none yet means step 1; a pending one means wait until it
// is due; a breached one means the next step; a met or cancelled one
// means the page was answered or became moot. An acknowledged or resolved incident, or
// an empty chain, pages nobody. Decide changes nothing: the caller pages
// Targets and arms a DeadlinePageAck for Step due at AckBy.
func Decide(inc *arqir.Incident, r arqir.PagingRules, now time.Time) Decision {
	d := Decision{Life: life(inc)}
	if !inc.Status.Open() || inc.AcknowledgedAt != nil || len(r.Chain) == 0 {
		return d
	}
	acks := pageAcks(inc)
	d.Paged = pagedSteps(inc, acks)
	next := 1
	if n := len(acks); n > 0 {
		last := inc.Deadlines[acks[n-1]]
		switch {
		case last.Pending():
			d.Next = last.DueAt
			return d
		case last.BreachedAt == nil:
			return d
		}
		next = last.Step + 1
	}
	return stepFrom(d, inc, r, next, now)
}

// stepFrom finds the first step from `from` on that can be paged at now,
// skipping steps outside their window or without anyone in them.
func stepFrom(d Decision, inc *arqir.Incident, r arqir.PagingRules, from int, now time.Time) Decision {
	at := now
	if !pagesAtNight(r, inc.Severity) && !r.BusinessHours.Contains(now) {
		at, d.Waiting = r.BusinessHours.Next(now), true
	}
	total := len(r.Chain) * (1 + max(r.Repeat, 0))
	for s := from; s <= total; s++ {
		st := r.Chain[(s-1)%len(r.Chain)]
		switch {
		case st.Window != nil && !st.Window.Contains(at):
			d.Skipped = append(d.Skipped, Skip{Step: s, Targets: slices.Clone(st.Targets), Reason: SkipOutsideWindow})
			continue
		case len(expand(r, st.Targets)) == 0:
			d.Skipped = append(d.Skipped, Skip{Step: s, Targets: slices.Clone(st.Targets), Reason: SkipNobody})
			continue
		}
		d.Step, d.Round, d.Targets, d.NotBefore = s, (s-1)/len(r.Chain), slices.Clone(st.Targets), at
		if r.AckWithin > 0 {
			d.AckBy = at.Add(r.AckWithin)
			d.Next = d.AckBy
		}
		return d
	}
	d.Exhausted, d.Waiting = true, false
	return d
}

// life is the incident's life: the count of its response deadlines, since
// declaring arms one and every reopen arms another.
func life(inc *arqir.Incident) int {
	n := 0
	for _, d := range inc.Deadlines {
		if d.Kind == arqir.DeadlineResponse {
			n++
		}
	}
	return max(n, 1)
}

// lifeStart is the index in inc.Deadlines where the current life begins:
// the last response deadline. Deadlines are only ever appended, so the
// ones after it belong to this life.
func lifeStart(inc *arqir.Incident) int {
	for i := len(inc.Deadlines) - 1; i >= 0; i-- {
		if inc.Deadlines[i].Kind == arqir.DeadlineResponse {
			return i
		}
	}
	return 0
}

// pageAcks returns the indexes of the page acknowledgement deadlines of
// the current life, oldest first.
func pageAcks(inc *arqir.Incident) []int {
	var out []int
	for i := lifeStart(inc); i < len(inc.Deadlines); i++ {
		if inc.Deadlines[i].Kind == arqir.DeadlinePageAck {
			out = append(out, i)
		}
	}
	return out
}

// pagedSteps counts the distinct steps among the page acknowledgement
// deadlines: a step paged again at once (a raised severity ending a wait
// for business hours) counts once.
func pagedSteps(inc *arqir.Incident, acks []int) int {
	seen := map[int]bool{}
	for _, i := range acks {
		seen[inc.Deadlines[i].Step] = true
	}
	return len(seen)
}
