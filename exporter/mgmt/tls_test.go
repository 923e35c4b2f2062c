package mgmt

import (
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// TLS towards the management API: verification is on unless switched off.
func TestTLSVerification(t *testing.T) {
	plain := recorded(t)
	srv := httptest.NewTLSServer(plain.Config.Handler)
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_MGMT_PASSWORD", "s3cret")
	client := func(tlsCfg string) *Client {
		cfg, err := config.Parse([]byte(`
clusters:
  - name: gw
    role: gateway
    region: r
    management_urls: [` + srv.URL + `]
    username: monitor
    password_env: TEST_MGMT_PASSWORD
` + tlsCfg))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Clusters[0].Timeout = model.Duration(2 * time.Second)
		c, err := New(&cfg.Clusters[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	cases := []struct {
		name, tls string
		kind      ErrorKind
		mention   string
	}{
		{"unknown CA is refused by default", "", KindTLS, "certificate signed by unknown authority"},
		{"the right CA verifies", "    tls_config: {ca_file: " + caFile + "}\n", "", ""},
		{"a wrong server name is refused", "    tls_config: {ca_file: " + caFile + ", server_name: rabbit.wrong.example}\n", KindTLS, "rabbit.wrong.example"},
		{"verification can be switched off explicitly", "    tls_config: {insecure_skip_verify: true}\n", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := client(tc.tls).Overview(context.Background())
			if tc.kind == "" {
				if err != nil || o.ClusterName != "gateway-eu" {
					t.Fatalf("overview over TLS: %v, %v", o, err)
				}
				return
			}
			if KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("err = %v (kind %s), want kind %s mentioning %q", err, KindOf(err), tc.kind, tc.mention)
			}
		})
	}
}
