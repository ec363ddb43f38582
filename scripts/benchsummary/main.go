// Command benchsummary reads `go test -bench` output (several -count runs)
// and prints a Markdown table of medians, each benchmark beside the
// baselines measured next to it in the same run.
//
// A baseline is a sub-benchmark whose last name element starts with
// "baseline", "raw", "bare" or "encoding_json"; every other sub-benchmark
// of the same parent is compared with each of them: time ratio (its ns/op
// over the baseline's, so 1.10 is 10% slower; for b.RunParallel benchmarks
// this is the inverse of the throughput ratio), throughput as a percentage
// of the baseline's, and allocations more (or fewer) per op.
//
//	go test -run '^$' -bench . -benchmem -count 6 ./... | go run ./scripts/benchsummary
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type bench struct {
	pkg     string
	name    string // without the -GOMAXPROCS suffix
	order   int
	samples map[string][]float64 // unit -> values
}

var (
	lineRe  = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)
	procsRe = regexp.MustCompile(`-\d+$`)
)

func main() {
	benches, header := parse(os.Stdin)
	if len(benches) == 0 {
		fmt.Fprintln(os.Stderr, "benchsummary: no benchmark lines on stdin")
		os.Exit(1)
	}
	for _, h := range header {
		fmt.Println(h)
	}
	fmt.Println()
	printTable(os.Stdout, benches)
}

func parse(r io.Reader) ([]*bench, []string) {
	byKey := map[string]*bench{}
	var list []*bench
	var header []string
	seenHeader := map[string]bool{}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "pkg: ") {
			pkg = strings.TrimPrefix(line, "pkg: ")
			continue
		}
		if strings.HasPrefix(line, "goos: ") || strings.HasPrefix(line, "goarch: ") || strings.HasPrefix(line, "cpu: ") {
			if !seenHeader[line] {
				seenHeader[line] = true
				header = append(header, line)
			}
			continue
		}
		m := lineRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name := procsRe.ReplaceAllString(strings.TrimPrefix(m[1], "Benchmark"), "")
		key := pkg + " " + name
		b := byKey[key]
		if b == nil {
			b = &bench{pkg: pkg, name: name, order: len(list), samples: map[string][]float64{}}
			byKey[key] = b
			list = append(list, b)
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			b.samples[f[i+1]] = append(b.samples[f[i+1]], v)
		}
	}
	return list, header
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread is the largest distance of a sample from the median, in percent.
func spread(xs []float64) float64 {
	m := median(xs)
	if m == 0 {
		return 0
	}
	d := 0.0
	for _, x := range xs {
		if v := abs(x-m) / m * 100; v > d {
			d = v
		}
	}
	return d
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func isBaseline(name string) bool {
	last := name[strings.LastIndex(name, "/")+1:]
	for _, p := range []string{"baseline", "raw", "bare", "encoding_json"} {
		if strings.HasPrefix(last, p) {
			return true
		}
	}
	return false
}

func parent(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		return name[:i]
	}
	return ""
}

func short(pkg string) string {
	if i := strings.LastIndex(pkg, "/wabsp/"); i >= 0 {
		return strings.TrimPrefix(pkg[i+len("/wabsp"):], "/")
	}
	return pkg
}

func fmtNum(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func printTable(w io.Writer, benches []*bench) {
	fmt.Fprintln(w, "| package | benchmark | runs | ns/op (median, max dev.) | MB/s | B/op | allocs/op | other | baseline | time × | throughput % | allocs Δ |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, b := range benches {
		ns := b.samples["ns/op"]
		var others []string
		units := make([]string, 0, len(b.samples))
		for u := range b.samples {
			units = append(units, u)
		}
		sort.Strings(units)
		for _, u := range units {
			switch u {
			case "ns/op", "MB/s", "B/op", "allocs/op":
				continue
			}
			xs := b.samples[u]
			mx := slices.Max(xs)
			others = append(others, fmt.Sprintf("%s %s (max %s)", fmtNum(median(xs)), u, fmtNum(mx)))
		}
		row := func(base, timeX, thru, allocD string) {
			mbs := ""
			if xs, ok := b.samples["MB/s"]; ok {
				mbs = fmtNum(median(xs))
			}
			fmt.Fprintf(w, "| %s | %s | %d | %s ±%.0f%% | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				short(b.pkg), b.name, len(ns), fmtNum(median(ns)), spread(ns), mbs,
				fmtNum(median(b.samples["B/op"])), fmtNum(median(b.samples["allocs/op"])),
				strings.Join(others, "; "), base, timeX, thru, allocD)
		}
		var bases []*bench
		if !isBaseline(b.name) {
			for _, o := range benches {
				if o != b && o.pkg == b.pkg && parent(o.name) == parent(b.name) && parent(b.name) != "" && isBaseline(o.name) {
					bases = append(bases, o)
				}
			}
		}
		if len(bases) == 0 {
			row("", "", "", "")
			continue
		}
		for _, o := range bases {
			bn, on := median(ns), median(o.samples["ns/op"])
			timeX, thru := "", ""
			if bn > 0 && on > 0 {
				timeX = fmt.Sprintf("%.2f", bn/on)
				thru = fmt.Sprintf("%.0f%%", on/bn*100)
			}
			allocD := fmt.Sprintf("%+.0f", median(b.samples["allocs/op"])-median(o.samples["allocs/op"]))
			row(o.name[strings.LastIndex(o.name, "/")+1:], timeX, thru, allocD)
		}
	}
}
