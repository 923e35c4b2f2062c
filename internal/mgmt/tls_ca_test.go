package mgmt

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testpki"
)

// tlsAPI serves the recorded API over TLS with the given certificate; when
// clientCA is set it requires a client certificate signed by it.
func tlsAPI(t *testing.T, cert *testpki.Leaf, clientCA *testpki.CA) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(recorded(t).Config.Handler)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert.TLS}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	if clientCA != nil {
		srv.TLS.ClientAuth = tls.RequireAndVerifyClientCert
		srv.TLS.ClientCAs = clientCA.Pool()
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// clientFor builds a client with the TLS configuration that tlsConfig, a
// YAML tls_config block, gives the exporter.
func clientFor(t *testing.T, url, tlsConfig string) *Client {
	t.Helper()
	t.Setenv("TEST_MGMT_PASSWORD", "s3cret")
	c, err := New(Options{Cluster: "gw", URLs: []string{url}, Username: "monitor", Password: fromEnv("TEST_MGMT_PASSWORD"),
		TLS: tlsFromYAML(t, tlsConfig), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestTLSVerificationWithAGeneratedCA checks verification towards the
// management API against a real chain: a private CA, a certificate for the
// node's DNS name only (so that dialling the IP is the wrong name) and one
// for the IP. Verification is on unless insecure_skip_verify is set.
func TestTLSVerificationWithAGeneratedCA(t *testing.T) {
	ca := testpki.NewCA(t, "rabbit-ca")
	byName := tlsAPI(t, ca.Server(t, "by-name", "rabbit.internal"), nil)
	byIP := tlsAPI(t, ca.Server(t, "by-ip", "127.0.0.1"), nil)
	caFile := "{ca_file: " + ca.CertFile + "}"

	cases := []struct {
		name, url, tls string
		// wantErr lists what the error must say; empty means success.
		wantErr []string
	}{
		{"default trusts only system roots", byIP.URL, "", []string{"certificate signed by unknown authority"}},
		{"our CA and the right name", byIP.URL, caFile, nil},
		{"our CA but the wrong name", byName.URL, caFile, []string{"cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs"}},
		{"server_name fixes the name", byName.URL, "{ca_file: " + ca.CertFile + ", server_name: rabbit.internal}", nil},
		{"server_name can also be wrong", byIP.URL, "{ca_file: " + ca.CertFile + ", server_name: other.internal}", []string{"other.internal"}},
		{"insecure_skip_verify false is the default", byIP.URL, "{insecure_skip_verify: false}", []string{"certificate signed by unknown authority"}},
		{"insecure_skip_verify true switches it off", byName.URL, "{insecure_skip_verify: true}", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := clientFor(t, tc.url, tc.tls).Overview(context.Background())
			if tc.wantErr == nil {
				if err != nil || o.ClusterName != "gateway-eu" {
					t.Fatalf("overview over TLS = %v, %v; want gateway-eu", o, err)
				}
				return
			}
			if KindOf(err) != KindTLS {
				t.Fatalf("err = %v (kind %s), want kind tls", err, KindOf(err))
			}
			msg := err.Error()
			for _, want := range append(tc.wantErr, "cluster gw", "/api/overview", tc.url) {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			assertNoSecret(t, msg, "monitor", "s3cret")
		})
	}
}

// TestClientCertificateForMutualTLS: a node that requires a client
// certificate gets the one from cert_file/key_file and refuses a client
// without one.
func TestClientCertificateForMutualTLS(t *testing.T) {
	ca := testpki.NewCA(t, "rabbit-ca")
	srv := tlsAPI(t, ca.Server(t, "node", "127.0.0.1"), ca)
	client := ca.Client(t, "rabbitfleet")

	o, err := clientFor(t, srv.URL, "{ca_file: "+ca.CertFile+", cert_file: "+client.CertFile+", key_file: "+client.KeyFile+"}").Overview(context.Background())
	if err != nil || o.ClusterName != "gateway-eu" {
		t.Fatalf("with a client certificate: %v, %v", o, err)
	}

	_, err = clientFor(t, srv.URL, "{ca_file: "+ca.CertFile+"}").Overview(context.Background())
	if err == nil || !strings.Contains(err.Error(), "certificate required") {
		t.Fatalf("without a client certificate: err = %v, want the node's 'certificate required' alert", err)
	}
	assertNoSecret(t, err.Error(), "monitor", "s3cret")
}

// assertNoSecret fails when s holds the password, its URL-escaped forms or
// the basic-auth header value made of it.
func assertNoSecret(t *testing.T, s, user, password string) {
	t.Helper()
	forms := []string{password, url.QueryEscape(password), url.PathEscape(password),
		base64.StdEncoding.EncodeToString([]byte(user + ":" + password))}
	for _, form := range forms {
		if strings.Contains(s, form) {
			t.Errorf("%q leaks the password (as %q)", s, form)
		}
	}
}
