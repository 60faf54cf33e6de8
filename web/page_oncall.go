package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// The on-call page (O1–O5): each schedule's week or month calendar in its
// own time zone, who is on call now, the overrides with a form to add one
// from the calendar, the handoff notes for the next handoff, the recent
// handoff reports, and a button that makes an iCal subscription link.

// oncallData is what templates/oncall.html reads.
type oncallData struct {
	View       string // "week" or "month"
	From       string // the first day shown, YYYY-MM-DD
	Prev, Next string // the From of the previous and next period
	Title      string // e.g. "Week of 2025-03-03" or "March 2025"
	Schedules  []scheduleView
	Users      []*arqir.User
	// Form holds what a refused override form said, to show it again.
	Form overrideForm
	// FeedURL is the subscribe link of a feed just made: shown once.
	FeedURL, FeedSchedule string
}

// scheduleView is one schedule on the page.
type scheduleView struct {
	Info      *arqir.ScheduleInfo
	Now       *arqir.OnCallAnswer
	Weeks     [][]dayCell
	Overrides []overrideView
	Notes     []arqir.HandoffNote
	Handoffs  []*arqir.HandoffReport
	// Problem says why the calendar cannot be shown.
	Problem string
}

// dayCell is one day of a calendar with the shifts that touch it.
type dayCell struct {
	Date   string // YYYY-MM-DD
	Label  string // e.g. "Mon 3"
	Today  bool
	Other  bool // outside the month shown
	Shifts []shiftCell
}

// shiftCell is the part of one shift within a day, in the schedule's zone.
type shiftCell struct {
	From, To string // 15:04; "24:00" when the shift runs past midnight
	User     string
	Name     string
	Gap      bool
	Override bool
}

// overrideView is an override with its times in the schedule's zone.
type overrideView struct {
	*arqir.Override
	From, To string
}

// overrideForm is the override form's fields.
type overrideForm struct {
	Schedule, User, Replaces, From, To string
}

// localInput is the layout of a datetime-local field.
const localInput = "2006-01-02T15:04"

// oncallPage shows the calendars: ?view=week|month&from=YYYY-MM-DD.
func (s *server) oncallPage(w http.ResponseWriter, r *http.Request) {
	s.showOncall(w, r, http.StatusOK, "", oncallData{})
}

// showOncall renders the page; msg, when set, is why a form was refused.
func (s *server) showOncall(w http.ResponseWriter, r *http.Request, status int, msg string, d oncallData) {
	ctx := r.Context()
	now := s.now()
	q := r.URL.Query()
	d.View = "week"
	if q.Get("view") == "month" {
		d.View = "month"
	}
	day := now.UTC()
	if v := q.Get("from"); v != "" {
		y, m, dd, err := arqir.ParseDate("from", v)
		if err != nil {
			s.fail(w, r, arqir.Errorf(arqir.EINVALID, "%s", arqir.ErrorMessage(err)))
			return
		}
		day = time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	}
	first, days := calendarRange(d.View, day)
	d.From = first.Format(time.DateOnly)
	if d.View == "month" {
		month := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
		d.From = month.Format(time.DateOnly)
		d.Prev, d.Next = month.AddDate(0, -1, 0).Format(time.DateOnly), month.AddDate(0, 1, 0).Format(time.DateOnly)
		d.Title = month.Format("January 2006")
	} else {
		d.Prev, d.Next = first.AddDate(0, 0, -7).Format(time.DateOnly), first.AddDate(0, 0, 7).Format(time.DateOnly)
		d.Title = "Week of " + d.From
	}

	infos, err := s.store.Schedules(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, info := range infos {
		sv, err := s.scheduleView(r, info, first, days, day.Month(), d.View == "month", now)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Schedules = append(d.Schedules, sv)
	}
	if d.Users, err = s.store.Users(ctx, false); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "oncall", view{Title: "On-call", Nav: "oncall", Error: msg, Data: d})
}

// calendarRange is the first day (a Monday) and the number of days of the
// period containing day: one week, or the whole weeks covering its month.
func calendarRange(v string, day time.Time) (time.Time, int) {
	monday := func(t time.Time) time.Time { return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)) }
	if v != "month" {
		return monday(day), 7
	}
	start := monday(time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC))
	last := time.Date(day.Year(), day.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	end := monday(last).AddDate(0, 0, 7)
	return start, int(end.Sub(start).Hours()/24 + 0.5)
}

