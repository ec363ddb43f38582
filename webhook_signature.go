package wabsp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// WebhookSignatureHeader is the header Meta signs deliveries in.
const WebhookSignatureHeader = "X-Hub-Signature-256"

// Sentinels matched by the *SignatureError of a refused delivery.
var (
	ErrSignatureMissing   = errors.New("wabsp: webhook signature missing")
	ErrSignatureMalformed = errors.New("wabsp: webhook signature malformed")
	ErrSignatureMismatch  = errors.New("wabsp: webhook signature does not match")
	ErrNoAppSecret        = errors.New("wabsp: no app secret to check the webhook signature with")
)

// SignatureError reports a delivery whose X-Hub-Signature-256 is missing,
// malformed or wrong. It never holds the header's value or a secret.
type SignatureError struct {
	// Reason is one of ErrSignatureMissing, ErrSignatureMalformed,
	// ErrSignatureMismatch or ErrNoAppSecret.
	Reason error
}

// Error returns the reason.
func (e *SignatureError) Error() string { return e.Reason.Error() }

// Unwrap returns the reason, for errors.Is.
func (e *SignatureError) Unwrap() error { return e.Reason }

// SignWebhookBody returns the X-Hub-Signature-256 value Meta would send for
// body: "sha256=" and the hex HMAC-SHA256 of body keyed with the app
// secret. Use it to test a receiver.
func SignWebhookBody(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhookSignature checks header, the X-Hub-Signature-256 value,
// against the raw body with each app secret in turn (several during a
// rotation). It returns nil when one matches and a *SignatureError
// otherwise. The comparison takes constant time.
func VerifyWebhookSignature(body []byte, header string, appSecrets ...string) error {
	if len(appSecrets) == 0 {
		return &SignatureError{Reason: ErrNoAppSecret}
	}
	if header == "" {
		return &SignatureError{Reason: ErrSignatureMissing}
	}
	const prefix = "sha256="
	var want [sha256.Size]byte
	if len(header) != len(prefix)+2*sha256.Size || header[:len(prefix)] != prefix {
		return &SignatureError{Reason: ErrSignatureMalformed}
	}
	if _, err := hex.Decode(want[:], []byte(header[len(prefix):])); err != nil {
		return &SignatureError{Reason: ErrSignatureMalformed}
	}
	var sum [sha256.Size]byte
	ok := 0
	for _, s := range appSecrets {
		if s == "" {
			continue
		}
		m := hmac.New(sha256.New, []byte(s))
		m.Write(body)
		// Every secret is tried, so timing does not tell which matched.
		ok |= subtleEq(m.Sum(sum[:0]), want[:])
	}
	if ok == 0 {
		return &SignatureError{Reason: ErrSignatureMismatch}
	}
	return nil
}

func subtleEq(a, b []byte) int {
	if hmac.Equal(a, b) {
		return 1
	}
	return 0
}
