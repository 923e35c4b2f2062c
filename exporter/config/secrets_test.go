package config

import (
	"net/url"
	"strings"
	"testing"
)

// TestPasswordInTheWrongPlaceIsNotQuoted: a password typed where it does not
// belong is refused by an error that names the place but never quotes it.
func TestPasswordInTheWrongPlaceIsNotQuoted(t *testing.T) {
	const pw = "hunter2-S3cr3t/+&"
	escaped := url.QueryEscape(pw)
	userinfo := url.UserPassword("u", pw).String() // u:hunter2-S3cr3t%2F+&
	head := "clusters:\n  - name: a\n    role: gateway\n    region: r\n"
	cases := []struct{ name, yaml, want string }{
		{"user info in a URL", head + "    management_urls: ['http://" + userinfo + "@x:15672']\n",
			"management_urls[0]: credentials in the URL are not allowed"},
		{"raw password in a URL", head + "    management_urls: ['http://u:" + pw + "@x:15672']\n",
			`management_urls[0]: "<redacted>@x:15672" is not an http(s) URL`},
		{"user info without a scheme", head + "    management_urls: ['u:" + escaped + "@x:15672']\n",
			`management_urls[0]: "<redacted>@x:15672" is not an http(s) URL`},
		{"a URL where a list belongs", head + "    management_urls: 'http://" + userinfo + "@x:15672'\n",
			"line 5: cannot unmarshal !!str"},
		{"password as an unknown field", head + "    management_urls: [http://x]\n    password: '" + pw + "'\n",
			"line 6: field password not found"},
		{"password in defaults", "defaults: {password: '" + pw + "'}\n" + head + "    management_urls: [http://x]\n",
			"line 1: field password not found"},
		{"password as password_env", head + "    management_urls: [http://x]\n    password_env: '" + pw + "'\n",
			"clusters[0] (a): password_env must name an environment variable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			for _, form := range []string{pw, escaped, url.PathEscape(pw), userinfo, "hunter2"} {
				if strings.Contains(err.Error(), form) {
					t.Errorf("error quotes the password (as %q): %v", form, err)
				}
			}
		})
	}
}

func TestIsClusterName(t *testing.T) {
	for s, want := range map[string]bool{
		"gateway-eu": true, "backend.1_a": true, "": false, "-a": false,
		"http://x": false, "a/b": false, "a:1": false, "<b>": false, "a\n": false,
	} {
		if got := IsClusterName(s); got != want {
			t.Errorf("IsClusterName(%q) = %v, want %v", s, got, want)
		}
	}
}
