package wabsptest

import (
	"net/http"
)

// The stub of Meta's JavaScript SDK lets a browser run the whole Embedded
// Signup page against the sandbox: FB.login creates a customer in the
// sandbox (POST /sandbox/signup), posts the WA_EMBEDDED_SIGNUP message the
// real dialog posts, and calls back with the code. A page opts into the
// CANCEL or ERROR path with window.WABSP_SANDBOX_OUTCOME = "cancel" or
// "error" before calling FB.login.
const sdkStub = `(function () {
  var base = document.currentScript ? new URL(document.currentScript.src).origin : '';
  function post(event, data) {
    window.postMessage(JSON.stringify({type: 'WA_EMBEDDED_SIGNUP', event: event, data: data, version: 3}), window.location.origin);
  }
  window.FB = {
    init: function (opts) { window.FB._opts = opts; },
    login: function (callback, opts) {
      var outcome = window.WABSP_SANDBOX_OUTCOME || 'finish';
      if (!opts || !opts.config_id || opts.response_type !== 'code') {
        post('ERROR', {error_message: 'FB.login needs config_id and response_type code', error_id: '1'});
        setTimeout(function () { callback({authResponse: null, status: 'unknown'}); }, 10);
        return;
      }
      if (outcome === 'cancel') {
        post('CANCEL', {current_step: 'PHONE_NUMBER_SETUP'});
        setTimeout(function () { callback({authResponse: null, status: 'unknown'}); }, 10);
        return;
      }
      if (outcome === 'error') {
        post('ERROR', {error_message: 'The phone number is already in use on WhatsApp.', error_id: '524126', session_id: 'sandbox', timestamp: Date.now()});
        setTimeout(function () { callback({authResponse: null, status: 'unknown'}); }, 10);
        return;
      }
      fetch(base + '/sandbox/signup', {method: 'POST'}).then(function (r) { return r.json(); }).then(function (s) {
        post('FINISH', {phone_number_id: s.phone_number_id, waba_id: s.waba_id, business_id: s.business_id});
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
		g := s.NewSignup()
		writeJSON(w, http.StatusOK, map[string]string{
			"code": g.Code, "waba_id": g.WABAID, "business_id": g.BusinessID, "phone_number_id": g.PhoneNumberID,
		})
	})
}

// SDKStubURL is the URL of the stub of Meta's JavaScript SDK, to load in
// place of https://connect.facebook.net/en_US/sdk.js.
func (s *Server) SDKStubURL() string { return s.srv.URL + "/sandbox/sdk.js" }
