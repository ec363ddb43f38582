// Command submit-template uploads a header image, submits a message template
// with an IMAGE header, a body with positional parameters, a footer and
// buttons, then syncs the WABA's template statuses.
//
// With META_APP_ID, META_APP_SECRET, GRAPH_ACCESS_TOKEN and WABA_ID set it
// calls Meta's Graph API for real. Otherwise it runs against a small
// in-process stand-in for the three Graph endpoints it uses, so it works on
// any machine without credentials.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/wabsp/wabsp"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "submit-template:", err)
		os.Exit(1)
	}
}

func run() error {
	wabaID := os.Getenv("WABA_ID")
	opts := []wabsp.Option{wabsp.FromEnv(), wabsp.WithUserAgentSuffix("example-submit-template")}
	if os.Getenv("META_APP_ID") == "" || os.Getenv("GRAPH_ACCESS_TOKEN") == "" || wabaID == "" {
		fake := httptest.NewServer(newFakeGraph())
		defer fake.Close()
		fmt.Println("no Graph credentials set: using an in-process stand-in for the Graph API at", fake.URL)
		wabaID = "109876543210987"
		opts = append(opts,
			wabsp.WithMetaApp("1234567890123456", "sandbox-app-secret"),
			wabsp.WithAccessToken("sandbox-access-token"),
			wabsp.WithGraphBaseURL(fake.URL))
	} else {
		opts = append(opts, wabsp.WithAccessToken(os.Getenv("GRAPH_ACCESS_TOKEN")))
	}
	client, err := wabsp.NewClient(opts...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	sample, err := headerImage()
	if err != nil {
		return err
	}
	handle, err := client.UploadMedia(ctx, wabsp.MediaUpload{FileName: "summer_sale.png", MIMEType: "image/png", Data: sample})
	if err != nil {
		return fmt.Errorf("uploading the header sample: %w", err)
	}
	fmt.Printf("uploaded a %d-byte PNG: handle %s\n", len(sample), handle.Handle)

	tmpl := wabsp.TemplateRequest{
		Name:     "summer_sale_2025",
		Language: "en_US",
		Category: wabsp.CategoryMarketing,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentHeader, Format: wabsp.HeaderImage,
				Example: &wabsp.ComponentExample{HeaderHandle: []string{handle.Handle}}},
			{Type: wabsp.ComponentBody, Text: "Hi {{1}}, our summer sale is on: {{2}} off everything until Sunday.",
				Example: &wabsp.ComponentExample{BodyText: [][]string{{"Ana", "25%"}}}},
			{Type: wabsp.ComponentFooter, Text: "Reply STOP to unsubscribe"},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{
				{Type: wabsp.ButtonQuickReply, Text: "Interested"},
				{Type: wabsp.ButtonQuickReply, Text: "Not now"},
				{Type: wabsp.ButtonURL, Text: "Shop the sale", URL: "https://shop.example.com/sale/{{1}}",
					Example: []string{"https://shop.example.com/sale/summer"}},
			}},
		},
	}
	submitted, err := client.SubmitTemplate(ctx, wabaID, tmpl)
	if err != nil {
		return fmt.Errorf("submitting: %w", err)
	}
	fmt.Printf("submitted %s: id %s, status %s, category %s\n", tmpl.Name, submitted.ID, submitted.Status, submitted.Category)

	sync, err := client.SyncTemplates(ctx, wabaID)
	if err != nil {
		return fmt.Errorf("syncing: %w", err)
	}
	fmt.Printf("synced %d template(s) of WABA %s:\n", len(sync.Templates), sync.WABAID)
	for _, t := range sync.Templates {
		line := fmt.Sprintf("  %-20s %-6s %-10s %s", t.Name, t.Language, t.Category, t.Status)
		if t.RejectedReason != "" {
			line += " (" + t.RejectedReason + ")"
		}
		fmt.Println(line)
	}
	return nil
}

// headerImage draws a small PNG to serve as the header sample.
func headerImage() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 80, 42))
	for y := 0; y < 42; y++ {
		for x := 0; x < 80; x++ {
			img.Set(x, y, color.RGBA{R: 255, G: uint8(160 + y), B: uint8(x), A: 255})
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

// fakeGraph answers the upload session, upload, submit and list calls the
// way Meta's Graph API documents them, keeping submitted templates in memory.
// It stands in until the SDK's sandbox package exists.
type fakeGraph struct {
	mu        sync.Mutex
	templates []map[string]any
}

func newFakeGraph() http.Handler {
	return &fakeGraph{templates: []map[string]any{
		{"id": "956723401156789", "name": "winback_offer", "language": "pt_BR", "status": "REJECTED", "category": "MARKETING", "rejected_reason": "PROMOTIONAL"},
	}}
}

func (f *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/"+wabsp.DefaultGraphVersion+"/")
	auth := r.Header.Get("Authorization")
	switch {
	case auth == "":
		graphError(w, http.StatusUnauthorized, 190, "An access token is required to request this resource.")
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/uploads"):
		writeJSON(w, map[string]string{"id": "upload:c2FuZGJveC11cGxvYWQ=?sig=sandbox"})
	case r.Method == http.MethodPost && strings.HasPrefix(path, "upload:"):
		data, _ := io.ReadAll(r.Body)
		if !strings.HasPrefix(auth, "OAuth ") || r.Header.Get("file_offset") != "0" || len(data) == 0 {
			graphError(w, http.StatusBadRequest, 100, "Invalid upload: OAuth authorization, file_offset 0 and a body are required.")
			return
		}
		writeJSON(w, map[string]string{"h": fmt.Sprintf("4::aW1hZ2UvcG5n:sandbox-handle-%d", len(data))})
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/message_templates"):
		var t map[string]any
		if err := json.NewDecoder(r.Body).Decode(&t); err != nil {
			graphError(w, http.StatusBadRequest, 100, "Invalid parameter")
			return
		}
		f.mu.Lock()
		t["id"], t["status"] = fmt.Sprint(594425479261596+len(f.templates)), "PENDING"
		f.templates = append(f.templates, t)
		f.mu.Unlock()
		writeJSON(w, map[string]any{"id": t["id"], "status": t["status"], "category": t["category"]})
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/message_templates"):
		f.mu.Lock()
		defer f.mu.Unlock()
		writeJSON(w, map[string]any{"data": f.templates, "paging": map[string]any{"cursors": map[string]string{"before": "QQ", "after": "QQ"}}})
	default:
		graphError(w, http.StatusBadRequest, 100, "Unsupported "+r.Method+" request.")
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func graphError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException", "code": code, "fbtrace_id": "sandbox"}})
}