// scheduleView reads one schedule for the period: shifts, who is on now,
// overrides, notes and reports.
func (s *server) scheduleView(r *http.Request, info *arqir.ScheduleInfo, first time.Time, days int, month time.Month, isMonth bool, now time.Time) (scheduleView, error) {
	ctx := r.Context()
	sv := scheduleView{Info: info, Problem: info.Problem}
	loc := schedZone(info.Zone)
	var err error
	if sv.Notes, err = s.store.HandoffNotes(ctx, info.Name); err != nil {
		return sv, err
	}
	if sv.Handoffs, err = s.store.Handoffs(ctx, info.Name, 10); err != nil {
		return sv, err
	}
	for _, o := range info.Overrides {
		sv.Overrides = append(sv.Overrides, overrideView{o, localTime(o.Start, loc), localTime(o.End, loc)})
	}
	if sv.Problem != "" {
		return sv, nil
	}
	answers, err := s.store.WhoIsOnCall(ctx, info.Name, now)
	if err != nil {
		return sv, err
	}
	if len(answers) > 0 {
		sv.Now = answers[0]
	}
	start := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	end := time.Date(first.Year(), first.Month(), first.Day()+days, 0, 0, 0, 0, loc)
	shifts, err := s.store.ScheduleShifts(ctx, info.Name, start, end)
	if code := arqir.ErrorCode(err); code == arqir.EUNPROCESSABLE {
		sv.Problem = arqir.ErrorMessage(err)
		return sv, nil
	} else if err != nil {
		return sv, err
	}
	today := now.In(loc).Format(time.DateOnly)
	var week []dayCell
	for i := range days {
		d0 := time.Date(first.Year(), first.Month(), first.Day()+i, 0, 0, 0, 0, loc)
		d1 := time.Date(first.Year(), first.Month(), first.Day()+i+1, 0, 0, 0, 0, loc)
		cell := dayCell{Date: d0.Format(time.DateOnly), Label: d0.Format("Mon 2"), Today: d0.Format(time.DateOnly) == today,
			Other: isMonth && d0.Month() != month}
		for _, sh := range shifts {
			if !sh.Start.Before(d1) || !sh.End.After(d0) {
				continue
			}
			from, to := later(sh.Start, d0), earlier(sh.End, d1)
			c := shiftCell{From: from.In(loc).Format("15:04"), To: to.In(loc).Format("15:04"), User: sh.User, Name: sh.UserName, Gap: sh.Gap}
			if to.Equal(d1) {
				c.To = "24:00"
			}
			for _, p := range sh.Parts {
				if p.Source == arqir.PartOverride {
					c.Override = true
				}
			}
			cell.Shifts = append(cell.Shifts, c)
		}
		week = append(week, cell)
		if len(week) == 7 {
			sv.Weeks, week = append(sv.Weeks, week), nil
		}
	}
	return sv, nil
}

// addOverride puts someone on call for a range typed in the schedule's zone.
func (s *server) addOverride(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("schedule")
	f := overrideForm{Schedule: name, User: strings.TrimSpace(r.PostFormValue("user")), Replaces: strings.TrimSpace(r.PostFormValue("replaces")),
		From: strings.TrimSpace(r.PostFormValue("from")), To: strings.TrimSpace(r.PostFormValue("to"))}
	info, err := s.store.Schedule(r.Context(), name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := schedZone(info.Zone)
	in := arqir.OverrideInput{User: f.User, Replaces: f.Replaces}
	if in.Start, err = parseLocal("from", f.From, loc); err == nil {
		in.End, err = parseLocal("to", f.To, loc)
	}
	if err == nil {
		_, err = s.store.AddOverride(r.Context(), name, in, actor(r))
	}
	switch arqir.ErrorCode(err) {
	case "":
		s.redirect(w, r, "/oncall#schedule-"+name, "Override added: "+f.User+" is on call in "+info.Title+" from "+f.From+" to "+f.To+" ("+info.Zone+").")
	case arqir.EINVALID, arqir.EUNPROCESSABLE, arqir.ECONFLICT:
		s.showOncall(w, r, statusOf(err), arqir.ErrorMessage(err), oncallData{Form: f})
	default:
		s.fail(w, r, err)
	}
}

// removeOverride deletes an override (both halves of a swap).
func (s *server) removeOverride(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("schedule")
	id, ok := pageID(r.PathValue("oid"))
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.store.RemoveOverride(r.Context(), name, id, actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/oncall#schedule-"+name, "Override removed.")
}

// addHandoffNote records a note for the next handoff report (O5): the
// engineer on call writes it, or an admin.
func (s *server) addHandoffNote(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("schedule")
	text := strings.TrimSpace(r.PostFormValue("text"))
	admin := sessionOf(r).Role.Allows(arqir.RoleAdmin)
	_, err := s.store.AddHandoffNote(r.Context(), name, text, actor(r), admin)
	switch arqir.ErrorCode(err) {
	case "":
		s.redirect(w, r, "/oncall#schedule-"+name, "Handoff note added.")
	case arqir.EINVALID, arqir.EUNPROCESSABLE, arqir.EFORBIDDEN:
		s.showOncall(w, r, statusOf(err), arqir.ErrorMessage(err), oncallData{})
	default:
		s.fail(w, r, err)
	}
}

// createCalendarFeed makes an iCal feed of a schedule and shows its link:
// the link is the credential, stored only as a hash, so it is shown on
// this answer once instead of after a redirect.
func (s *server) createCalendarFeed(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("schedule")
	secret, _, err := s.store.CreateCalendarFeed(r.Context(), arqir.CalendarTarget{Schedule: name}, actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showOncall(w, r, http.StatusOK, "", oncallData{FeedURL: s.baseURL(r) + "/ical/" + secret + ".ics", FeedSchedule: name})
}

// handoffPage shows one handoff report.
func (s *server) handoffPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pageID(r.PathValue("hid"))
	if !ok {
		s.notFound(w, r)
		return
	}
	h, err := s.store.Handoff(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "oncall_handoff", view{Title: "Handoff " + h.ScheduleTitle, Nav: "oncall", Data: h})
}

// baseURL is where browsers reach arqir: the public URL, else this
// request's scheme and host.
func (s *server) baseURL(r *http.Request) string {
	if s.publicURL != "" {
		return s.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// schedZone loads an IANA zone, UTC when empty or unknown.
func schedZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

// localTime writes an instant in a zone as people read it.
func localTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2006-01-02 15:04")
}

// parseLocal reads a datetime-local field in loc.
func parseLocal(field, v string, loc *time.Location) (time.Time, error) {
	if v == "" {
		return time.Time{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "the override needs a %s time: pick a date and time", field)
	}
	t, err := time.ParseInLocation(localInput, v, loc)
	if err != nil {
		return time.Time{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "%q is not a date and time: write it as 2025-03-04T09:00", v)
	}
	return t, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// pageID reads a numeric ID of the path; false for anything else.
func pageID(v string) (int64, bool) {
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}
