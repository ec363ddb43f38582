package wabsptest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

// customer starts a sandbox with one signed-up customer and a client holding
// their token.
func customer(t *testing.T, opts ...wabsptest.SignupOption) (*wabsptest.Server, wabsptest.Signup, *wabsp.Client) {
	t.Helper()
	sb := wabsptest.NewServer()
	t.Cleanup(sb.Close)
	signup := sb.NewSignup(opts...)
	return sb, signup, sb.Client().WithToken(signup.AccessToken)
}

// graphCode returns the Graph error code of err, or 0.
func graphCode(t *testing.T, err error) int {
	t.Helper()
	var g *wabsp.GraphError
	require.ErrorAs(t, err, &g)
	return g.Code
}

var sms = wabsp.RequestCodeRequest{Method: wabsp.CodeBySMS, Language: "en_US"}

func TestRegisteringANumberThroughTheSandbox(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t)
	ctx := context.Background()
	pnid := signup.PhoneNumberID

	n, err := c.GetPhoneNumber(ctx, pnid)
	require.NoError(t, err)
	assert.Equal(t, wabsp.CodeNotVerified, n.CodeVerificationStatus)
	assert.Equal(t, wabsp.PhoneNumberStatusPending, n.Status)
	assert.Regexp(t, `^\+1 555-\d{3}-\d{4}$`, n.DisplayPhoneNumber)
	assert.NotEmpty(t, n.VerifiedName)

	require.NoError(t, c.RequestVerificationCode(ctx, pnid, sms))
	code := sb.LastVerificationCode(pnid)
	require.Len(t, code, 6)
	require.NoError(t, c.VerifyCode(ctx, pnid, code))

	t.Run("the code is single use", func(t *testing.T) {
		assert.Equal(t, 136025, graphCode(t, c.VerifyCode(ctx, pnid, code)))
	})

	require.NoError(t, c.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: "123456"}))
	assert.True(t, sb.Registered(pnid))
	n, err = c.GetPhoneNumber(ctx, pnid)
	require.NoError(t, err)
	assert.Equal(t, wabsp.CodeVerified, n.CodeVerificationStatus)
	assert.Equal(t, wabsp.PhoneNumberStatusConnected, n.Status)
	assert.Equal(t, wabsp.PlatformCloudAPI, n.PlatformType)
	assert.Equal(t, wabsp.QualityGreen, n.QualityRating)
	assert.Equal(t, wabsp.Tier250, n.MessagingLimitTier)
	require.NotNil(t, n.Throughput)
	assert.Equal(t, "STANDARD", n.Throughput.Level)

	t.Run("registering twice with the same PIN succeeds", func(t *testing.T) {
		require.NoError(t, c.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: "123456"}))
		assert.True(t, sb.Registered(pnid))
	})
	t.Run("registering with another PIN is a PIN mismatch", func(t *testing.T) {
		assert.Equal(t, 133005, graphCode(t, c.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: "999999"})))
	})
	t.Run("a verified and registered number gets no new code", func(t *testing.T) {
		assert.Equal(t, 136024, graphCode(t, c.RequestVerificationCode(ctx, pnid, sms)))
	})
	t.Run("another app's token cannot register the number", func(t *testing.T) {
		other := sb.Client().WithToken(sb.GrantToken("2000000000000002", signup.WABAID))
		err := other.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: "123456"})
		assert.Equal(t, 10, graphCode(t, err))
		var pe *wabsp.PermissionError
		assert.ErrorAs(t, err, &pe)
	})
	t.Run("deregistering disconnects the number", func(t *testing.T) {
		require.NoError(t, c.DeregisterPhoneNumber(ctx, pnid))
		n, err := c.GetPhoneNumber(ctx, pnid, "status")
		require.NoError(t, err)
		assert.Equal(t, wabsp.PhoneNumberStatusDisconnected, n.Status)
		assert.Equal(t, 133010, graphCode(t, c.DeregisterPhoneNumber(ctx, pnid)))
	})
}

func TestSandboxPhoneNumberRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		call func(sb *wabsptest.Server, pnid string, c *wabsp.Client) error
		code int
	}{
		{"a wrong verification code", func(sb *wabsptest.Server, pnid string, c *wabsp.Client) error {
			require.NoError(t, c.RequestVerificationCode(ctx, pnid, sms))
			wrong := "000000"
			if sb.LastVerificationCode(pnid) == wrong {
				wrong = "111111"
			}
			return c.VerifyCode(ctx, pnid, wrong)
		}, 136025},
		{"a code never requested", func(_ *wabsptest.Server, pnid string, c *wabsp.Client) error {
			return c.VerifyCode(ctx, pnid, "123456")
		}, 136025},
		{"one code request too many", func(_ *wabsptest.Server, pnid string, c *wabsp.Client) error {
			for i := 0; i < wabsptest.MaxCodeRequests; i++ {
				require.NoError(t, c.RequestVerificationCode(ctx, pnid, sms))
			}
			return c.RequestVerificationCode(ctx, pnid, sms)
		}, 136024},
		{"the eleventh registration in 72 hours", func(_ *wabsptest.Server, pnid string, c *wabsp.Client) error {
			for i := 0; i < wabsptest.MaxRegistrations; i++ {
				require.NoError(t, c.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: "123456"}))
			}
			return c.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: "123456"})
		}, 133016},
		{"registering with a PIN other than the two-step PIN", func(_ *wabsptest.Server, pnid string, c *wabsp.Client) error {
			require.NoError(t, c.SetTwoStepPIN(ctx, pnid, "654321"))
			return c.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: "123456"})
		}, 133005},
		{"deregistering a number never registered", func(_ *wabsptest.Server, pnid string, c *wabsp.Client) error {
			return c.DeregisterPhoneNumber(ctx, pnid)
		}, 133010},
		{"reading another customer's number", func(sb *wabsptest.Server, _ string, c *wabsp.Client) error {
			_, err := c.GetPhoneNumber(ctx, sb.NewSignup().PhoneNumberID)
			return err
		}, 200},
		{"reading a number that does not exist", func(_ *wabsptest.Server, _ string, c *wabsp.Client) error {
			_, err := c.GetPhoneNumber(ctx, "999999999999999")
			return err
		}, 100},
		{"asking for the tier under its pre-v24 name", func(_ *wabsptest.Server, pnid string, c *wabsp.Client) error {
			_, err := c.GetPhoneNumber(ctx, pnid, "messaging_limit_tier")
			return err
		}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb, signup, c := customer(t)
			assert.Equal(t, tt.code, graphCode(t, tt.call(sb, signup.PhoneNumberID, c)))
		})
	}
}

func TestSandboxNumberFieldsFollowTheQueryAndVersion(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t)
	ctx := context.Background()

	t.Run("only the requested fields and the id come back", func(t *testing.T) {
		n, err := c.GetPhoneNumber(ctx, signup.PhoneNumberID, "quality_rating")
		require.NoError(t, err)
		assert.Equal(t, wabsp.PhoneNumber{ID: signup.PhoneNumberID, QualityRating: wabsp.QualityGreen}, *n)
	})
	t.Run("v23 answers the tier as messaging_limit_tier", func(t *testing.T) {
		old := sb.Client(wabsp.WithGraphVersion("v23.0")).WithToken(signup.AccessToken)
		n, err := old.GetPhoneNumber(ctx, signup.PhoneNumberID)
		require.NoError(t, err)
		assert.Equal(t, wabsp.Tier250, n.MessagingLimitTier)
		_, err = old.GetPhoneNumber(ctx, signup.PhoneNumberID, "whatsapp_business_manager_messaging_limit")
		assert.Equal(t, 100, graphCode(t, err))
	})
}

