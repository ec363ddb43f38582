package wabsp_test

import (
	"fmt"
	"os"

	"github.com/wabsp/wabsp"
)

// setenvForExample sets the variables a deployment would set, and returns
// a function that puts back what was there.
func setenvForExample(vars map[string]string) (restore func()) {
	old := map[string]*string{}
	for k, v := range vars {
		if prev, ok := os.LookupEnv(k); ok {
			old[k] = &prev
		} else {
			old[k] = nil
		}
		_ = os.Setenv(k, v)
	}
	return func() {
		for k, prev := range old {
			if prev == nil {
				_ = os.Unsetenv(k)
			} else {
				_ = os.Setenv(k, *prev)
			}
		}
	}
}

// NewClient with FromEnv reads the credentials a deployment sets; options
// after it add to or override what it read. The client never prints them.
func ExampleNewClient() {
	restore := setenvForExample(map[string]string{
		"PLIVO_AUTH_ID": "MAXXXXXXXXXXXXXXXXXX", "PLIVO_AUTH_TOKEN": "plivo-auth-token",
		"META_APP_ID": "1234567890123456", "META_APP_SECRET": "meta-app-secret",
	})
	defer restore()

	client, err := wabsp.NewClient(wabsp.FromEnv(), wabsp.WithUserAgentSuffix("acme-onboarding/2.3"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client)
	// Output: wabsp.Client{plivo: https://api.plivo.com, auth_id: "MAXXXXXXXXXXXXXXXXXX", auth_token: [REDACTED], graph: https://graph.facebook.com/v25.0, app_id: "1234567890123456", app_secret: [REDACTED]}
}

// A pair of variables set by half is an error rather than a client that
// fails on its first call.
func ExampleFromEnv() {
	restore := setenvForExample(map[string]string{
		"PLIVO_AUTH_ID": "", "PLIVO_AUTH_TOKEN": "", "META_APP_ID": "1234567890123456", "META_APP_SECRET": "",
	})
	defer restore()

	_, err := wabsp.NewClient(wabsp.FromEnv())
	fmt.Println(err)
	// Output: wabsp: missing credentials: META_APP_SECRET
}
