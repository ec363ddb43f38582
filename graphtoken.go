package wabsp

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ExchangeCodeRequest is the code an Embedded Signup (or any Facebook Login
// for Business) flow returned to the frontend.
type ExchangeCodeRequest struct {
	// Code is the authorization code from FB.login's response. Codes are
	// single use and short-lived.
	Code Secret
	// RedirectURI must be left empty for Embedded Signup codes, which are
	// obtained without one; for other flows it must match the one used.
	RedirectURI string
}

// codeExchangeQuery is the query of GET /oauth/access_token.
type codeExchangeQuery struct {
	ClientID     string `url:"client_id"`
	ClientSecret string `url:"client_secret"`
	Code         string `url:"code"`
	RedirectURI  string `url:"redirect_uri,omitempty"`
}

// AccessToken is what Graph returns for an exchanged code: for Embedded
// Signup, a business integration system user token for the customer's assets.
type AccessToken struct {
	// AccessToken is the token; it prints as [REDACTED].
	AccessToken Secret `json:"access_token"`
	// TokenType is "bearer".
	TokenType string `json:"token_type"`
	// ExpiresIn is the lifetime in seconds Graph gave, zero when it gave
	// none (business tokens from Embedded Signup do not expire).
	ExpiresIn int64 `json:"expires_in,omitempty"`
	// ExpiresAt is when the token expires, computed from ExpiresIn at the
	// time of the exchange; zero when it does not expire.
	ExpiresAt time.Time `json:"-"`
}

// Validate checks the code's shape: present, no spaces or control
// characters, of a plausible length.
func (r ExchangeCodeRequest) Validate() error {
	var v validator
	checkCode(&v, "code", r.Code)
	return v.err("ExchangeCode")
}

func checkCode(v *validator, field string, code Secret) {
	c := code.Reveal()
	switch {
	case c == "":
		v.addf(field, "is required")
	case len(c) < 8 || len(c) > 4096:
		v.addf(field, "must be 8 to 4096 characters long, got %d", len(c))
	case strings.IndexFunc(c, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' }) >= 0:
		// The message must not quote the code: it is a credential.
		v.addf(field, "must be printable ASCII without spaces")
	}
}

// ExchangeCode trades an authorization code for an access token, server to
// server with the app secret.
//
//	GET https://graph.facebook.com/{version}/oauth/access_token?client_id=&client_secret=&code=
func (c *Client) ExchangeCode(ctx context.Context, req ExchangeCodeRequest) (*AccessToken, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if c.appID == "" || c.appSecret.IsZero() {
		return nil, ErrNoMetaApp
	}
	var tok AccessToken
	err := c.do(ctx, &apiRequest{
		provider: ProviderGraph,
		method:   http.MethodGet,
		path:     "oauth/access_token",
		query: codeExchangeQuery{
			ClientID: c.appID, ClientSecret: c.appSecret.Reveal(),
			Code: req.Code.Reveal(), RedirectURI: req.RedirectURI,
		},
	}, &tok)
	if err != nil {
		return nil, err
	}
	if tok.AccessToken.IsZero() {
		return nil, &DecodeError{Provider: ProviderGraph, StatusCode: http.StatusOK, Err: errNoAccessToken}
	}
	if tok.ExpiresIn > 0 {
		tok.ExpiresAt = time.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	return &tok, nil
}

var errNoAccessToken = jsonFieldMissing("access_token")

type jsonFieldMissing string

func (f jsonFieldMissing) Error() string { return "response has no " + string(f) }

// The permissions an Embedded Signup token must carry for a Tech Provider to
// manage and message on the customer's WABA.
const (
	ScopeWhatsAppBusinessManagement = "whatsapp_business_management"
	ScopeWhatsAppBusinessMessaging  = "whatsapp_business_messaging"
	ScopeBusinessManagement         = "business_management"
)

// TokenInfo is what debug_token says about an access token.
type TokenInfo struct {
	AppID       string
	Type        string // USER, PAGE, APP or SYSTEM_USER
	Application string
	IsValid     bool
	// IssuedAt, ExpiresAt and DataAccessExpiresAt are zero when Graph gave
	// none; a zero ExpiresAt means the token never expires.
	IssuedAt            time.Time
	ExpiresAt           time.Time
	DataAccessExpiresAt time.Time
	Scopes              []string
	GranularScopes      []GranularScope
	UserID              string
	// Error is set when Graph says why the token is invalid.
	Error *TokenInfoError
}

// GranularScope is a permission limited to some objects: for Embedded
// Signup, whatsapp_business_management lists the WABAs the customer shared.
type GranularScope struct {
	Scope     string
	TargetIDs []string
}

// TokenInfoError is debug_token's reason for an invalid token.
type TokenInfoError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Subcode int    `json:"subcode"`
}

// HasScopes reports whether every one of scopes was granted.
func (t *TokenInfo) HasScopes(scopes ...string) bool {
	for _, s := range scopes {
		if !slices.Contains(t.Scopes, s) {
			return false
		}
	}
	return true
}

// MissingScopes returns those of scopes that were not granted.
func (t *TokenInfo) MissingScopes(scopes ...string) []string {
	var missing []string
	for _, s := range scopes {
		if !slices.Contains(t.Scopes, s) {
			missing = append(missing, s)
		}
	}
	return missing
}

// TargetIDs returns the object ids a granular scope is limited to, nil when
// the scope has none listed.
func (t *TokenInfo) TargetIDs(scope string) []string {
	for _, g := range t.GranularScopes {
		if g.Scope == scope {
			return g.TargetIDs
		}
	}
	return nil
}

// WABAIDs returns the WhatsApp Business Accounts the token was granted, from
// the whatsapp_business_management granular scope.
func (t *TokenInfo) WABAIDs() []string { return t.TargetIDs(ScopeWhatsAppBusinessManagement) }

// BusinessIDs returns the business portfolios the token was granted, from
// the business_management granular scope (often absent).
func (t *TokenInfo) BusinessIDs() []string { return t.TargetIDs(ScopeBusinessManagement) }

// ExpiredAt reports whether the token is expired at now.
func (t *TokenInfo) ExpiredAt(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// UnmarshalJSON decodes debug_token's data object: Unix-second times (0
// meaning none), and ids that may come as strings or numbers.
func (t *TokenInfo) UnmarshalJSON(b []byte) error {
	var raw tokenInfoJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*t = raw.tokenInfo()
	return nil
}

// tokenInfoJSON is debug_token's data object as sent. DebugToken decodes
// into it directly: going through TokenInfo.UnmarshalJSON would make
// encoding/json scan the object twice more and decode it in a second pass.
type tokenInfoJSON struct {
	AppID               flexID          `json:"app_id"`
	Type                string          `json:"type"`
	Application         string          `json:"application"`
	IsValid             bool            `json:"is_valid"`
	IssuedAt            int64           `json:"issued_at"`
	ExpiresAt           int64           `json:"expires_at"`
	DataAccessExpiresAt int64           `json:"data_access_expires_at"`
	Scopes              []string        `json:"scopes"`
	UserID              flexID          `json:"user_id"`
	Error               *TokenInfoError `json:"error"`
	GranularScopes      []struct {
		Scope     string   `json:"scope"`
		TargetIDs []flexID `json:"target_ids"`
	} `json:"granular_scopes"`
}

func (raw *tokenInfoJSON) tokenInfo() TokenInfo {
	t := TokenInfo{
		AppID: string(raw.AppID), Type: raw.Type, Application: raw.Application, IsValid: raw.IsValid,
		IssuedAt: unixOrZero(raw.IssuedAt), ExpiresAt: unixOrZero(raw.ExpiresAt),
		DataAccessExpiresAt: unixOrZero(raw.DataAccessExpiresAt),
		Scopes:              raw.Scopes, UserID: string(raw.UserID), Error: raw.Error,
	}
	if len(raw.GranularScopes) > 0 {
		t.GranularScopes = make([]GranularScope, len(raw.GranularScopes))
	}
	for i, g := range raw.GranularScopes {
		gs := GranularScope{Scope: g.Scope}
		if len(g.TargetIDs) > 0 {
			gs.TargetIDs = make([]string, len(g.TargetIDs))
		}
		for j, id := range g.TargetIDs {
			gs.TargetIDs[j] = string(id)
		}
		t.GranularScopes[i] = gs
	}
	return t
}

func unixOrZero(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// flexID decodes an id sent as a JSON string or number without passing it
// through float64 (ids can exceed 2^53).
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		*f = flexID(b[1 : n-1])
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	if _, err := strconv.ParseUint(n.String(), 10, 64); err != nil {
		return &json.UnmarshalTypeError{Value: "number " + n.String(), Type: nil}
	}
	*f = flexID(n)
	return nil
}

// debugTokenQuery is the query of GET /debug_token.
type debugTokenQuery struct {
	InputToken  string `url:"input_token"`
	AccessToken string `url:"access_token"`
}

// DebugToken asks Graph what token is: for which app, valid or not, with
// which permissions and on which objects. It authenticates with the app
// access token {app-id}|{app-secret}.
//
//	GET https://graph.facebook.com/{version}/debug_token?input_token=&access_token=
func (c *Client) DebugToken(ctx context.Context, token Secret) (*TokenInfo, error) {
	if token.IsZero() {
		return nil, &ValidationError{Op: "DebugToken", Fields: []FieldError{{Field: "input_token", Message: "is required"}}}
	}
	if c.appID == "" || c.appSecret.IsZero() {
		return nil, ErrNoMetaApp
	}
	var out struct {
		Data *tokenInfoJSON `json:"data"`
	}
	err := c.do(ctx, &apiRequest{
		provider: ProviderGraph,
		method:   http.MethodGet,
		path:     "debug_token",
		query:    debugTokenQuery{InputToken: token.Reveal(), AccessToken: c.appID + "|" + c.appSecret.Reveal()},
	}, &out)
	if err != nil {
		return nil, err
	}
	if out.Data == nil {
		return nil, &DecodeError{Provider: ProviderGraph, StatusCode: http.StatusOK, Err: jsonFieldMissing("data")}
	}
	info := out.Data.tokenInfo()
	return &info, nil
}

// SubscribeApp subscribes the app whose token is used to the WABA's webhooks,
// so the Tech Provider receives its messages, statuses and template reviews.
// Subscribing twice is harmless, so the call is retried like a GET.
//
//	POST https://graph.facebook.com/{version}/{waba-id}/subscribed_apps
func (c *Client) SubscribeApp(ctx context.Context, wabaID string) error {
	var v validator
	v.numericID("waba_id", wabaID, nil)
	if err := v.err("SubscribeApp"); err != nil {
		return err
	}
	var out struct {
		Success bool `json:"success"`
	}
	err := c.do(ctx, &apiRequest{
		provider: ProviderGraph, method: http.MethodPost, path: wabaID + "/subscribed_apps",
		needsToken: true, safeToRetry: true,
	}, &out)
	if err != nil {
		return err
	}
	if !out.Success {
		return &DecodeError{Provider: ProviderGraph, StatusCode: http.StatusOK, Err: jsonFieldMissing("success: true")}
	}
	return nil
}
