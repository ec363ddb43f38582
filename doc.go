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
// *ServerError (5xx), each embedding *APIError with the method, the URL
// (credentials redacted), the status, the provider's request id (Plivo's
// api_id or Graph's fbtrace_id) and the raw body. Graph errors are typed by
// their code rather than their status (190 is an *AuthenticationError, a
// throttling code a *RateLimitError, a temporary code a *ServerError), and
// the envelope is reachable as *GraphError. The error string carries the
// method, the path, the status and, for Graph, the code, subcode, type and
// Meta's user-facing message, and never a credential. The documented Plivo
// 400 reasons match sentinels such as ErrWABAAlreadyOnboarded, and the Graph
// errors callers branch on match ErrCodeExpired, ErrCodeAlreadyUsed,
// ErrTemplateExists, ErrPhoneNumberInUse, ErrTooManyCodeRequests,
// ErrRegisterLimit and ErrAccessRevoked:
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
// listing every problem. A call that got no HTTP answer is a *RequestError;
// a redirect to another scheme, host or port is refused (ErrRedirectRefused)
// so that credentials never leave the configured origin. Require makes
// NewClient fail with a *MissingCredentialsError naming every missing
// variable.
//
// # Retries
//
// Transport failures, 429, 5xx (but 501) and the Graph codes Meta marks as
// throttling or temporary, whatever their HTTP status, are retried with
// capped exponential backoff and jitter, honouring Retry-After; no other
// answer is. A Retry-After beyond RetryPolicy.MaxRetryAfter is not slept: the
// call returns a *RateLimitError at once. A POST is retried after a 5xx only
// where a repeat is harmless or can be recognised, as Embedded Signup's
// "already registered" answer can. Each attempt is bounded by
// DefaultAttemptTimeout (WithAttemptTimeout); cancelling the context stops a
// call at once, also while it waits to retry. See RetryPolicy.
//
// # Onboarding
//
// DecodeSignupPost reads what the onboarding page posts (the code and the
// WA_EMBEDDED_SIGNUP event of Embedded Signup v3/v4); Onboard runs the
// backend half for every way a signup ends (see SignupEnding): the whole
// flow for FINISH, the WABA alone for FINISH_ONLY_WABA (CompleteOnboarding
// later), the coexistence syncs for a WhatsApp Business app number
// (StartCoexistenceSync), and a *SignupEndedError before any call for
// CANCEL and ERROR. WithSolution counts customers against the Multi-Partner
// Solution's weekly limit.
//
// # Customer assets
//
// Calls that act on a customer's WABA (phone numbers, business profiles,
// templates, uploads) use the customer's business token from Onboard, or the
// Tech Provider's system user token: Client.WithToken or WithAccessToken.
// Lists are range-over-func iterators (iter.Seq2) that fetch pages as the
// loop asks for them.
// Templates are validated against every documented limit before they are
// sent, and a submission is not retried after a 5xx: FindTemplate tells
// whether it was created.
//
// # Observability
//
// WithLogger logs each attempt and retry through log/slog, never a header or
// a body. WithTransportWrapper wraps the client's tuned transport (its
// connection pool kept) with instrumentation such as OpenTelemetry's
// otelhttp.NewTransport or any http.RoundTripper middleware; the wrapper sees
// every attempt, retries included.
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
//
// Customers are named as Meta names them since April 2026: by phone number,
// business-scoped user id (BSUID) or both, with a username where set
// (InboundMessage.Customer, StatusUpdate.Customer). Status.Charge reads
// per-message pricing. Graph versions and their end dates are in
// GraphVersions; NewClient warns about one that has expired or soon will.
//
// Package policy (github.com/wabsp/wabsp/policy) tracks the customer service
// window and the business portfolio's messaging limit from these webhooks.
//
// # Sending messages
//
// SendMessage sends one WhatsApp message through Plivo's Message API, after
// validating it (every problem at once); it is repeated only when Plivo
// refused it unprocessed (429) or the connection failed before sending, so a
// retry never sends it twice. A MessageSender applies WhatsApp's rules
// first through a SendPolicy (the policy package's tracker, via
// policy.SendPolicyFor): free-form only inside the customer-service window,
// templates reserved against the messaging limit and released when Plivo
// refuses them, no marketing to customers who opted out.
// PlivoCallbackHandler receives Plivo's status and inbound callbacks,
// verified with X-Plivo-Signature-V3, with the delivery rules of
// WebhookHandler; it feeds the policy through a MessageObserver.
package wabsp
