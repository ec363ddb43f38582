// Command submit-template uploads a header image, submits a message template
// with an IMAGE header, a body with positional parameters, a footer and
// buttons, then syncs the WABA's template statuses.
//
// With META_APP_ID, META_APP_SECRET, GRAPH_ACCESS_TOKEN and WABA_ID set it
// calls Meta's Graph API for real. Otherwise it runs against the wabsptest
// sandbox (an in-process Graph API) for a customer who has just finished
// Embedded Signup, so it works on any machine without credentials. There
// Meta's review approves the template, or rejects it as PROMOTIONAL when
// run with -reject.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"time"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "submit-template:", err)
		os.Exit(1)
	}
}

func run() error {
	reject := flag.Bool("reject", false, "in the sandbox, have Meta's review reject the template")
	flag.Parse()
	wabaID := os.Getenv("WABA_ID")
	var client *wabsp.Client
	// review stands for Meta's review, which for real happens later.
	review := func() {}
	if os.Getenv("META_APP_ID") == "" || os.Getenv("GRAPH_ACCESS_TOKEN") == "" || wabaID == "" {
		sb := wabsptest.NewServer()
		defer sb.Close()
		signup := sb.NewSignup()
		fmt.Println("no Graph credentials set: using the wabsptest sandbox at", sb.URL(), "for WABA", signup.WABAID)
		wabaID = signup.WABAID
		client = sb.Client(wabsp.WithUserAgentSuffix("example-submit-template")).WithToken(signup.AccessToken)
		sb.ReviewTemplates(func(t wabsptest.TemplateUnderReview) (string, string) {
			if *reject {
				return "REJECTED", "PROMOTIONAL"
			}
			return "APPROVED", ""
		})
		review = func() { fmt.Printf("sandbox: Meta's review decided on %d template(s)\n", sb.ReviewPendingTemplates()) }
	} else {
		c, err := wabsp.NewClient(wabsp.FromEnv(), wabsp.Require(wabsp.RequireMetaApp), wabsp.WithUserAgentSuffix("example-submit-template"),
			wabsp.WithAccessToken(os.Getenv("GRAPH_ACCESS_TOKEN")))
		if err != nil {
			return err
		}
		client = c
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
	review()

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
