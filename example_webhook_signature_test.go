package wabsp_test

import (
	"errors"
	"fmt"

	"github.com/wabsp/wabsp"
)

// VerifyWebhookSignature checks a body you hold (from a queue, say) the way
// WebhookHandler checks a request: against the raw bytes, with every app
// secret in use during a rotation.
func ExampleVerifyWebhookSignature() {
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	header := wabsp.SignWebhookBody("old-app-secret", body) // what Meta sent in X-Hub-Signature-256

	fmt.Println(wabsp.VerifyWebhookSignature(body, header, "new-app-secret", "old-app-secret"))

	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-2] = ' '
	err := wabsp.VerifyWebhookSignature(tampered, header, "new-app-secret", "old-app-secret")
	var se *wabsp.SignatureError
	fmt.Println(errors.As(err, &se))
	// Output:
	// <nil>
	// true
}
