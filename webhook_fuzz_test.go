package wabsp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// FuzzDecodeWebhook decodes mutated real deliveries with the hand-written
// decoder and with encoding/json and checks that they agree: both accept or
// both refuse, and every string both read at the same place (ids, fields,
// statuses, senders, text bodies) is the same string. Whatever was decoded
// must encode again, so a callback can queue it as JSON. Bodies
// with a repeated member name are compared on accept/refuse only: there the
// decoders differ by design in how they merge nested objects, and
// TestDecodeWebhookBadInputs pins the rule (the last array wins).
func FuzzDecodeWebhook(f *testing.F) {
	addWebhookSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := wabsp.DecodeWebhook(body)
		// UseNumber: a number beyond float64 (1e999) is valid JSON, which
		// the decoder accepts and keeps raw.
		var top any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		valid := json.Valid(body) && dec.Decode(&top) == nil
		obj, isObject := top.(map[string]any)
		if (err == nil) != (valid && isObject) {
			t.Fatalf("decoder err %v, encoding/json valid %v, object %v: %q", err, valid, isObject, body)
		}
		if err != nil {
			return
		}
		if _, err := json.Marshal(w); err != nil {
			t.Fatalf("decoded value does not marshal: %v: %q", err, body)
		}
		if hasRepeatedMember(body) {
			return
		}
		for _, d := range differences(w, obj) {
			t.Errorf("%s: %q", d, body)
		}
	})
}

// differences lists the strings on which w and encoding/json's reading of
// the same body disagree, at the places both read as strings.
func differences(w *wabsp.Webhook, top map[string]any) []string {
	var out []string
	same := func(path string, got string, v any) {
		if want, ok := v.(string); ok && got != want {
			out = append(out, fmt.Sprintf("%s: decoder %q, encoding/json %q", path, got, want))
		}
	}
	same("object", w.Object, top["object"])
	entries, _ := top["entry"].([]any)
	if len(entries) != len(w.Entries) {
		if _, isArray := top["entry"].([]any); isArray {
			out = append(out, fmt.Sprintf("entry: %d entries, encoding/json %d", len(w.Entries), len(entries)))
		}
		return out
	}
	for i, ev := range entries {
		e, _ := ev.(map[string]any)
		we := &w.Entries[i]
		same(fmt.Sprintf("entry[%d].id", i), we.ID, e["id"])
		changes, isArray := e["changes"].([]any)
		if isArray && len(changes) != len(we.Changes) {
			out = append(out, fmt.Sprintf("entry[%d].changes: %d, encoding/json %d", i, len(we.Changes), len(changes)))
			continue
		}
		for j, cv := range changes {
			c, _ := cv.(map[string]any)
			wc := &we.Changes[j]
			path := fmt.Sprintf("entry[%d].changes[%d]", i, j)
			same(path+".field", string(wc.Field), c["field"])
			if v, ok := c["value"].(map[string]any); ok && wc.Messages != nil {
				out = append(out, messagesDifferences(path+".value", wc.Messages, v)...)
			}
		}
	}
	return out
}

func messagesDifferences(path string, got *wabsp.MessagesValue, v map[string]any) []string {
	var out []string
	same := func(p string, got string, v any) {
		if want, ok := v.(string); ok && got != want {
			out = append(out, fmt.Sprintf("%s.%s: decoder %q, encoding/json %q", path, p, got, want))
		}
	}
	objects := func(name string, n int) []map[string]any {
		arr, isArray := v[name].([]any)
		if !isArray {
			return nil
		}
		if len(arr) != n {
			out = append(out, fmt.Sprintf("%s.%s: %d, encoding/json %d", path, name, n, len(arr)))
			return nil
		}
		ms := make([]map[string]any, len(arr))
		for i, x := range arr {
			ms[i], _ = x.(map[string]any)
		}
		return ms
	}
	if md, ok := v["metadata"].(map[string]any); ok {
		same("metadata.phone_number_id", got.Metadata.PhoneNumberID, md["phone_number_id"])
	}
	for i, c := range objects("contacts", len(got.Contacts)) {
		same(fmt.Sprintf("contacts[%d].wa_id", i), got.Contacts[i].WaID, c["wa_id"])
		if p, ok := c["profile"].(map[string]any); ok {
			same(fmt.Sprintf("contacts[%d].profile.name", i), got.Contacts[i].Profile.Name, p["name"])
		}
	}
	for i, m := range objects("messages", len(got.Messages)) {
		gm := &got.Messages[i]
		same(fmt.Sprintf("messages[%d].id", i), gm.ID, m["id"])
		same(fmt.Sprintf("messages[%d].from", i), gm.From, m["from"])
		same(fmt.Sprintf("messages[%d].type", i), string(gm.Type), m["type"])
		if txt, ok := m["text"].(map[string]any); ok && gm.Text != nil {
			same(fmt.Sprintf("messages[%d].text.body", i), gm.Text.Body, txt["body"])
		}
	}
	for i, s := range objects("statuses", len(got.Statuses)) {
		gs := &got.Statuses[i]
		same(fmt.Sprintf("statuses[%d].id", i), gs.ID, s["id"])
		same(fmt.Sprintf("statuses[%d].status", i), string(gs.Status), s["status"])
		same(fmt.Sprintf("statuses[%d].recipient_id", i), gs.RecipientID, s["recipient_id"])
	}
	return out
}

// hasRepeatedMember reports whether any object in a valid JSON body names a
// member twice.
func hasRepeatedMember(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object bool
		names  map[string]bool
		key    bool // the next string token is a member name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, &frame{object: true, names: map[string]bool{}, key: true})
				continue
			case '[':
				stack = append(stack, &frame{})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.object && top.key {
				if top.names[tok] {
					return true
				}
				top.names[tok] = true
				top.key = false
				continue
			}
		}
		// A value ended: in an object the next token is a name again.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].key = true
		}
	}
}
