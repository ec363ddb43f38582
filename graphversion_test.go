package wabsp_test

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

func TestTheGraphVersionTableIsNewestFirstWithDatesInOrder(t *testing.T) {
	t.Parallel()
	vs := wabsp.GraphVersions()
	require.NotEmpty(t, vs)
	assert.Equal(t, "v27.0", vs[0].Version, "the latest release (2026-11-04)")
	for i, v := range vs {
		assert.Regexp(t, `^v\d+\.0$`, v.Version)
		if !v.Expires.IsZero() {
			assert.True(t, v.Expires.After(v.Released), v.Version)
		}
		if i > 0 {
			assert.True(t, vs[i-1].Released.After(v.Released), "%s before %s", vs[i-1].Version, v.Version)
		}
	}
	def, ok := wabsp.LookupGraphVersion(wabsp.DefaultGraphVersion)
	require.True(t, ok, "the default is a known version")
	assert.Equal(t, "v25.0", def.Version)
	assert.Equal(t, time.Date(2028, 7, 29, 0, 0, 0, 0, time.UTC), def.Expires)
	vs[0].Version = "changed"
	assert.Equal(t, "v27.0", wabsp.GraphVersions()[0].Version, "callers get a copy")
}

func TestNewClientWarnsAboutAnExpiredGraphVersion(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	// v19.0 ended on 2026-05-21 (Meta's changelog): whatever today is, it
	// has expired.
	_, err := wabsp.NewClient(wabsp.WithGraphVersion("v19.0"), wabsp.WithLogger(logger))
	require.NoError(t, err, "a warning, not an error: the caller may know better")
	assert.Contains(t, buf.String(), "level=WARN")
	assert.Contains(t, buf.String(), "v19.0 expired on 2026-05-21")
	assert.Contains(t, buf.String(), "graph_version=v19.0")

	buf.Reset()
	_, err = wabsp.NewClient(wabsp.WithGraphVersion("v12.0"), wabsp.WithLogger(logger))
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "v12.0 expired before", "older than the table is expired too")
}

func TestNewClientRefusesAMalformedGraphVersion(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "25.0", "v25", "V25.0", "v25.0.1", "v25.0/", "latest"} {
		_, err := wabsp.NewClient(wabsp.WithGraphVersion(v))
		assert.ErrorContains(t, err, "Graph API version", "%q", v)
	}
}
