package mgmt

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// echoPassword has characters that every escaping changes, so that an echo in
// any of the forms the test looks for is told apart from the raw password.
const echoPassword = "p@ss:w/rd+&=?#%<s3cret>"

func echoClient(t *testing.T, url string) *Client {
	t.Helper()
	t.Setenv("TEST_ECHO_PASSWORD", echoPassword)
	c, err := New(Options{Cluster: "gw", URLs: []string{url}, Username: "monitor", Password: fromEnv("TEST_ECHO_PASSWORD"),
		Timeout: 2 * time.Second, MaxResponseBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// echoOf is what a careless server could send back about the request.
func echoOf(r *http.Request) string {
	_, pw, _ := r.BasicAuth()
	return strings.Join([]string{r.Header.Get("Authorization"), pw, url.QueryEscape(pw), url.PathEscape(pw), r.URL.String()}, " ")
}

// TestAnswersEchoingTheCredentialsAreScrubbed: whatever a node sends back,
// the error (which is logged) never carries the password.
func TestAnswersEchoingTheCredentialsAreScrubbed(t *testing.T) {
	var followed atomic.Int32
	cases := []struct {
		name    string
		handler http.HandlerFunc
		kind    ErrorKind
		say     string // what the error must still say
	}{
		{"401 whose reason echoes the request", func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(map[string]string{"error": "not_authorised", "reason": echoOf(r)})
			http.Error(w, string(b), http.StatusUnauthorized)
		}, KindAuth, "HTTP 401 Unauthorized: not_authorised: Basic " + redactedMark + " " + redactedMark},
		{"500 whose error field echoes the request", func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(map[string]string{"error": echoOf(r), "reason": "boom"})
			http.Error(w, string(b), http.StatusInternalServerError)
		}, KindHTTP, ": boom"},
		{"500 with a plain-text dump is not quoted", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "request was: "+echoOf(r), http.StatusInternalServerError)
		}, KindHTTP, "HTTP 500 Internal Server Error: the answer is not a RabbitMQ error object (not quoted)"},
		{"redirect to a URL with the credentials is not followed", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("followed") != "" {
				followed.Add(1)
			}
			_, pw, _ := r.BasicAuth()
			to := &url.URL{Scheme: "http", User: url.UserPassword("monitor", pw), Host: r.Host, Path: r.URL.Path, RawQuery: "followed=1"}
			http.Redirect(w, r, to.String(), http.StatusFound)
		}, KindHTTP, "HTTP 302 Found"},
		{"a number field holding an object", func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(map[string]any{"object_totals": map[string]any{"queues": map[string]string{"echo": echoOf(r)}}})
			w.Write(b)
		}, KindDecode, "not a number: a JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := echoClient(t, faultServer(t, tc.handler)).Overview(context.Background())
			if KindOf(err) != tc.kind {
				t.Fatalf("kind = %s (err %v), want %s", KindOf(err), err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.say) {
				t.Errorf("error %q should say %q", err, tc.say)
			}
			assertNoSecret(t, err.Error(), "monitor", echoPassword)
			// Nothing in the chain may hold it either.
			for e := err; e != nil; e = errorsUnwrap(e) {
				assertNoSecret(t, e.Error(), "monitor", echoPassword)
			}
		})
	}
	if followed.Load() != 0 {
		t.Errorf("the redirect was followed %d times", followed.Load())
	}
}

func errorsUnwrap(err error) error {
	u, ok := err.(interface{ Unwrap() error })
	if !ok {
		return nil
	}
	return u.Unwrap()
}

func TestSecretFormsOfAnEmptyPasswordAreNone(t *testing.T) {
	if got := secretForms("guest", ""); got != nil {
		t.Errorf("secretForms with no password = %q, want none (ReplaceAll of \"\" marks everything)", got)
	}
	if got := scrub("HTTP 500", secretForms("guest", "")); got != "HTTP 500" {
		t.Errorf("scrub = %q", got)
	}
}
