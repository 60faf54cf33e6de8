package arqir_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// DeliveryTeaches lets the store skip reading and rewriting the incident
// for a delivery; it must say true whenever RecordDelivery would change
// the incident of a fresh declaration (initial notice pending, checklist
// open, no refs), for every purpose and kind of refs.
func TestDeliveryTeachesWhatRecordDeliveryChanges(t *testing.T) {
	purposes := []string{arqir.PurposePage, arqir.PurposeEscalation, arqir.PurposeInitialNotice, arqir.PurposeStatusUpdate,
		arqir.PurposeUpdateReminder, arqir.PurposeResolution, arqir.PurposeStakeholder, arqir.PurposeStatusSync, arqir.PurposeWarRoom,
		arqir.PurposeRCAReminder, arqir.PurposeRCAInvite, arqir.PurposeActionItemReminder, arqir.PurposeTrackerSync}
	refsCases := []map[string]string{
		nil,
		{},
		{arqir.RefWarRoomURL: ""},
		{arqir.RefWarRoomURL: "https://zoom.example/j/1"},
		{arqir.RefPagerDutyDedupKey: "INC-1"},
		{arqir.RefSlackChannel: "C1", arqir.RefSlackTS: ""},
	}
	rules := testRules()
	rules.Paging.Channel, rules.Paging.InitialWithin = "#incidents", 5*time.Minute
	for _, purpose := range purposes {
		for _, refs := range refsCases {
			t.Run(fmt.Sprintf("%s/%v", purpose, refs), func(t *testing.T) {
				inc, _, err := arqir.NewIncident(arqir.Declaration{Title: "Checkout errors", Severity: "SEV1"}, rules, alice, t0)
				if err != nil {
					t.Fatal(err)
				}
				n := &arqir.Notification{ID: 1, IncidentID: inc.ID, Purpose: purpose, Channel: arqir.ChannelSlackChannel, Address: "C1"}
				changes := len(inc.RecordDelivery(n, refs, t0.Add(time.Minute))) > 0
				if got := arqir.DeliveryTeaches(purpose, refs); got != changes {
					t.Fatalf("DeliveryTeaches = %v, but RecordDelivery changes the incident: %v", got, changes)
				}
			})
		}
	}
	// The cases the store relies on, spelled out.
	for _, tc := range []struct {
		purpose string
		refs    map[string]string
		want    bool
	}{
		{arqir.PurposePage, nil, false},
		{arqir.PurposePage, map[string]string{arqir.RefWarRoomURL: ""}, false},
		{arqir.PurposeWarRoom, nil, false},
		{arqir.PurposeWarRoom, map[string]string{arqir.RefWarRoomURL: "https://zoom.example/j/1"}, true},
		{arqir.PurposeInitialNotice, nil, true},
		{arqir.PurposeStakeholder, nil, true},
	} {
		if got := arqir.DeliveryTeaches(tc.purpose, tc.refs); got != tc.want {
			t.Errorf("DeliveryTeaches(%s, %v) = %v, want %v", tc.purpose, tc.refs, got, tc.want)
		}
	}
}
