// Command benchmarks decodes the project's webhook fixtures with
// encoding/json, go-json-experiment/json, goccy/go-json and bytedance/sonic
// into one set of typed structs (types.go), with json.Valid as the floor of
// a scan, and with wabsp.DecodeWebhook; then the signed request path (read,
// HMAC, decode) of the fastest of them against WebhookHandler.DecodeRequest.
//
// It is a module of its own so that the SDK's go.mod gains no dependency.
// Candidates run in interleaved rounds (each once per round, in a rotated
// order) and the report gives the median of the per-round ratios, because
// on a shared machine back-to-back runs drift. Each measurement records
// wall time and the process's CPU time (getrusage: user + system, all
// threads, GC included): on a machine loaded by other work, CPU time is the
// steadier of the two.
//
//	cd benchmarks && go run . -rounds 9 -target 300ms
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/bytedance/sonic"
	jsonv2 "github.com/go-json-experiment/json"
	goccy "github.com/goccy/go-json"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/webhookfixture"
)

type candidate struct {
	name string
	// other is true for the decoders wabsp is compared with.
	other bool
	run   func(body []byte) error
}

var decoders = []candidate{
	{"json.Valid", false, func(b []byte) error {
		if !json.Valid(b) {
			return fmt.Errorf("invalid")
		}
		return nil
	}},
	{"encoding/json", true, func(b []byte) error { var w bWebhook; return json.Unmarshal(b, &w) }},
	{"go-json-experiment", true, func(b []byte) error { var w bWebhook; return jsonv2.Unmarshal(b, &w) }},
	{"goccy/go-json", true, func(b []byte) error { var w bWebhook; return goccy.Unmarshal(b, &w) }},
	{"bytedance/sonic", true, func(b []byte) error { var w bWebhook; return sonic.Unmarshal(b, &w) }},
	{"wabsp.DecodeWebhook", false, func(b []byte) error { _, err := wabsp.DecodeWebhook(b); return err }},
}

const appSecret = "benchmark-app-secret"

// requestPaths reads a signed request, checks its HMAC and decodes it:
// by hand with the fastest strict decoder (bodyDecoder), or through the
// SDK's DecodeRequest.
func requestPaths(fastest candidate) []candidate {
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{AppSecrets: []string{appSecret},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	return []candidate{
		{"read+HMAC+" + fastest.name, true, func(b []byte) error {
			req := signedRequest(b)
			body, err := io.ReadAll(req.Body)
			if err != nil {
				return err
			}
			mac := hmac.New(sha256.New, []byte(appSecret))
			mac.Write(body)
			want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
			if !hmac.Equal([]byte(want), []byte(req.Header.Get(wabsp.WebhookSignatureHeader))) {
				return fmt.Errorf("bad signature")
			}
			return fastest.run(body)
		}},
		{"wabsp.DecodeRequest", false, func(b []byte) error {
			_, err := h.DecodeRequest(signedRequest(b))
			return err
		}},
	}
}

var signatures = map[*byte]string{}

func signedRequest(body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set(wabsp.WebhookSignatureHeader, signatures[&body[0]])
	return req
}

type corpus struct {
	name   string
	bodies [][]byte
	bytes  int64
}

func loadCorpora(dir string) []corpus {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		panic(fmt.Sprintf("no fixtures in %s: %v", dir, err))
	}
	small := corpus{name: fmt.Sprintf("%d fixtures", len(files))}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		small.bodies = append(small.bodies, b)
	}
	large := corpus{name: "1,000 statuses", bodies: [][]byte{statusDelivery(filepath.Join(dir, "status_sent.json"), 1000)}}
	out := []corpus{small, large}
	for i := range out {
		for _, b := range out[i].bodies {
			out[i].bytes += int64(len(b))
			signatures[&b[0]] = wabsp.SignWebhookBody(appSecret, b)
		}
	}
	return out
}

// statusDelivery is webhookfixture.StatusDelivery of the recorded sent
// status at path: the same delivery the root package's benchmarks build.
func statusDelivery(path string, n int) []byte {
	raw, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	b, err := webhookfixture.StatusDelivery(raw, n)
	if err != nil {
		panic(err)
	}
	return b
}

