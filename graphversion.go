package wabsp

import (
	"context"
	"log/slog"
	"time"
)

// GraphVersionInfo is a released Graph API version and how long Meta keeps
// it available.
type GraphVersionInfo struct {
	// Version is the path segment, such as "v25.0".
	Version  string
	Released time.Time
	// Expires is the first day the version is no longer served; zero while
	// Meta has not announced it (the newest versions).
	Expires time.Time
}

// ExpiresWithin reports whether the version is no longer served at t plus d
// (d zero: at t).
func (v GraphVersionInfo) ExpiresWithin(t time.Time, d time.Duration) bool {
	return !v.Expires.IsZero() && !t.Add(d).Before(v.Expires)
}

// graphVersions is Meta's table of Graph API versions, newest first, from
// developers.facebook.com/docs/graph-api/changelog/versions/ (checked
// 2026-11-29; v27.0's release is from Meta's changelog of 2026-11-04, and
// v26.0's end date was not yet shown). A version is served for at least two
// years after the next one is released.
var graphVersions = []GraphVersionInfo{
	{"v27.0", day(2026, 11, 4), time.Time{}},
	{"v26.0", day(2026, 7, 29), time.Time{}},
	{"v25.0", day(2026, 2, 18), day(2028, 7, 29)},
	{"v24.0", day(2025, 10, 8), day(2028, 2, 18)},
	{"v23.0", day(2025, 5, 29), day(2027, 10, 8)},
	{"v22.0", day(2025, 1, 21), day(2027, 5, 20)},
	{"v21.0", day(2024, 10, 2), day(2027, 1, 21)},
	{"v20.0", day(2024, 5, 21), day(2026, 9, 24)},
	{"v19.0", day(2024, 1, 23), day(2026, 5, 21)},
	{"v18.0", day(2023, 9, 12), day(2026, 1, 26)},
	{"v17.0", day(2023, 5, 23), day(2025, 9, 12)},
	{"v16.0", day(2023, 2, 2), day(2025, 5, 14)},
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// GraphVersions returns the Graph API versions the SDK knows, newest first,
// with their release and end dates.
func GraphVersions() []GraphVersionInfo {
	return append([]GraphVersionInfo(nil), graphVersions...)
}

// LookupGraphVersion returns what the SDK knows of version, such as
// "v24.0"; ok is false for a version not in its table.
func LookupGraphVersion(version string) (info GraphVersionInfo, ok bool) {
	for _, v := range graphVersions {
		if v.Version == version {
			return v, true
		}
	}
	return GraphVersionInfo{}, false
}

// GraphVersionWarningWindow is how long before a Graph version's end
// NewClient starts warning about it.
const GraphVersionWarningWindow = 90 * 24 * time.Hour

// graphVersionWarning says what is wrong with calling version at now, or ""
// when nothing is. A version older than every one in the table has expired;
// one newer than all of them is taken as released after this SDK.
func graphVersionWarning(version string, now time.Time) string {
	info, ok := LookupGraphVersion(version)
	if !ok {
		oldest := graphVersions[len(graphVersions)-1]
		if graphMajor(version) < graphMajor(oldest.Version) {
			return "Graph API " + version + " expired before " + oldest.Expires.Format(time.DateOnly) +
				": calls will fail; use " + DefaultGraphVersion
		}
		return ""
	}
	switch {
	case info.ExpiresWithin(now, 0):
		return "Graph API " + version + " expired on " + info.Expires.Format(time.DateOnly) +
			": calls will fail; use " + DefaultGraphVersion
	case info.ExpiresWithin(now, GraphVersionWarningWindow):
		return "Graph API " + version + " expires on " + info.Expires.Format(time.DateOnly) +
			"; move to " + DefaultGraphVersion + " before then"
	}
	return ""
}

// warnGraphVersion logs graphVersionWarning at warn level: to the client's
// logger, or slog.Default() without one, since a version Meta no longer
// serves fails every call.
func warnGraphVersion(l *slog.Logger, version string, now time.Time) {
	msg := graphVersionWarning(version, now)
	if msg == "" {
		return
	}
	if l == nil {
		l = slog.Default()
	}
	l.LogAttrs(context.Background(), slog.LevelWarn, "wabsp: "+msg, slog.String("graph_version", version))
}
