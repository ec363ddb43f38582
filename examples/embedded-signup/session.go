package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"sync"
)

// sessionCookie carries the signed-in customer's session id.
const sessionCookie = "wabsp_example_session"

// maxSessions bounds the demo's in-memory sessions; the oldest go first.
const maxSessions = 10000

// customerSession is a signed-in customer of the Tech Provider: who they
// are, and the CSRF token every page of theirs carries and every POST must
// send back.
type customerSession struct {
	CustomerID string
	CSRFToken  string
}

// sessions stands in for the Tech Provider's own sign-in: here every visitor
// of the page is signed in as a new demo customer. A real backend looks the
// customer up in its own session store instead; what the onboarding API
// needs from it is the customer's id and a CSRF token bound to the session.
type sessions struct {
	mu    sync.Mutex
	byID  map[string]*customerSession
	order []string
}

func newSessions() *sessions { return &sessions{byID: map[string]*customerSession{}} }

// current returns the session named by the request's cookie.
func (s *sessions) current(r *http.Request) (*customerSession, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.byID[c.Value]
	return cs, ok
}

// signIn starts a session for a new demo customer and sets its cookie.
func (s *sessions) signIn(w http.ResponseWriter, r *http.Request) *customerSession {
	id := randomHex(32)
	cs := &customerSession{CustomerID: "customer-" + randomHex(6), CSRFToken: randomHex(32)}
	s.mu.Lock()
	s.byID[id] = cs
	s.order = append(s.order, id)
	if len(s.order) > maxSessions {
		delete(s.byID, s.order[0])
		s.order = s.order[1:]
	}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		// Strict: the onboarding POST is never a cross-site navigation.
		SameSite: http.SameSiteStrictMode,
	})
	return cs
}

// validCSRF reports whether the request carries the session's CSRF token.
// The cookie alone does not prove the page sent the request: another site
// can make the browser send it, but cannot read the token from the page.
func (cs *customerSession) validCSRF(r *http.Request) bool {
	got := r.Header.Get("X-CSRF-Token")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(cs.CSRFToken)) == 1
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
