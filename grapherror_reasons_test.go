package wabsp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

var graphSentinels = []error{
	wabsp.ErrCodeExpired, wabsp.ErrCodeAlreadyUsed, wabsp.ErrTemplateExists, wabsp.ErrPhoneNumberInUse,
	wabsp.ErrTooManyCodeRequests, wabsp.ErrRegisterLimit, wabsp.ErrAccessRevoked,
}

func TestGraphErrorsMatchTheSentinelsUsersBranchOn(t *testing.T) {
	t.Parallel()
	register := func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
		return c.RegisterPhoneNumber(ctx, testPhoneNumberID, wabsp.RegisterRequest{PIN: "123456"})
	}
	requestCode := func(method wabsp.CodeMethod, lang string) func(context.Context, *wabsp.Client, *fixture.Fixture) error {
		return func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
			return c.RequestVerificationCode(ctx, testPhoneNumberID, wabsp.RequestCodeRequest{Method: method, Language: lang})
		}
	}
	exchange := func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
		_, err := c.ExchangeCode(ctx, wabsp.ExchangeCodeRequest{Code: "AQBtestcode123"})
		return err
	}
	subscribe := func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
		return c.WithToken(testAccessToken).SubscribeApp(ctx, "109876543210987")
	}
	submit := func(ctx context.Context, c *wabsp.Client, fx *fixture.Fixture) error {
		_, err := c.SubmitTemplate(ctx, templatesWABAID, templateRequestOf(t, fx))
		return err
	}
	tests := []struct {
		fixture string
		call    func(context.Context, *wabsp.Client, *fixture.Fixture) error
		want    error // nil: no sentinel applies
	}{
		{"graph/exchange_code_expired", exchange, wabsp.ErrCodeExpired},
		{"graph/exchange_code_used", exchange, wabsp.ErrCodeAlreadyUsed},
		{"templates/submit_duplicate", submit, wabsp.ErrTemplateExists},
		{"templates/submit_invalid_parameter", submit, nil},
		{"numbers/register_in_consumer_app", register, wabsp.ErrPhoneNumberInUse},
		{"numbers/request_code_too_many", requestCode(wabsp.CodeByVoice, "pt_BR"), wabsp.ErrTooManyCodeRequests},
		{"numbers/request_code_already_verified", requestCode(wabsp.CodeBySMS, "en_US"), nil},
		{"numbers/register_limit", register, wabsp.ErrRegisterLimit},
		{"numbers/register_wrong_pin", register, nil},
		{"graph/subscribe_app_token_expired", subscribe, wabsp.ErrAccessRevoked},
		{"graph/subscribe_app_app_removed", subscribe, wabsp.ErrAccessRevoked},
		{"templates/submit_token_expired", submit, wabsp.ErrAccessRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockedClient(t, wabsp.WithAccessToken(tokenOf(tt.fixture)))
			fx := fixture.Load(t, "testdata/"+tt.fixture+".json")
			fx.Register(t, mt)

			err := tt.call(context.Background(), c, fx)
			require.Error(t, err)
			require.Equal(t, 1, fx.Calls(), "the call reached Graph")
			for _, s := range graphSentinels {
				assert.Equal(t, s == tt.want, errors.Is(err, s), "errors.Is(err, %q)", s)
			}
		})
	}
}

// tokenOf picks the token each fixture directory was recorded with.
func tokenOf(name string) string {
	switch {
	case strings.HasPrefix(name, "numbers/"):
		return testBusinessToken
	case strings.HasPrefix(name, "templates/"):
		return testGraphToken
	}
	return testAccessToken
}
