package wabsp_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"strings"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

// A media header needs a sample: upload it first, then put its handle in
// the template's example.header_handle.
func ExampleClient_UploadMedia() {
	sb := wabsptest.NewServer() // in production: wabsp.NewClient(wabsp.FromEnv(), ...)
	defer sb.Close()
	signup := sb.NewSignup()
	client := sb.Client().WithToken(signup.AccessToken)

	var sample bytes.Buffer
	if err := png.Encode(&sample, image.NewRGBA(image.Rect(0, 0, 64, 64))); err != nil {
		panic(err)
	}
	h, err := client.UploadMedia(context.Background(), wabsp.MediaUpload{FileName: "header.png", MIMEType: "image/png", Data: sample.Bytes()})
	if err != nil {
		fmt.Println(err)
		return
	}
	header := wabsp.Component{Type: wabsp.ComponentHeader, Format: wabsp.HeaderImage,
		Example: &wabsp.ComponentExample{HeaderHandle: []string{h.Handle}}}
	fmt.Println("handle received:", h.Handle != "", "session:", strings.HasPrefix(h.SessionID, "upload:"))
	fmt.Println(header.Format, len(header.Example.HeaderHandle))

	// Checked before anything is sent: a GIF is not a template header type.
	_, err = client.UploadMedia(context.Background(), wabsp.MediaUpload{FileName: "a.gif", MIMEType: "image/gif", Data: []byte("GIF89a")})
	fmt.Println(err != nil)
	// Output:
	// handle received: true session: true
	// IMAGE 1
	// true
}
