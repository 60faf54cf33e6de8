package storetest

import (
	"time"

	"github.com/arqir/arqir"
)

// Rules returns the rules the suite declares incidents under, written out by
// hand like the ARQ procedures: response targets SEV1 5 min, SEV2 15 min,
// SEV3 30 min, SEV4 2 h, and the first-responder checklist R1–R7 (R5, the
// war-room call, only for SEV1 and SEV2). revision is the stored policy
// revision they belong to.
func Rules(revision int) arqir.Rules {
	return arqir.Rules{
		Revision: revision,
		Severities: []arqir.SeverityRule{
			{Name: "SEV1", Title: "Critical", Meaning: "Complete service outage", ResponseTarget: 5 * time.Minute},
			{Name: "SEV2", Title: "Major", Meaning: "Major functionality impaired", ResponseTarget: 15 * time.Minute},
			{Name: "SEV3", Title: "Minor", Meaning: "Minor functionality impaired", ResponseTarget: 30 * time.Minute},
			{Name: "SEV4", Title: "Low", Meaning: "Cosmetic or low impact", ResponseTarget: 2 * time.Hour},
		},
		Checklist: []arqir.ChecklistRule{
			{ID: "R1", Task: "Acknowledge the alert", DoneBy: arqir.ChecklistTriggerAcknowledge},
			{ID: "R2", Task: "Open the incident in INVESTIGATING", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R3", Task: "Assess and set the severity", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R4", Task: "Create the PagerDuty incident", DoneBy: arqir.ChecklistTriggerPagerDuty},
			{ID: "R5", Task: "Open the war-room call", DoneBy: arqir.ChecklistTriggerWarRoom, Severities: []string{"SEV1", "SEV2"}},
			{ID: "R6", Task: "Start the timeline", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R7", Task: "Notify the stakeholders", DoneBy: arqir.ChecklistTriggerNotify},
		},
	}
}
