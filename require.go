package wabsp

import (
	"fmt"
	"os"
	"strings"
)

// Requirement names credentials a client must be built with; see Require.
type Requirement int

// The credentials Require can ask for.
const (
	// RequirePlivo: the Plivo Auth ID and Auth Token (PLIVO_AUTH_ID and
	// PLIVO_AUTH_TOKEN with FromEnv, or WithPlivoCredentials), needed by
	// EmbeddedSignup and Onboard.
	RequirePlivo Requirement = iota + 1
	// RequireMetaApp: the Meta app id and secret (META_APP_ID and
	// META_APP_SECRET with FromEnv, or WithMetaApp), needed by the code
	// exchange, debug_token, Onboard and appsecret_proof.
	RequireMetaApp
	// RequireAccessToken: a Graph access token (WithAccessToken), needed by
	// calls on a customer's assets unless Client.WithToken supplies one.
	RequireAccessToken
)

// Require makes NewClient fail unless the client has every credential in
// reqs, with one *MissingCredentialsError naming each missing environment
// variable (or option). Without it a client builds without credentials and
// the first call that needs them fails; with it, a deployment missing a
// variable stops at start:
//
//	client, err := wabsp.NewClient(wabsp.FromEnv(), wabsp.Require(wabsp.RequirePlivo, wabsp.RequireMetaApp))
func Require(reqs ...Requirement) Option {
	return func(c *config) error {
		for _, r := range reqs {
			if r < RequirePlivo || r > RequireAccessToken {
				return fmt.Errorf("wabsp: Require given an unknown Requirement(%d)", int(r))
			}
		}
		c.required = append(c.required, reqs...)
		return nil
	}
}

// MissingCredentialsError is NewClient's error when credentials that Require
// asked for are missing, or when FromEnv found half of a pair of variables.
// It matches ErrNoPlivoCredentials, ErrNoMetaApp and ErrNoAccessToken with
// errors.Is, for each kind missing.
type MissingCredentialsError struct {
	// Missing names each missing credential: the environment variable when
	// FromEnv was given, else the option that sets it.
	Missing []string
	reasons []error
}

// Error names every missing credential in one line.
func (e *MissingCredentialsError) Error() string {
	return "wabsp: missing credentials: " + strings.Join(e.Missing, ", ")
}

// Unwrap exposes ErrNoPlivoCredentials, ErrNoMetaApp or ErrNoAccessToken.
func (e *MissingCredentialsError) Unwrap() []error { return e.reasons }

// envPair is a pair of variables FromEnv reads together.
type envPair struct {
	id, secret string
	reason     error
	option     string
}

var (
	plivoEnv   = envPair{"PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", ErrNoPlivoCredentials, "WithPlivoCredentials"}
	metaAppEnv = envPair{"META_APP_ID", "META_APP_SECRET", ErrNoMetaApp, "WithMetaApp"}
)

// checkCredentials runs once every option is applied, so that an option
// after FromEnv can still supply what the environment lacks.
func (c *config) checkCredentials() error {
	e := &MissingCredentialsError{}
	missing := func(p envPair, have, required bool) {
		if have {
			return
		}
		var unset []string
		if c.fromEnv {
			for _, v := range []string{p.id, p.secret} {
				if os.Getenv(v) == "" {
					unset = append(unset, v)
				}
			}
		}
		half := len(unset) == 1 // FromEnv found one of the pair: always an error
		switch {
		case half:
		case !required:
			return
		case len(unset) == 0:
			unset = []string{p.option}
		}
		e.Missing = append(e.Missing, unset...)
		e.reasons = append(e.reasons, p.reason)
	}
	req := func(r Requirement) bool {
		for _, x := range c.required {
			if x == r {
				return true
			}
		}
		return false
	}
	missing(plivoEnv, c.authID != "" && !c.authToken.IsZero(), req(RequirePlivo))
	missing(metaAppEnv, c.appID != "" && !c.appSecret.IsZero(), req(RequireMetaApp))
	if req(RequireAccessToken) && c.accessToken.IsZero() {
		e.Missing = append(e.Missing, "WithAccessToken")
		e.reasons = append(e.reasons, ErrNoAccessToken)
	}
	if len(e.Missing) == 0 {
		return nil
	}
	return e
}
