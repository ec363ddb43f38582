package wabsptest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

// Every way an Embedded Signup can end, from the page's post to the
// backend's answer, against the sandbox.

// onboardPost runs what a backend does with the page's post: decode it,
// attach the signed-in customer, Onboard.
func onboardPost(t *testing.T, c *wabsp.Client, post []byte, customer string) (*wabsp.OnboardingResult, error) {
	t.Helper()
	s, _, err := wabsp.DecodeSignupPost(bytes.NewReader(post))
	require.NoError(t, err)
	s.ClientRef = customer
	return c.Onboard(context.Background(), s)
}

func TestEverySignupEndingAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	for _, ending := range []wabsp.SignupEnding{wabsp.SignupFinish, wabsp.SignupFinishOBOMigration, wabsp.SignupFinishGrantOnlyAPIAccess} {
		t.Run(string(ending)+" onboards the WABA and its number with Plivo", func(t *testing.T) {
			t.Parallel()
			sb := wabsptest.NewServer()
			defer sb.Close()
			signup := sb.NewSignup(wabsptest.Ending(ending))
			res, err := onboardPost(t, sb.Client(), signup.Post(), "customer-1")
			require.NoError(t, err)
			assert.Equal(t, ending, res.Ending)
			assert.Equal(t, signup.PhoneNumberID, res.PhoneNumberID)
			assert.False(t, res.AwaitingPhoneNumber)
			ref, ok := sb.Onboarded(signup.WABAID)
			assert.True(t, ok)
			assert.Equal(t, "customer-1", ref)
		})
	}

	t.Run("FINISH_ONLY_WABA connects the WABA, then CompleteOnboarding finishes once a number exists", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer()
		defer sb.Close()
		c := sb.Client()
		signup := sb.NewSignup(wabsptest.Ending(wabsp.SignupFinishOnlyWABA))
		res, err := onboardPost(t, c, signup.Post(), "customer-2")
		require.NoError(t, err)
		assert.True(t, res.AwaitingPhoneNumber)
		assert.Empty(t, res.PhoneNumberID)
		assert.True(t, sb.Subscribed(signup.WABAID))
		_, onboarded := sb.Onboarded(signup.WABAID)
		assert.False(t, onboarded, "Plivo needs a phone number: not called yet")
		assert.Zero(t, sb.CallCount(http.MethodPost, "/v1/Account/"+wabsptest.AuthID+"/WhatsApp/EmbeddedSignup/"))

		_, err = c.CompleteOnboarding(context.Background(), res)
		require.ErrorIs(t, err, wabsp.ErrIDUnresolved, "still no number")

		pnid, err := sb.AddPhoneNumber(signup.WABAID)
		require.NoError(t, err)
		done, err := c.CompleteOnboarding(context.Background(), res)
		require.NoError(t, err)
		assert.Equal(t, pnid, done.PhoneNumberID)
		assert.False(t, done.AwaitingPhoneNumber)
		ref, ok := sb.Onboarded(signup.WABAID)
		assert.True(t, ok)
		assert.Equal(t, "customer-2", ref)
	})

	t.Run("coexistence onboards, then syncs contacts and history once each", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		var history, contacts int
		h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{
			AppSecrets: []string{wabsptest.AppSecret},
			OnHistory: func(_ context.Context, _ *wabsp.WebhookEntry, v *wabsp.HistoryValue) error {
				mu.Lock()
				history += len(v.History[0].Threads)
				mu.Unlock()
				return nil
			},
			OnAppStateSync: func(_ context.Context, _ *wabsp.WebhookEntry, v *wabsp.AppStateSyncValue) error {
				mu.Lock()
				contacts += len(v.StateSync)
				mu.Unlock()
				return nil
			},
		})
		require.NoError(t, err)
		receiver := httptest.NewServer(h)
		defer receiver.Close()
		sb := wabsptest.NewServer(wabsptest.WithWebhookURL(receiver.URL))
		defer sb.Close()
		store := wabsp.NewMemoryCoexistenceSyncStore()
		c := sb.Client(wabsp.WithCoexistenceSyncStore(store))
		signup := sb.NewSignup(wabsptest.Ending(wabsp.SignupFinishBusinessApp))

		res, err := onboardPost(t, c, signup.Post(), "customer-3")
		require.NoError(t, err)
		require.NotNil(t, res.Coexistence)
		syncs := sb.CoexistenceSyncs(signup.PhoneNumberID)
		assert.Equal(t, syncs["smb_app_state_sync"], res.Coexistence.Contacts.RequestID)
		assert.Equal(t, syncs["history"], res.Coexistence.History.RequestID)
		mu.Lock()
		assert.Equal(t, 1, history, "the history chunk reached OnHistory")
		assert.Equal(t, 1, contacts, "the contacts reached OnAppStateSync")
		mu.Unlock()
		assert.Zero(t, sb.CallCount(http.MethodPost, "/"+sb.Client().GraphVersion()+"/"+signup.PhoneNumberID+"/register"),
			"a coexistence number is never registered")

		customer := c.WithToken(signup.AccessToken)
		status, err := customer.CoexistenceStatus(context.Background(), signup.PhoneNumberID)
		require.NoError(t, err)
		assert.True(t, status.IsOnBizApp)
		assert.Equal(t, wabsp.PlatformCloudAPI, status.PlatformType)

		smbPath := "/" + c.GraphVersion() + "/" + signup.PhoneNumberID + "/smb_app_data"
		calls := sb.CallCount(http.MethodPost, smbPath)
		again, err := customer.StartCoexistenceSync(context.Background(), signup.PhoneNumberID, wabsp.SyncHistory)
		require.NoError(t, err)
		assert.Equal(t, res.Coexistence.History.RequestID, again.RequestID, "a repeat returns the first request")
		assert.Equal(t, calls, sb.CallCount(http.MethodPost, smbPath), "without calling Meta")

		replica := sb.Client(wabsp.WithCoexistenceSyncStore(store), wabsp.WithAccessToken(signup.AccessToken.Reveal()))
		_, err = replica.StartCoexistenceSync(context.Background(), signup.PhoneNumberID, wabsp.SyncContacts)
		require.NoError(t, err, "a replica sharing the store gets the record")
		lonely := sb.Client(wabsp.WithAccessToken(signup.AccessToken.Reveal()))
		_, err = lonely.StartCoexistenceSync(context.Background(), signup.PhoneNumberID, wabsp.SyncContacts)
		require.ErrorIs(t, err, wabsp.ErrSyncAlreadyRequested, "a replica with its own store hears Meta's refusal")
	})

	t.Run("coexistence syncs are refused after 24 hours", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer()
		defer sb.Close()
		signup := sb.NewSignup(wabsptest.Ending(wabsp.SignupFinishBusinessApp))
		s := signup.Session("customer-4")
		s.Ending = wabsp.SignupFinish // onboard without the syncs
		_, err := sb.Client().Onboard(context.Background(), s)
		require.NoError(t, err)
		sb.AdvanceClock(wabsptest.SyncWindow + time.Minute)
		_, err = sb.Client(wabsp.WithAccessToken(signup.AccessToken.Reveal())).StartCoexistenceSync(context.Background(), signup.PhoneNumberID, wabsp.SyncHistory)
		var ge *wabsp.GraphError
		require.ErrorAs(t, err, &ge)
		assert.Contains(t, ge.Message, "24 hours")
	})

	for _, tc := range []struct {
		name   string
		signup wabsptest.Signup
		step   wabsp.SignupStep
	}{
		{"CANCEL at a step", wabsptest.CancelledSignup(wabsp.SignupStepPhoneNumberVerification), wabsp.SignupStepPhoneNumberVerification},
		{"ERROR", wabsptest.Signup{Ending: wabsp.SignupError}, ""},
		{"an ending this SDK does not know", wabsptest.Signup{Ending: "FINISH_SOMETHING_NEW", Code: "AQNEWENDING123"}, ""},
	} {
		t.Run(tc.name+" is refused before any call", func(t *testing.T) {
			t.Parallel()
			sb := wabsptest.NewServer()
			defer sb.Close()
			_, err := onboardPost(t, sb.Client(), tc.signup.Post(), "customer-5")
			var ended *wabsp.SignupEndedError
			require.ErrorAs(t, err, &ended)
			assert.True(t, errors.Is(err, wabsp.ErrSignupNotFinished))
			assert.Equal(t, tc.signup.Ending, ended.Ending)
			assert.Equal(t, tc.step, ended.CurrentStep)
			assert.Empty(t, sb.Calls())
		})
	}
}