type sample struct {
	wall, cpu        time.Duration // per pass over the corpus
	bytesOp, allocOp float64
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func measure(c candidate, in corpus, n int) sample {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0, t0 := cpuNow(), time.Now()
	for range n {
		for _, b := range in.bodies {
			if err := c.run(b); err != nil {
				panic(c.name + ": " + err.Error())
			}
		}
	}
	wall, cpu := time.Since(t0), cpuNow()-c0
	runtime.ReadMemStats(&m1)
	return sample{
		wall: wall / time.Duration(n), cpu: cpu / time.Duration(n),
		bytesOp: float64(m1.TotalAlloc-m0.TotalAlloc) / float64(n),
		allocOp: float64(m1.Mallocs-m0.Mallocs) / float64(n),
	}
}

// passes calibrates how many passes over the corpus take about target.
func passes(c candidate, in corpus, target time.Duration) int {
	n := 1
	for {
		t0 := time.Now()
		measure(c, in, n)
		if d := time.Since(t0); d >= target/4 || n > 1<<24 {
			return max(1, int(float64(n)*float64(target)/float64(d)))
		}
		n *= 4
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// runSet measures every candidate on one corpus in interleaved rounds and
// prints a table; it returns the candidate with the smallest median CPU time
// among the others.
func runSet(title string, cands []candidate, in corpus, rounds int, target time.Duration) candidate {
	for _, c := range cands { // every candidate must read every file
		for _, b := range in.bodies {
			if err := c.run(b); err != nil {
				panic(fmt.Sprintf("%s refuses a body of %s: %v", c.name, in.name, err))
			}
		}
	}
	n := make([]int, len(cands))
	for i, c := range cands {
		n[i] = passes(c, in, target)
	}
	samples := make([][]sample, len(cands))
	for r := range rounds {
		for k := range cands {
			i := (k + r) % len(cands)
			samples[i] = append(samples[i], measure(cands[i], in, n[i]))
		}
	}
	wabspIdx, fastest := -1, -1
	med := func(i int, f func(sample) float64) float64 {
		xs := make([]float64, len(samples[i]))
		for j, s := range samples[i] {
			xs[j] = f(s)
		}
		return median(xs)
	}
	cpu := func(s sample) float64 { return float64(s.cpu) }
	wall := func(s sample) float64 { return float64(s.wall) }
	for i, c := range cands {
		if strings.HasPrefix(c.name, "wabsp") {
			wabspIdx = i
		} else if c.other && (fastest < 0 || med(i, cpu) < med(fastest, cpu)) {
			fastest = i
		}
	}
	ratio := func(i int, f func(sample) float64) (float64, float64, float64) {
		xs := make([]float64, rounds)
		for r := range rounds {
			xs[r] = f(samples[wabspIdx][r]) / f(samples[i][r])
		}
		s := append([]float64(nil), xs...)
		sort.Float64s(s)
		return median(xs), s[0], s[len(s)-1]
	}
	fmt.Printf("\n### %s: %s (%d bodies, %d bytes; %d rounds)\n\n", title, in.name, len(in.bodies), in.bytes, rounds)
	fmt.Println("| candidate | MB/s (CPU time) | MB/s (wall) | B/op | allocs/op | wabsp ÷ this, CPU time (median, min-max) | wabsp ÷ this, wall |")
	fmt.Println("|---|---:|---:|---:|---:|---|---|")
	for i, c := range cands {
		mbs := func(f func(sample) float64) float64 { return float64(in.bytes) / med(i, f) * 1e3 }
		rc, lo, hi := ratio(i, cpu)
		rw, _, _ := ratio(i, wall)
		name := c.name
		if i == fastest {
			name = "**" + name + "** (fastest other)"
		}
		fmt.Printf("| %s | %.0f | %.0f | %.0f | %.0f | %.2f× (%.2f-%.2f) | %.2f× |\n", name, mbs(cpu), mbs(wall),
			med(i, func(s sample) float64 { return s.bytesOp }), med(i, func(s sample) float64 { return s.allocOp }),
			rc, lo, hi, rw)
	}
	return cands[fastest]
}

func main() {
	rounds := flag.Int("rounds", 9, "interleaved rounds")
	target := flag.Duration("target", 300*time.Millisecond, "time of one measurement")
	dir := flag.String("fixtures", "../testdata/webhooks", "directory of webhook fixtures")
	paths := flag.Bool("request-path", true, "measure the signed request path too")
	flag.Parse()
	fmt.Printf("go %s, %s/%s, GOMAXPROCS %d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load before: %s", b)
	}
	for _, in := range loadCorpora(*dir) {
		fastest := runSet("Decode", decoders, in, *rounds, *target)
		if *paths {
			runSet("Signed request path", requestPaths(fastest), in, *rounds, *target)
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("\nload after: %s", b)
	}
}
