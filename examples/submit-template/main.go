// Command submit-template uploads a header image, submits a message template
// with an IMAGE header, a body with positional parameters, a footer and
// buttons, then syncs the WABA's template statuses.
//
// With META_ACCESS_TOKEN, META_APP_ID, META_APP_SECRET and WHATSAPP_WABA_ID
// all set it calls Meta's Graph API for real; a part of them is refused,
// naming what is missing. With none set it runs against the wabsptest
// sandbox (an in-process Graph API) for a customer who has just finished
// Embedded Signup, so it works on any machine without credentials. There
// Meta's review approves the template, or rejects it as PROMOTIONAL when run
// with -reject. -h lists every flag and variable.
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
	"github.com/wabsp/wabsp/examples/internal/exampleenv"
	"github.com/wabsp/wabsp/wabsptest"
)

// graphVars are needed together to call the real Graph API.
var graphVars = []string{"META_ACCESS_TOKEN", "META_APP_ID", "META_APP_SECRET", "WHATSAPP_WABA_ID"}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "submit-template:", err)
		os.Exit(1)
	}
}

func run() error {
	reject := flag.Bool("reject", false, "in the sandbox, have Meta's review reject the template")
	exampleenv.SetUsage(flag.CommandLine, `Command submit-template uploads a header sample, submits a template and syncs statuses.
With none of the variables below set it runs on the in-process sandbox.

Usage: go run ./examples/submit-template [-reject]`,
		exampleenv.Var{Name: "META_ACCESS_TOKEN", Help: "the customer's business token (or your system user token); with all of the next three, calls the real Graph API"},
		exampleenv.Var{Name: "META_APP_ID", Help: "your Meta app id (the Resumable Upload API runs under it)"},
		exampleenv.Var{Name: "META_APP_SECRET", Help: "your Meta app secret (for appsecret_proof)"},
		exampleenv.Var{Name: "WHATSAPP_WABA_ID", Help: "the customer's WhatsApp Business Account id"},
	)
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	real, err := exampleenv.Group("call the real Graph API", graphVars...)
	if err != nil {
		return err
	}
	if real && *reject {
		return fmt.Errorf("-reject only applies to the sandbox: Meta's real review decides")
	}
	wabaID := os.Getenv("WHATSAPP_WABA_ID")
	var client *wabsp.Client
	// review stands for Meta's review, which for real happens later.
	review := func() {}
	if !real {
		sb := wabsptest.NewServer()
		defer sb.Close()
		signup := sb.NewSignup()
		fmt.Println("no Graph credentials set (see -h): using the wabsptest sandbox at", sb.URL(), "for WABA", signup.WABAID)
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
			wabsp.WithAccessToken(os.Getenv("META_ACCESS_TOKEN")))
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
