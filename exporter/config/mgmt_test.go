package config

import (
	"slices"
	"testing"
	"time"
)

// TestManagementOptionsCarryTheCluster: the client gets every setting of the
// cluster, and the password is read when asked, not once.
func TestManagementOptionsCarryTheCluster(t *testing.T) {
	cfg, err := Parse([]byte(`
clusters:
  - name: gw
    role: gateway
    region: r
    management_urls: ['https://a:15671', 'https://b:15671']
    username: monitor
    password_env: RF_TEST_MGMT_PW
    timeout: 3s
    max_response_bytes: 1024
    circuit_breaker: {initial_backoff: 2s, max_backoff: 8s}
    tls_config: {server_name: rabbit.internal}
`))
	if err != nil {
		t.Fatal(err)
	}
	o, err := cfg.Clusters[0].ManagementOptions()
	if err != nil {
		t.Fatal(err)
	}
	if o.Cluster != "gw" || !slices.Equal(o.URLs, []string{"https://a:15671", "https://b:15671"}) || o.Username != "monitor" ||
		o.Timeout != 3*time.Second || o.MaxResponseBytes != 1024 ||
		o.Breaker.InitialBackoff != 2*time.Second || o.Breaker.MaxBackoff != 8*time.Second ||
		o.TLS == nil || o.TLS.ServerName != "rabbit.internal" {
		t.Errorf("options = %+v", o)
	}
	for _, pw := range []string{"first", "rotated"} {
		t.Setenv("RF_TEST_MGMT_PW", pw)
		if got, err := o.Password(); got != pw || err != nil {
			t.Errorf("password = %q, %v; want %q", got, err, pw)
		}
	}
}
