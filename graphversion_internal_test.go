package wabsp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestGraphVersionWarningAtTheBoundaries(t *testing.T) {
	t.Parallel()
	v21End := time.Date(2027, 1, 21, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, version string
		at            time.Time
		want          string
	}{
		{"a version far from its end is quiet", "v21.0", v21End.Add(-GraphVersionWarningWindow - time.Second), ""},
		{"90 days before its end it warns", "v21.0", v21End.Add(-GraphVersionWarningWindow),
			"Graph API v21.0 expires on 2027-01-21; move to v25.0 before then"},
		{"one second before its end it still only warns", "v21.0", v21End.Add(-time.Second),
			"Graph API v21.0 expires on 2027-01-21; move to v25.0 before then"},
		{"on its end day it has expired", "v21.0", v21End,
			"Graph API v21.0 expired on 2027-01-21: calls will fail; use v25.0"},
		{"a version without an announced end is quiet", "v27.0", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{"a version newer than the table is quiet", "v30.0", time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), ""},
		{"a version older than the table has expired", "v15.0", time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC),
			"Graph API v15.0 expired before 2025-05-14: calls will fail; use v25.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, graphVersionWarning(tt.version, tt.at))
		})
	}
}
