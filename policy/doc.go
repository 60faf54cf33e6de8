// Package policy is the incident response procedures as code: it loads the
// versioned YAML policy (the default one is the ARQ procedures document),
// validates it strictly, hands the incident core its arqir.Rules, and renders
// the policy back as the Markdown procedures.
//
// The package is pure: no I/O besides the embedded default, so every other
// package can use it in tests and decisions without a filesystem.
//
// # Document
//
// Top-level keys (default.yaml is the complete example):
//
//	version          "16.0"; rendered "Phase 16"              required
//	name, overview   title and introduction                    name required
//	severities       S1–S4, most severe first                  required, non-empty
//	detection        rules (D1–D4), manual_sources (D5)
//	routing          how alerts become incidents: group_by, reopen_within,
//	                 default_severity, source_severities, routes (not rendered)
//	first_responder  checklist (R1–R7)
//	diagnostics      groups (G1–G4)
//	runbooks         M1–M3
//	communication    channel, initial_notification, status_updates,
//	                 resolution_notification (C1–C3)
//	post_incident    rca (P1, P2; its remind_before, default 2h, is not
//	                 rendered), action_items (P3, P4)
//	oncall           schedules (O1–O3), availability (O4), handoff (O5), post_shift (O6)
//	tools            T1–T6, with the paging, chat and war_room roles
//	contacts         people, groups, escalation_email, war_room, incident_channel (X1)
//	paging           who is paged step by step and who is told: chain, repeat,
//	                 stale_after, update_grace, business_hours, stakeholders,
//	                 mentions, base_url (not rendered; every key optional)
//	kpis             K1–K5
//	improvement      review (I1), drills (I2), items (I3–I6)
//
// Conventions:
//   - Durations are Go durations plus d (days) and w (weeks): 5m, 2h, 30d, 1w.
//     Deadlines that may be "immediately" accept 0s.
//   - Calendar cadences are whole months: 3mo is quarterly, 2mo is
//     "bi-monthly" (every two months).
//   - Clock times are 24-hour "HH:MM" in quotes; zones are IANA names.
//   - Comparisons are quoted: ">" (a bare > starts a YAML block).
//   - Channels are quoted: "#incidents" (a bare # starts a YAML comment).
//   - Every block may name the procedure clauses it implements with
//     clause: S1 or clause: [P1, P2]; items whose id is a clause ID (R1, D1)
//     are traced by their id. Render shows them as <!-- S1 --> comments.
//
// # Strictness
//
// Load reports every problem at once, each with its YAML path and line:
// unknown keys (with a suggestion when one is close), wrong types, missing
// or empty required values, duplicates, impossible values and references to
// undefined severities, runbooks, contacts or schedules. An absent optional
// block (communication, oncall, kpis, ...) switches that part of the
// procedures off; a present block must be complete. Unknown keys are always
// errors, so a misspelt block name cannot switch anything off silently.
package policy
