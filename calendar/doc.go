// Package calendar renders on-call shifts as an iCalendar (RFC 5545) feed,
// the format Google Calendar, Outlook and Apple Calendar subscribe to.
//
// It is an adapter: the shifts come from package rotation, and the API
// serves the bytes with ContentType behind a revocable token URL. Times are
// written in UTC (…Z), which every client reads correctly without a
// VTIMEZONE; X-WR-TIMEZONE tells clients which zone to show the calendar in.
// Each shift keeps the same UID on every fetch (see UID), so a subscription
// updates events in place instead of duplicating them.
package calendar
