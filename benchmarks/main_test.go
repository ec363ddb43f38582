package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/wabsp/wabsp"
)

// TestEveryCandidateReadsEveryFixture keeps the comparison honest: the
// typed structs must let every strict decoder read every fixture, or the
// harness would be timing refusals.
func TestEveryCandidateReadsEveryFixture(t *testing.T) {
	corpora := loadCorpora("../testdata/webhooks")
	for _, in := range corpora {
		for _, c := range append(decoders, requestPaths(decoders[1])...) {
			for i, b := range in.bodies {
				if err := c.run(b); err != nil {
					t.Errorf("%s refuses body %d of %s: %v", c.name, i, in.name, err)
				}
			}
		}
	}
}

// TestStatusDelivery checks the built 1,000-status delivery: in Meta's
// order, and every status with its own id.
func TestStatusDelivery(t *testing.T) {
	body := statusDelivery("../testdata/webhooks/status_sent.json", 1000)
	if !bytes.Contains(body, []byte(`]},"field":"messages"}]`)) {
		t.Fatal(`"value" is not before "field"`)
	}
	w, err := wabsp.DecodeWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for s := range w.Statuses() {
		if want := fmt.Sprintf("%06d", n); !strings.HasSuffix(s.Status.ID, want) {
			t.Fatalf("status %d has id %s", n, s.Status.ID)
		}
		n++
	}
	if n != 1000 {
		t.Fatalf("%d statuses, want 1000", n)
	}
}
