package wabsptest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is a failure the sandbox answers with instead of handling a request.
type Fault struct {
	// Status, when not zero, is answered with the service's error body
	// (Plivo's {api_id, error} or Graph's envelope, by path).
	Status int
	// RetryAfter, when not zero, is sent as a Retry-After header.
	RetryAfter time.Duration
	// CloseMidBody handles the request for real, then sends the headers and
	// half the body and closes the connection.
	CloseMidBody bool
	// Delay holds the answer back; a client whose deadline is shorter gives
	// up first.
	Delay time.Duration
	// PathPrefix limits the fault to requests whose path starts with it;
	// empty matches every request.
	PathPrefix string
}

// FailNext makes the next n matching requests fail with f.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.faults = append(s.faults, f)
	}
}

// takeFault removes and returns the first queued fault matching path.
func (s *Server) takeFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if strings.HasPrefix(path, f.PathPrefix) {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return f, true
		}
	}
	return Fault{}, false
}

func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path})
		s.mu.Unlock()
		if s.latency > 0 && !sleepCtx(r, s.latency) {
			return
		}
		f, ok := s.takeFault(r.URL.Path)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 && !sleepCtx(r, f.Delay) {
			return
		}
		if f.CloseMidBody {
			rec := &recorder{header: http.Header{}}
			next.ServeHTTP(rec, r)
			closeMidBody(w, rec)
			return
		}
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
		}
		if f.Status != 0 {
			s.faultBody(w, r, f.Status)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) faultBody(w http.ResponseWriter, r *http.Request, status int) {
	if strings.HasPrefix(r.URL.Path, "/v1/Account/") {
		msg := "An internal error occurred. Please try again later."
		if status == http.StatusTooManyRequests {
			msg = "Too many requests. Please slow down."
		}
		writeJSON(w, status, plivoError{APIID: s.newAPIID(), Error: msg})
		return
	}
	code, msg := 2, "An unexpected error has occurred. Please retry your request later."
	if status == http.StatusTooManyRequests {
		code, msg = 4, "(#4) Application request limit reached"
	}
	writeGraphError(w, status, code, 0, "OAuthException", msg)
}

func sleepCtx(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// recorder captures a handler's answer so a fault can send part of it.
type recorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	r.body = append(r.body, b...)
	return len(b), nil
}
func (r *recorder) WriteHeader(status int) { r.status = status }

func closeMidBody(w http.ResponseWriter, rec *recorder) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot hijack", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", status, http.StatusText(status), len(rec.body))
	_, _ = buf.Write(rec.body[:len(rec.body)/2])
	_ = buf.Flush()
}
