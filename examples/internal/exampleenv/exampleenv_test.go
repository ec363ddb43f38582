package exampleenv_test

import (
	"bytes"
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp/examples/internal/exampleenv"
)

func TestGroupIsAllOrNothing(t *testing.T) {
	names := []string{"EXAMPLEENV_A", "EXAMPLEENV_B", "EXAMPLEENV_C"}
	tests := []struct {
		name    string
		set     []string
		want    bool
		wantErr string
	}{
		{"none set runs on the sandbox", nil, false, ""},
		{"all set runs for real", names, true, ""},
		{"some set is refused, naming what is missing", []string{"EXAMPLEENV_A", "EXAMPLEENV_C"}, false,
			"EXAMPLEENV_A, EXAMPLEENV_C set but EXAMPLEENV_B missing: set all of EXAMPLEENV_A, EXAMPLEENV_B, EXAMPLEENV_C to call Graph, or none of them for the sandbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range names {
				t.Setenv(n, "")
			}
			for _, n := range tt.set {
				t.Setenv(n, "x")
			}
			got, err := exampleenv.Group("call Graph", names...)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRequireNamesEveryMissingVariable(t *testing.T) {
	t.Setenv("EXAMPLEENV_A", "x")
	t.Setenv("EXAMPLEENV_B", "")
	t.Setenv("EXAMPLEENV_C", "")
	err := exampleenv.Require("serving", "EXAMPLEENV_A", "EXAMPLEENV_B", "EXAMPLEENV_C")
	require.EqualError(t, err, "EXAMPLEENV_B, EXAMPLEENV_C missing: serving needs EXAMPLEENV_A, EXAMPLEENV_B, EXAMPLEENV_C")
	t.Setenv("EXAMPLEENV_B", "x")
	t.Setenv("EXAMPLEENV_C", "x")
	assert.NoError(t, exampleenv.Require("serving", "EXAMPLEENV_A", "EXAMPLEENV_B", "EXAMPLEENV_C"))
}

func TestUsageListsEveryFlagAndVariable(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.Bool("serve", false, "keep serving")
	var out bytes.Buffer
	fs.SetOutput(&out)
	exampleenv.SetUsage(fs, "Command demo does things.", exampleenv.Var{Name: "META_APP_ID", Help: "the Meta app id"})
	require.ErrorIs(t, fs.Parse([]string{"-h"}), flag.ErrHelp)
	for _, want := range []string{"Command demo does things.", "-serve", "keep serving", "Environment:", "META_APP_ID", "the Meta app id"} {
		assert.Contains(t, out.String(), want)
	}
}
