package main

import (
	"testing"
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