func TestSandboxListsPhoneNumbersPageByPage(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t, wabsptest.PhoneNumbers(5))
	var got []wabsp.PhoneNumber
	for n, err := range c.ListPhoneNumbers(context.Background(), signup.WABAID, &wabsp.ListPhoneNumbersOptions{Limit: 2}) {
		require.NoError(t, err)
		got = append(got, n)
	}
	require.Len(t, got, 5)
	assert.Equal(t, signup.PhoneNumberID, got[0].ID)
	seen := map[string]bool{}
	for _, n := range got {
		assert.False(t, seen[n.ID], "number %s listed twice", n.ID)
		seen[n.ID] = true
		assert.NotEmpty(t, n.DisplayPhoneNumber)
		assert.Equal(t, wabsp.Tier250, n.MessagingLimitTier)
	}
	// Three pages of 2, 2 and 1: the last carries no next link.
	assert.Equal(t, 3, sb.CallCount(http.MethodGet, "/"+wabsp.DefaultGraphVersion+"/"+signup.WABAID+"/phone_numbers"))
}

func TestSandboxDisplayNameChangeGoesToReview(t *testing.T) {
	t.Parallel()
	_, signup, c := customer(t)
	ctx := context.Background()
	require.NoError(t, c.RequestDisplayNameChange(ctx, signup.PhoneNumberID, "Lucky Shrub Garden"))
	n, err := c.GetPhoneNumber(ctx, signup.PhoneNumberID)
	require.NoError(t, err)
	assert.Equal(t, "Lucky Shrub Garden", n.NewDisplayName)
	assert.Equal(t, wabsp.NamePendingReview, n.NewNameStatus)
}

func TestSandboxKeepsTheBusinessProfile(t *testing.T) {
	t.Parallel()
	_, signup, c := customer(t)
	ctx := context.Background()
	pnid := signup.PhoneNumberID

	empty, err := c.GetBusinessProfile(ctx, pnid)
	require.NoError(t, err)
	assert.Equal(t, wabsp.BusinessProfile{MessagingProduct: "whatsapp"}, *empty)

	pic, err := c.UploadMedia(ctx, wabsp.MediaUpload{FileName: "logo.png", MIMEType: "image/png", Data: tinyPNG})
	require.NoError(t, err)
	update := wabsp.BusinessProfileUpdate{
		About: "Succulents delivered.", Email: "help@luckyshrub.example", Vertical: wabsp.VerticalRetail,
		Websites: []string{"https://www.luckyshrub.example/"}, ProfilePictureHandle: pic.Handle,
	}
	require.NoError(t, c.UpdateBusinessProfile(ctx, pnid, update))
	require.NoError(t, c.UpdateBusinessProfile(ctx, pnid, wabsp.BusinessProfileUpdate{Description: "Plants."}))

	p, err := c.GetBusinessProfile(ctx, pnid)
	require.NoError(t, err)
	assert.Equal(t, "Succulents delivered.", p.About, "fields left empty are not changed")
	assert.Equal(t, "Plants.", p.Description)
	assert.Equal(t, wabsp.VerticalRetail, p.Vertical)
	assert.Equal(t, []string{"https://www.luckyshrub.example/"}, p.Websites)
	assert.Contains(t, p.ProfilePictureURL, pnid)

	only, err := c.GetBusinessProfile(ctx, pnid, "about")
	require.NoError(t, err)
	assert.Equal(t, wabsp.BusinessProfile{About: "Succulents delivered.", MessagingProduct: "whatsapp"}, *only)

	t.Run("a picture handle the upload API never issued is refused", func(t *testing.T) {
		err := c.UpdateBusinessProfile(ctx, pnid, wabsp.BusinessProfileUpdate{ProfilePictureHandle: "4::aW1hZ2UvcG5n:forged"})
		assert.Equal(t, 100, graphCode(t, err))
	})
}

// The business token Onboard returns is a Secret, and WithToken takes it as it
// is: nothing in the customer's code has to Reveal it.
func TestOnboardedTokenPassesToWithTokenUnrevealed(t *testing.T) {
	t.Parallel()
	sb := wabsptest.NewServer()
	t.Cleanup(sb.Close)
	signup := sb.NewSignup()
	ctx := context.Background()
	res, err := sb.Client().Onboard(ctx, signup.Session("customer-1"))
	require.NoError(t, err)

	n, err := sb.Client().WithToken(res.Token.AccessToken).GetPhoneNumber(ctx, res.PhoneNumberID)
	require.NoError(t, err)
	assert.Equal(t, res.PhoneNumberID, n.ID)
}
