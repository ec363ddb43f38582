// Package exampleenv reads the examples' configuration from the environment
// under one naming scheme, prints it with -h, and refuses a configuration set
// by half.
//
// The scheme names a variable after whoever issues its value: PLIVO_* for the
// Plivo console (PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN), META_* for the Meta app
// and the tokens Meta issues (META_APP_ID, META_APP_SECRET, META_CONFIG_ID,
// META_ACCESS_TOKEN, ...), WHATSAPP_* for the customer's WhatsApp assets
// (WHATSAPP_WABA_ID, WHATSAPP_PHONE_NUMBER_ID, ...), WEBHOOK_VERIFY_TOKEN
// for the token you choose for Meta's webhook subscription, and WABSP_* for
// this SDK's own overrides (WABSP_GRAPH_BASE_URL, WABSP_REDIS_URL, ...).
package exampleenv

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

// Var is one environment variable an example reads.
type Var struct {
	Name string
	// Help says what it is for and when it is needed.
	Help string
}

// SetUsage makes -h (and any flag error) print summary, every flag of fs and
// every variable in vars.
func SetUsage(fs *flag.FlagSet, summary string, vars ...Var) {
	fs.Usage = func() { PrintUsage(fs.Output(), fs, summary, vars...) }
}

// PrintUsage writes summary, the flags of fs and vars to w.
func PrintUsage(w io.Writer, fs *flag.FlagSet, summary string, vars ...Var) {
	fmt.Fprintf(w, "%s\n\nFlags:\n", strings.TrimSpace(summary))
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "  -h\tprint this help")
	fmt.Fprintln(w, "\nEnvironment:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, v := range vars {
		fmt.Fprintf(tw, "  %s\t%s\n", v.Name, v.Help)
	}
	_ = tw.Flush()
}

// Group reports whether every variable in names is set. None set is not an
// error (the example then runs on the sandbox); some but not all is, and the
// error names what is missing and what was found, so that a half-configured
// run never falls back to the sandbox silently.
func Group(purpose string, names ...string) (bool, error) {
	var set, missing []string
	for _, n := range names {
		if os.Getenv(n) != "" {
			set = append(set, n)
		} else {
			missing = append(missing, n)
		}
	}
	switch {
	case len(missing) == 0:
		return true, nil
	case len(set) == 0:
		return false, nil
	}
	return false, fmt.Errorf("%s set but %s missing: set all of %s to %s, or none of them for the sandbox",
		strings.Join(set, ", "), strings.Join(missing, ", "), strings.Join(names, ", "), purpose)
}

// Require returns an error naming every variable in names that is unset.
func Require(purpose string, names ...string) error {
	var missing []string
	for _, n := range names {
		if os.Getenv(n) == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s missing: %s needs %s", strings.Join(missing, ", "), purpose, strings.Join(names, ", "))
}
