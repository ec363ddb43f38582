package wabsp_test

import (
	"fmt"

	"github.com/wabsp/wabsp"
)

// A service that onboards customers needs Plivo and Meta app credentials:
// Require makes a deployment missing any of them stop at start, with one
// message naming each (the variables, when FromEnv is given).
func ExampleRequire() {
	_, err := wabsp.NewClient(wabsp.Require(wabsp.RequirePlivo, wabsp.RequireMetaApp))
	fmt.Println(err)
	// Output: wabsp: missing credentials: WithPlivoCredentials, WithMetaApp
}