func TestOnboardCountsCustomersAgainstTheSolutionLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("the 201st customer of the week is refused before Plivo is called", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer()
		defer sb.Close()
		quota := wabsp.NewMemoryOnboardingQuota()
		start := time.Now().Add(-time.Hour)
		for i := range wabsp.SolutionOnboardingLimit {
			ok, _, err := quota.ReserveOnboarding(ctx, wabsptest.SolutionID, "earlier-"+time.Duration(i).String(), start.Add(time.Duration(i)*time.Second), wabsp.SolutionOnboardingLimit, wabsp.SolutionOnboardingWindow)
			require.NoError(t, err)
			require.True(t, ok)
		}
		c := sb.Client(wabsp.WithSolution(wabsptest.SolutionID, quota))
		_, err := c.Onboard(ctx, sb.NewSignup().Session("customer-201"))
		var oe *wabsp.OnboardingError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, wabsp.StepSolutionLimit, oe.Step)
		var limit *wabsp.SolutionLimitError
		require.ErrorAs(t, err, &limit)
		assert.WithinDuration(t, start.Add(wabsp.SolutionOnboardingWindow), limit.NextFree, time.Millisecond)
		assert.Zero(t, sb.CallCount(http.MethodPost, "/v1/Account/"+wabsptest.AuthID+"/WhatsApp/EmbeddedSignup/"))
	})
	t.Run("an inactive solution is diagnosed, and a refused customer frees the slot", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer(wabsptest.WithMultiPartnerSolutionInactive())
		defer sb.Close()
		quota := wabsp.NewMemoryOnboardingQuota()
		signup := sb.NewSignup()
		c := sb.Client(wabsp.WithSolution(wabsptest.SolutionID, quota), wabsp.WithAccessToken(signup.AccessToken.Reveal()))
		sol, err := c.CheckSolution(ctx, wabsptest.SolutionID)
		require.ErrorIs(t, err, wabsp.ErrSolutionInactive)
		assert.Equal(t, wabsp.SolutionDeactivated, sol.Status)

		_, err = c.Onboard(ctx, signup.Session("customer-1"))
		var oe *wabsp.OnboardingError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, wabsp.StepEmbeddedSignup, oe.Step)
		ok, _, err := quota.ReserveOnboarding(ctx, wabsptest.SolutionID, "probe", time.Now(), 1, wabsp.SolutionOnboardingWindow)
		require.NoError(t, err)
		assert.True(t, ok, "the refused customer's slot was given back")
	})
	t.Run("an active solution passes the check", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer()
		defer sb.Close()
		signup := sb.NewSignup()
		sol, err := sb.Client(wabsp.WithAccessToken(signup.AccessToken.Reveal())).CheckSolution(ctx, wabsptest.SolutionID)
		require.NoError(t, err)
		assert.Equal(t, wabsp.SolutionActive, sol.Status)
	})
}

