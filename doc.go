// Package wabsp is a Go SDK for WhatsApp Tech Providers that resell the
// WhatsApp Business Platform through Plivo and onboard their customers with
// Meta's Embedded Signup.
//
// # Construction and authentication
//
// Build one Client with NewClient and reuse it. Plivo calls use HTTP Basic
// auth with the Tech Provider's Auth ID and Auth Token (WithPlivoCredentials);
// Graph calls use the Meta app id and secret (WithMetaApp) and, where a call
// acts for a customer, the customer's access token. FromEnv reads the same
// credentials from PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, META_APP_ID and
// META_APP_SECRET; the environment is never read without it. Credentials are
// held as Secret values, which print as "[REDACTED]".
//
// # Errors
//
// Every error response becomes a typed error: *BadRequestError (400),
// *AuthenticationError (401), *PermissionError (403), *RateLimitError (429),
// *ServerError (5xx), each embedding *APIError with the status, the
// provider's request id (Plivo's api_id or Graph's fbtrace_id) and the raw
// body. A Graph error envelope is also reachable as *GraphError, and the
// documented Plivo 400 reasons as sentinels such as ErrWABAAlreadyOnboarded:
//
//	resp, err := client.EmbeddedSignup(ctx, req)
//	var bad *wabsp.BadRequestError
//	switch {
//	case errors.Is(err, wabsp.ErrWABAAlreadyOnboarded):
//		// done before, perhaps by an attempt whose answer was lost
//	case errors.As(err, &bad):
//		log.Printf("rejected: %s (api_id %s)", bad.Message, bad.RequestID)
//	}
//
// Invalid input is refused before anything is sent, with a *ValidationError
// listing every problem.
//
// # Retries
//
// Transport failures, 429, 5xx and the Graph errors Meta marks as throttling
// or temporary are retried with capped exponential backoff and jitter,
// honouring Retry-After; no other 4xx is. A POST is retried after a 5xx only
// where a repeat is harmless or can be recognised, as Embedded Signup's
// "already registered" answer can. Cancelling the context stops a call at
// once, also while it waits to retry. See RetryPolicy.
//
// # Customer assets
//
// Calls that act on a customer's WABA (phone numbers, business profiles,
// templates, uploads) use the customer's business token from Onboard, or the
// Tech Provider's system user token: Client.WithToken or WithAccessToken.
// Lists are Go 1.23 iterators that fetch pages as the loop asks for them.
// Templates are validated against every documented limit before they are
// sent, and a submission is not retried after a 5xx: FindTemplate tells
// whether it was created.
//
// # Webhooks
//
// WebhookHandler is the http.Handler for Meta's callback URL: it answers the
// subscription challenge, reads the body once up to a cap (413 beyond),
// checks X-Hub-Signature-256 against the raw bytes with one or more app
// secrets (401 otherwise), decodes every change into a typed value and calls
// the typed callbacks. Nothing is acknowledged that was not processed: a
// message or status is marked done in the Deduplicator only after its
// callback returned nil, a callback that fails or panics answers 500, and a
// redelivery of an event still being processed answers 503, so that Meta
// retries; events already done are skipped on the retry. NewWebhookServer
// serves it with timeouts that keep unsigned clients from holding memory.
// DecodeWebhook and VerifyWebhookSignature do the same steps for a body you
// hold, and SignWebhookBody signs a body as Meta would, for tests.
//
// Inbox is the opt-in mode for receivers at scale: it answers 200 once a
// verified delivery is stored in an InboxQueue (a Redis stream with
// inbox/redisinbox, or NewMemoryInboxQueue in one process) and runs the
// callbacks on workers through the handler's Dispatch, with retries, dead
// letters and takeover of a crashed worker's deliveries.
//
// Decoding is lenient: unknown fields, message types and members are kept as
// raw JSON (in Extra or WebhookChange.Raw), unknown enum values as their
// string, ids are read from strings or numbers digit for digit, and
// timestamps become time.Time.
package wabsp
