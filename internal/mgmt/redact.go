package mgmt

import (
	"encoding/base64"
	"errors"
	"html"
	"net/url"
	"strings"
)

// A node's answer can carry our credentials back: a proxy that echoes the
// request, a 500 that dumps headers, a redirect to a URL with user info.
// Whatever of an answer goes into an error (and so into logs) is scrubbed of
// every form in which the password travels or is commonly re-encoded.

const redactedMark = "<redacted>"

// secretForms lists the password as sent and as an echo would likely show it:
// raw, inside the basic-auth header, URL-escaped (query, path, user info) and
// HTML-escaped. Longest first, so that a form containing another goes whole.
func secretForms(user, password string) []string {
	if password == "" {
		return nil // ReplaceAll with "" would mark every position
	}
	basic := user + ":" + password
	forms := []string{
		base64.StdEncoding.EncodeToString([]byte(basic)),
		base64.RawStdEncoding.EncodeToString([]byte(basic)),
		base64.URLEncoding.EncodeToString([]byte(basic)),
		url.QueryEscape(password),
		url.PathEscape(password),
		strings.TrimPrefix(url.UserPassword("", password).String(), ":"),
		html.EscapeString(password),
		password,
	}
	var out []string
	for _, f := range forms {
		if f != "" && !contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func scrub(s string, secrets []string) string {
	for _, f := range secrets {
		s = strings.ReplaceAll(s, f, redactedMark)
	}
	return s
}

// redact returns err unchanged when its message holds no secret. Otherwise it
// returns a plain error with the scrubbed message and no chain to unwrap, so
// that nothing can reach the original text.
func redact(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := scrub(msg, secrets); clean != msg {
		return errors.New(clean)
	}
	return err
}
