package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/redistest"
	"github.com/wabsp/wabsp/policy/redisstore"
)

// TestFailedReleaseDuringARedisRestartLosesNoEvent: the callback fails
// while Redis is down, so the handler cannot release its claim. Redis comes
// back from its append-only file with the lease in it. Meta's retries must
// process the event once the lease expires, not skip it as a duplicate.
func TestFailedReleaseDuringARedisRestartLosesNoEvent(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), DialTimeout: time.Second, ReadTimeout: time.Second, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	store := redisstore.New(rdb)

	var calls, processed atomic.Int32
	var logs bytes.Buffer
	var logMu sync.Mutex
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{
		AppSecrets:   []string{"app-secret"},
		Deduplicator: store,
		DedupLease:   time.Second,
		Logger:       slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil)),
		OnStatus: func(context.Context, wabsp.StatusUpdate) error {
			if calls.Add(1) == 1 {
				srv.Kill()                             // Redis goes down while the callback runs...
				return errors.New("downstream failed") // ...and the callback fails
			}
			processed.Add(1)
			return nil
		},
	})
	require.NoError(t, err)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)

	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.restart-1","status":"delivered","timestamp":"1731456010","recipient_id":"16315551181"}]}}]}]}`)
	deliver := func() int {
		req, err := http.NewRequest(http.MethodPost, ts.URL, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set(wabsp.WebhookSignatureHeader, wabsp.SignWebhookBody("app-secret", body))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode
	}

	require.Equal(t, http.StatusInternalServerError, deliver())
	logMu.Lock()
	assert.Contains(t, logs.String(), "could not release a failed event")
	logMu.Unlock()

	srv.Restart()
	lease, _ := rdb.Get(context.Background(), "wabsp:policy:dedup:status:wamid.restart-1:delivered").Result()
	t.Logf("after the restart the key holds %q", lease)

	// Meta retries until it gets a 2xx; bounded here.
	var statuses []int
	for range 100 {
		st := deliver()
		statuses = append(statuses, st)
		if st == http.StatusOK {
			break
		}
		require.Equal(t, http.StatusServiceUnavailable, st, "only the live lease may delay the event")
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, http.StatusOK, statuses[len(statuses)-1], "the retries never got a 200: %v", statuses)
	assert.Equal(t, int32(1), processed.Load(), "processed once, after the restart")

	require.Equal(t, http.StatusOK, deliver())
	assert.Equal(t, int32(2), calls.Load(), "a redelivery after success is skipped: %s", fmt.Sprint(statuses))
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
