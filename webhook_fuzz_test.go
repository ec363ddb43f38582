package wabsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wabsp/wabsp"
)

// addWebhookSeeds seeds a fuzz target with every fixture, good and bad.
func addWebhookSeeds(f *testing.F, add func(body []byte)) {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	bad, _ := filepath.Glob(filepath.Join("testdata", "webhooks", "bad", "*.json"))
	for _, p := range append(files, bad...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// FuzzDecodeWebhook checks that the decoder never panics and agrees with
// encoding/json on what is JSON: it accepts exactly the well-formed objects.
func FuzzDecodeWebhook(f *testing.F) {
	addWebhookSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := wabsp.DecodeWebhook(body)
		var top any
		validObject := json.Valid(body) && json.Unmarshal(body, &top) == nil
		if validObject {
			_, validObject = top.(map[string]any)
		}
		if err == nil && !validObject {
			t.Fatalf("accepted a body encoding/json refuses: %q", body)
		}
		if err != nil && validObject {
			t.Fatalf("refused a valid object: %v: %q", err, body)
		}
		if err == nil {
			// Whatever was decoded must encode again.
			if _, err := json.Marshal(w); err != nil {
				t.Fatalf("decoded value does not marshal: %v", err)
			}
		}
	})
}

// FuzzVerifyWebhookSignature checks that the signature check never panics,
// accepts what SignWebhookBody produced and refuses any other header.
func FuzzVerifyWebhookSignature(f *testing.F) {
	addWebhookSeeds(f, func(b []byte) { f.Add(b, "secret", wabsp.SignWebhookBody("secret", b)) })
	f.Add([]byte("{}"), "s", "sha256=")
	f.Fuzz(func(t *testing.T, body []byte, secret, header string) {
		if secret == "" {
			return
		}
		err := wabsp.VerifyWebhookSignature(body, header, secret)
		good := wabsp.SignWebhookBody(secret, body)
		// Hex digits are compared as bytes, so either case is accepted.
		if (err == nil) != (strings.HasPrefix(header, "sha256=") && strings.EqualFold(header, good)) {
			t.Fatalf("header %q: err %v", header, err)
		}
		if err := wabsp.VerifyWebhookSignature(body, good, "x"+secret, secret); err != nil {
			t.Fatalf("own signature refused: %v", err)
		}
	})
}
