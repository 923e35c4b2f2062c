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

	promconfig "github.com/prometheus/common/config"
	yaml "go.yaml.in/yaml/v2"
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
		var block struct {
			TLS promconfig.TLSConfig `yaml:"tls_config"`
		}
		if err := yaml.UnmarshalStrict([]byte(tlsCfg), &block); err != nil {
			t.Fatal(err)
		}
		tls, err := promconfig.NewTLSConfig(&block.TLS)
		if err != nil {
			t.Fatal(err)
		}
		c, err := New(Options{Cluster: "gw", URLs: []string{srv.URL}, Username: "monitor", Password: fromEnv("TEST_MGMT_PASSWORD"),
			TLS: tls, Timeout: 2 * time.Second})
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