func TestCoexistenceEchoesAndDisconnectionsReachTheHandler(t *testing.T) {
	t.Parallel()
	sb := wabsptest.NewServer()
	defer sb.Close()
	signup := sb.NewSignup(wabsptest.Ending(wabsp.SignupFinishBusinessApp))
	var mu sync.Mutex
	var echoes []string
	var events []wabsp.ConnectionEvent
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{
		AppSecrets: []string{wabsptest.AppSecret},
		OnMessageEcho: func(_ context.Context, m wabsp.MessageEcho) error {
			mu.Lock()
			echoes = append(echoes, m.Message.To+": "+m.Message.Text.Body)
			mu.Unlock()
			return nil
		},
		OnConnection: func(_ context.Context, ev wabsp.ConnectionEvent) error {
			mu.Lock()
			events = append(events, ev)
			mu.Unlock()
			return nil
		},
	})
	require.NoError(t, err)
	receiver := httptest.NewServer(h)
	defer receiver.Close()

	status, err := sb.DeliverWebhook(context.Background(), receiver.URL, sb.EchoTextTo(signup.PhoneNumberID, "16315551181", "Sent from the app"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	status, err = sb.DeliverWebhook(context.Background(), receiver.URL, sb.DisconnectCoexistence(signup.PhoneNumberID, wabsp.DisconnectPrimaryInactivity))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"16315551181: Sent from the app"}, echoes)
	require.Len(t, events, 1)
	assert.False(t, events[0].Connected)
	assert.Equal(t, signup.WABAID, events[0].WABAID)
	assert.Equal(t, wabsp.DisconnectPrimaryInactivity, events[0].Reason)
}
