package wabsp

import (
	"net/http"
	"time"
)

// The timeouts of NewWebhookServer. Meta connects from its own data
// centres and sends a delivery of at most 3 MB at once, so honest clients
// finish well inside them; a client that trickles headers or a body, or
// holds an idle connection, is cut off instead of holding a goroutine, a
// connection and a buffer.
const (
	WebhookReadHeaderTimeout = 10 * time.Second
	WebhookReadTimeout       = 30 * time.Second
	// WebhookWriteTimeout covers the callbacks too, since they run before
	// the answer is written.
	WebhookWriteTimeout = 60 * time.Second
	WebhookIdleTimeout  = 120 * time.Second
	// WebhookMaxHeaderBytes caps request headers (net/http's default is
	// 1 MB); Meta's are a few hundred bytes.
	WebhookMaxHeaderBytes = 64 << 10
)

// NewWebhookServer returns an *http.Server for addr and h (a
// WebhookHandler, or a mux around one) with the timeouts above. A server
// without them lets unauthenticated clients hold connections and memory
// for as long as they like: the signature can only be checked once the
// whole body has arrived. Call ListenAndServe or ListenAndServeTLS on the
// result, and Shutdown to stop it.
func NewWebhookServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: WebhookReadHeaderTimeout,
		ReadTimeout:       WebhookReadTimeout,
		WriteTimeout:      WebhookWriteTimeout,
		IdleTimeout:       WebhookIdleTimeout,
		MaxHeaderBytes:    WebhookMaxHeaderBytes,
	}
}
