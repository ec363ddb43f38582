package main

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/wabsp/wabsp"
)

// What the customer reads when something fails: what happened in their
// terms and what to do. The technical cause goes to the server log under the
// same reference, never to the page.
const (
	msgSignedOut   = "Your session has ended. Please reload this page, sign in again and reconnect WhatsApp."
	msgStalePage   = "This page is out of date. Please reload it and try again."
	msgBadRequest  = "We could not read what Meta's signup returned. Please try again."
	msgIncomplete  = "Meta's signup did not return everything we need. Please start again and finish every step."
	msgPermissions = "Meta did not give us the permissions we need. Please start again and allow access to your WhatsApp Business Account when asked."
	msgNotShared   = "The WhatsApp Business Account you picked was not shared with us. Please start again and select it."
	msgWhichWABA   = "We could not tell which WhatsApp Business Account to connect. Please start again and choose one account."
	msgNumberTaken = "This phone number is already registered under another WhatsApp Business Account. Remove it there, or start again with another number."
	msgNotReady    = "We cannot connect WhatsApp accounts right now because of a setup issue on our side. Please try again later; our team has been told."
	msgRejected    = "WhatsApp did not accept this account. Please start again; if it happens again, contact support with the reference below."
	msgUnavailable = "WhatsApp's services did not answer in time. Nothing is lost: please try again in a few minutes."
	msgCodeExpired = "Meta's signup took too long to reach us. Nothing was connected; please start again."
	msgCancelled   = "You closed Meta's signup %s. Nothing was connected; you can start again."
	msgStopped     = "Meta's signup stopped before it finished. Nothing was connected; please start again."
	msgFullWeek    = "We are connecting many new businesses this week. Please try again after %s."

	// What the customer reads when it worked.
	msgConnected        = "Connected WhatsApp Business Account %s with phone number id %s. What happens next:"
	msgAlreadyConnected = "Connected WhatsApp Business Account %s with phone number id %s (it was already connected). What happens next:"
	msgAwaitingNumber   = "Your WhatsApp Business Account %s is connected, but it has no phone number yet."
	msgCoexistence      = "Your WhatsApp Business app number (phone number id %s) is connected. Keep using the app as before."
)

// The steps Meta's dialog can be closed at, in the customer's words.
var stepNames = map[wabsp.SignupStep]string{
	wabsp.SignupStepBusinessAccountSelection:     "at the business step",
	wabsp.SignupStepWABAPhoneProfilePicker:       "at the WhatsApp account step",
	wabsp.SignupStepWhatsAppBusinessProfileSetup: "at the business profile step",
	wabsp.SignupStepPhoneNumberSetup:             "at the phone number step",
	wabsp.SignupStepPhoneNumberVerification:      "at the phone number verification step",
	wabsp.SignupStepPermissions:                  "at the permissions step",
}

var (
	stepsAwaitingNumber = []string{
		"Add a phone number to this account in WhatsApp Manager (business.facebook.com) and verify it.",
		"We finish connecting it as soon as it appears; you do not need to sign up again.",
	}
	stepsCoexistence = []string{
		"We are copying your WhatsApp Business app contacts and up to six months of chats; they appear here within a day.",
		"Open the WhatsApp Business app at least every 14 days, or Meta disconnects the number from us.",
	}
)

// failure is how the onboarding API answers one failed onboarding.
type failure struct {
	status  int
	message string
}

// failureFor turns an onboarding error into what the page shows, and says
// whose fault it is: the page's input, the customer's grants, or a service
// upstream.
func failureFor(err error) failure {
	var (
		verr  *wabsp.ValidationError
		bad   *wabsp.BadRequestError
		ended *wabsp.SignupEndedError
		full  *wabsp.SolutionLimitError
	)
	switch {
	case errors.As(err, &ended):
		if ended.Ending == wabsp.SignupCancel && ended.ErrorCode == "" {
			where, ok := stepNames[ended.CurrentStep]
			if !ok {
				where = "before it finished"
			}
			return failure{http.StatusUnprocessableEntity, fmt.Sprintf(msgCancelled, where)}
		}
		return failure{http.StatusUnprocessableEntity, msgStopped}
	case errors.Is(err, wabsp.ErrCodeExpired), errors.Is(err, wabsp.ErrCodeAlreadyUsed):
		return failure{http.StatusUnprocessableEntity, msgCodeExpired}
	case errors.As(err, &full):
		return failure{http.StatusServiceUnavailable, fmt.Sprintf(msgFullWeek, full.NextFree.Format("Monday 2 January 15:04 MST"))}
	case errors.As(err, &verr):
		return failure{http.StatusBadRequest, msgIncomplete}
	case errors.Is(err, wabsp.ErrTokenInvalid), errors.Is(err, wabsp.ErrTokenForOtherApp), errors.Is(err, wabsp.ErrScopeMissing):
		return failure{http.StatusForbidden, msgPermissions}
	case errors.Is(err, wabsp.ErrIDNotGranted):
		return failure{http.StatusForbidden, msgNotShared}
	case errors.Is(err, wabsp.ErrIDUnresolved), errors.Is(err, wabsp.ErrIDAmbiguous):
		return failure{http.StatusUnprocessableEntity, msgWhichWABA}
	case errors.Is(err, wabsp.ErrPhoneNumberRegisteredElsewhere):
		return failure{http.StatusUnprocessableEntity, msgNumberTaken}
	case errors.Is(err, wabsp.ErrMultiPartnerSolutionInactive):
		return failure{http.StatusBadGateway, msgNotReady}
	case errors.As(err, &bad):
		return failure{http.StatusUnprocessableEntity, msgRejected}
	}
	return failure{http.StatusBadGateway, msgUnavailable}
}

// nextSteps tells a customer who has just connected what happens next: the
// review of their display name, and whether their number can send yet.
func nextSteps(n *wabsp.PhoneNumber) []string {
	if n == nil {
		return []string{"Meta reviews your display name before your messages show it; this usually takes minutes, sometimes a day.",
			"Your number's status will show in WhatsApp Manager (business.facebook.com)."}
	}
	var steps []string
	name := n.VerifiedName
	switch n.NameStatus {
	case wabsp.NameApproved, wabsp.NameAvailableWithoutReview:
		steps = append(steps, fmt.Sprintf("Your display name %q is approved.", name))
	case wabsp.NamePendingReview:
		steps = append(steps, fmt.Sprintf("Meta is reviewing your display name %q; this usually takes minutes, sometimes a day.", name))
	case wabsp.NameDeclined:
		steps = append(steps, fmt.Sprintf("Meta declined your display name %q. Choose a name that matches your business and submit it again in WhatsApp Manager.", name))
	default:
		steps = append(steps, "Meta reviews your display name before your messages show it; this usually takes minutes, sometimes a day.")
	}
	number := n.DisplayPhoneNumber
	if number == "" {
		number = "Your number"
	}
	switch n.State() {
	case wabsp.NumberConnected:
		steps = append(steps, number+" is connected and can send messages.")
	case wabsp.NumberFlagged:
		steps = append(steps, number+" is connected, but its quality rating is low: it cannot reach more customers until the rating improves.")
	case wabsp.NumberRestricted:
		steps = append(steps, number+" has reached its messaging limit for now.")
	default:
		if n.Status == wabsp.PhoneNumberStatusPending {
			steps = append(steps, number+" is being set up: it can send messages once its status shows Connected.")
		} else {
			steps = append(steps, fmt.Sprintf("%s has the status %s.", number, n.Status))
		}
	}
	return steps
}
