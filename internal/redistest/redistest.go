// Package redistest finds or starts the redis-server the tests of this
// module run against.
package redistest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// URL is the server scripts/redis-for-tests.sh started. Without one the
// tests skip on a developer's machine and fail in CI, where skipping would
// hide that nothing ran.
func URL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("WABSP_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("WABSP_REDIS_URL is not set in CI: source scripts/redis-for-tests.sh first")
		}
		tb.Skip("WABSP_REDIS_URL is not set; `source scripts/redis-for-tests.sh` to run the Redis tests")
	}
	return url
}

// Server is a redis-server a test starts, kills and restarts itself,
// persisting to an append-only file fsynced on every write, as a
// production Redis that must not lose acknowledged writes is run.
type Server struct {
	t    *testing.T
	dir  string
	port int
	cmd  *exec.Cmd
}

// Start starts a Server in a temporary directory, killed when the test
// ends.
func Start(t *testing.T) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not installed in CI: source scripts/redis-for-tests.sh first")
		}
		t.Skip("redis-server is not installed; `source scripts/redis-for-tests.sh` installs it")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	s := &Server{t: t, dir: t.TempDir(), port: port}
	s.Restart()
	t.Cleanup(s.Kill)
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// Restart starts the server (again), from its append-only file.
func (s *Server) Restart() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(s.port),
		"--dir", s.dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always")
	require.NoError(s.t, s.cmd.Start())
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer func() { _ = rdb.Close() }()
	require.Eventually(s.t, func() bool { return rdb.Ping(context.Background()).Err() == nil },
		10*time.Second, 10*time.Millisecond, "redis-server did not start")
}

// Kill stops the server at once, as a crash or an OOM kill would.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}
