package wabsptest

import (
	"net/http"

	"github.com/wabsp/wabsp"
)

// The stub of Meta's JavaScript SDK lets a browser run the whole Embedded
// Signup page against the sandbox: FB.login creates a customer in the
// sandbox (POST /sandbox/signup), posts the WA_EMBEDDED_SIGNUP message the
// real dialog posts, and calls back with the code. A page picks how the
// dialog ends with window.WABSP_SANDBOX_OUTCOME before calling FB.login:
//   - "finish" (the default), "finish_only_waba" (a WABA without a number),
//     "business_app" (a WhatsApp Business app number: coexistence);
//   - "cancel" (left at PHONE_NUMBER_SETUP), "cancel_error" (a CANCEL
//     carrying the error the customer reported), "error";
//   - "never": the dialog never answers, as when the customer leaves the
//     popup open and walks away.
const sdkStub = `(function () {
  var base = document.currentScript ? new URL(document.currentScript.src).origin : '';
  function post(event, data) {
    window.postMessage(JSON.stringify({type: 'WA_EMBEDDED_SIGNUP', event: event, data: data, version: 3}), window.location.origin);
  }
  function noCode(callback) {
    setTimeout(function () { callback({authResponse: null, status: 'unknown'}); }, 10);
  }
  var finishes = {finish: 'FINISH', finish_only_waba: 'FINISH_ONLY_WABA', business_app: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING'};
  window.FB = {
    init: function (opts) { window.FB._opts = opts; },
    login: function (callback, opts) {
      var outcome = window.WABSP_SANDBOX_OUTCOME || 'finish';
      if (!opts || !opts.config_id || opts.response_type !== 'code') {
        post('ERROR', {error_message: 'FB.login needs config_id and response_type code', error_id: '1'});
        return noCode(callback);
      }
      switch (outcome) {
      case 'never':
        return;
      case 'cancel':
        post('CANCEL', {current_step: 'PHONE_NUMBER_SETUP'});
        return noCode(callback);
      case 'cancel_error':
        post('CANCEL', {error_message: 'Your verification code is incorrect.', error_code: '524126', session_id: 'sandbox-session', timestamp: String(Math.floor(Date.now() / 1000))});
        return noCode(callback);
      case 'error':
        post('ERROR', {error_message: 'The phone number is already in use on WhatsApp.', error_id: '524126', session_id: 'sandbox', timestamp: Date.now()});
        return noCode(callback);
      }
      var ending = finishes[outcome] || 'FINISH';
      fetch(base + '/sandbox/signup?ending=' + ending, {method: 'POST'}).then(function (r) { return r.json(); }).then(function (s) {
        var data = {waba_id: s.waba_id, business_id: s.business_id};
        if (s.phone_number_id) { data.phone_number_id = s.phone_number_id; }
        post(ending, data);
        setTimeout(function () { callback({authResponse: {code: s.code, userID: ''}, status: 'connected'}); }, 10);
      });
    }
  };
  if (typeof window.fbAsyncInit === 'function') { setTimeout(window.fbAsyncInit, 0); }
})();
`

func (s *Server) routeSDKStub(mux *http.ServeMux) {
	mux.HandleFunc("GET /sandbox/sdk.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write([]byte(sdkStub))
	})
	mux.HandleFunc("OPTIONS /sandbox/signup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Methods", "POST")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /sandbox/signup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		g := s.NewSignup(Ending(wabsp.SignupEnding(r.URL.Query().Get("ending"))))
		writeJSON(w, http.StatusOK, map[string]string{
			"code": g.Code, "waba_id": g.WABAID, "business_id": g.BusinessID, "phone_number_id": g.PhoneNumberID,
		})
	})
}

// SDKStubURL is the URL of the stub of Meta's JavaScript SDK, to load in
// place of https://connect.facebook.net/en_US/sdk.js.
func (s *Server) SDKStubURL() string { return s.srv.URL + "/sandbox/sdk.js" }
