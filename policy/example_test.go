package policy_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"time"

	"github.com/wabsp/wabsp/policy"
)

func ExampleTracker() {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tracker, err := policy.NewTracker(policy.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}

	// From a "messages" webhook: the customer wrote an hour ago.
	_ = tracker.ObserveInbound(ctx, policy.InboundMessage{
		PhoneNumberID: "106540352242922", CustomerWAID: "447700900001", At: now.Add(-time.Hour),
	})
	// From a phone_number_quality_update webhook.
	_ = tracker.ObserveTierChange(ctx, policy.TierChange{PhoneNumberID: "106540352242922", Tier: "TIER_1K"})

	w, _ := tracker.Window(ctx, "106540352242922", "447700900001")
	fmt.Println("free-form allowed:", w.Open, "until", w.Until.Format(time.RFC3339))

	d, _ := tracker.Classify(ctx, "106540352242922", "447700900002")
	fmt.Println("a template to someone else would be a", d.Kind, "with", d.Limit.Remaining, "left")
	// Output:
	// free-form allowed: true until 2025-03-02T11:00:00Z
	// a template to someone else would be a new_conversation with 1000 left
}

func ExampleTracker_Reserve() {
	ctx := context.Background()
	tracker, _ := policy.NewTracker(policy.WithDefaultTier(policy.Tier50))

	d, err := tracker.Reserve(ctx, "106540352242922", "447700900002")
	if err != nil {
		panic(err)
	}
	switch d.Kind {
	case policy.KindLimitReached:
		fmt.Println("wait until", d.Limit.NextSlotAt)
	default:
		// Send the template now; the slot, if one was needed, is counted.
		fmt.Println(d.Kind, d.Limit.Used, "of", d.Limit.Max)
	}
	// Output: new_conversation 1 of 50
}

func ExampleNewHTTPHandler() {
	tracker, _ := policy.NewTracker()
	handler := policy.NewHTTPHandler(tracker, nil)
	// In a server: mux.Handle("/policy/", handler)

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("GET", "/policy/limit?phone_number_id=106540352242922", nil))
	body, _ := io.ReadAll(rec.Body)
	fmt.Print(string(body))
	// Output: {"phone_number_id":"106540352242922","portfolio_id":"106540352242922","tier":"TIER_250","tier_known":false,"unlimited":false,"limit":250,"used":0,"remaining":250}
}
