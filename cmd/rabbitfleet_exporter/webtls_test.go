package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testpki"
)

// exporterProc is a running exporter binary and its output.
type exporterProc struct {
	addr string
	logs *testsupport.Buffer
	cmd  *exec.Cmd
}

func startExporter(t *testing.T, bin string, env []string, args ...string) *exporterProc {
	t.Helper()
	p := &exporterProc{addr: testsupport.FreeAddr(t), logs: &testsupport.Buffer{}}
	p.cmd = exec.Command(bin, append([]string{"--web.listen-address", p.addr, "--log.level", "debug"}, args...)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	return p
}

// waitUntil polls ok until it holds, failing the test with the logs after 15 s.
func (p *exporterProc) waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	testsupport.Eventually(t, 15*time.Second, what, func() (bool, string) { return ok(), "logs:\n" + p.logs.String() })
}

// call makes one request and returns status and body, or the error.
func call(client *http.Client, method, url, user, pw string) (int, string, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return 0, "", err
	}
	if user != "" {
		req.SetBasicAuth(user, pw)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func tlsClient(roots *x509.CertPool, certs ...tls.Certificate) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs},
	}}
}

func writeWebConfig(t *testing.T, dir, tlsBlock string) {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("scrape-pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	web := "tls_server_config:\n" + tlsBlock + "basic_auth_users:\n  prometheus: " + string(hash) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "web.yml"), []byte(web), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestExporterEndpointsOverTLSWithBasicAuth runs the binary with an
// exporter-toolkit web configuration: a certificate from a CA made here and
// a bcrypt-hashed user. Every endpoint, /-/reload included, needs both.
func TestExporterEndpointsOverTLSWithBasicAuth(t *testing.T) {
	bin := exporterBinary(t)
	dir := t.TempDir()
	ca := testpki.NewCA(t, "exporter-ca")
	server := ca.Server(t, "exporter", "127.0.0.1")
	cfg := filepath.Join(dir, "fleet.yml")
	os.WriteFile(cfg, []byte(fleetYAML("first")), 0o600)
	env := []string{"RF_BIN_TEST_PW=mgmt-pw"}

	t.Run("TLS and basic auth", func(t *testing.T) {
		writeWebConfig(t, dir, "  cert_file: "+server.CertFile+"\n  key_file: "+server.KeyFile+"\n")
		p := startExporter(t, bin, env, "--config.file", cfg, "--web.config.file", filepath.Join(dir, "web.yml"))
		base := "https://" + p.addr
		trusting := tlsClient(ca.Pool())
		p.waitUntil(t, "serving over TLS", func() bool {
			code, _, _ := call(trusting, "GET", base+"/-/healthy", "prometheus", "scrape-pw")
			return code == 200
		})

		ok := []struct{ method, path, want string }{
			{"GET", "/metrics", `rabbitfleet_up{cluster="first",region="test",role="gateway"} 0`},
			{"GET", "/probe?target=first", `rabbitfleet_up{cluster="first",region="test",role="gateway"} 0`},
			{"GET", "/", "rabbitfleet_exporter"},
			{"GET", "/-/healthy", "Healthy"},
			{"POST", "/-/reload", "configuration reloaded"},
		}
		for _, c := range ok {
			code, body, err := call(trusting, c.method, base+c.path, "prometheus", "scrape-pw")
			if err != nil || code != 200 || !strings.Contains(body, c.want) {
				t.Errorf("%s %s with credentials: %d %v, want 200 with %q; body:\n%.500s", c.method, c.path, code, err, c.want, body)
			}
			for _, cred := range [][2]string{{"", ""}, {"prometheus", "wrong"}, {"nobody", "scrape-pw"}} {
				code, body, err := call(trusting, c.method, base+c.path, cred[0], cred[1])
				if err != nil || code != http.StatusUnauthorized || strings.Contains(body, "rabbitfleet") {
					t.Errorf("%s %s as %q/%q: %d %v, want 401 and nothing else", c.method, c.path, cred[0], cred[1], code, err)
				}
			}
		}
		if code, _, err := call(trusting, "GET", base+"/-/reload", "prometheus", "scrape-pw"); err != nil || code != http.StatusMethodNotAllowed {
			t.Errorf("GET /-/reload: %d %v, want 405", code, err)
		}

		// Plain HTTP on the TLS port gets Go's canned 400, no metrics.
		code, body, err := call(http.DefaultClient, "GET", "http://"+p.addr+"/metrics", "prometheus", "scrape-pw")
		if err != nil || code != http.StatusBadRequest || body != "Client sent an HTTP request to an HTTPS server.\n" {
			t.Errorf("plain HTTP: %d %q %v, want 400 from the TLS listener", code, body, err)
		}
		// Clients that do not trust the CA refuse the certificate.
		other := testpki.NewCA(t, "other-ca")
		for name, client := range map[string]*http.Client{"system roots": tlsClient(nil), "another CA": tlsClient(other.Pool())} {
			_, _, err := call(client, "GET", base+"/metrics", "prometheus", "scrape-pw")
			var verr *tls.CertificateVerificationError
			if !errors.As(err, &verr) {
				t.Errorf("client trusting %s: err = %v, want a certificate verification error", name, err)
			}
		}
	})

	t.Run("mutual TLS", func(t *testing.T) {
		writeWebConfig(t, dir, "  cert_file: "+server.CertFile+"\n  key_file: "+server.KeyFile+"\n"+
			"  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: "+ca.CertFile+"\n")
		p := startExporter(t, bin, env, "--config.file", cfg, "--web.config.file", filepath.Join(dir, "web.yml"))
		base := "https://" + p.addr
		withCert := tlsClient(ca.Pool(), ca.Client(t, "prometheus").TLS)
		p.waitUntil(t, "serving over mutual TLS", func() bool {
			code, _, _ := call(withCert, "GET", base+"/-/healthy", "prometheus", "scrape-pw")
			return code == 200
		})
		if code, body, err := call(withCert, "GET", base+"/metrics", "prometheus", "scrape-pw"); err != nil || code != 200 || !strings.Contains(body, `rabbitfleet_up{cluster="first"`) {
			t.Errorf("client certificate and password: %d %v", code, err)
		}
		if code, _, err := call(withCert, "GET", base+"/metrics", "", ""); err != nil || code != http.StatusUnauthorized {
			t.Errorf("client certificate, no password: %d %v, want 401", code, err)
		}
		foreign := testpki.NewCA(t, "foreign-ca").Client(t, "intruder").TLS
		for name, client := range map[string]*http.Client{"no client certificate": tlsClient(ca.Pool()), "certificate of another CA": tlsClient(ca.Pool(), foreign)} {
			if code, _, err := call(client, "GET", base+"/metrics", "prometheus", "scrape-pw"); err == nil || !strings.Contains(err.Error(), "remote error: tls") {
				t.Errorf("%s: %d %v, want the handshake refused", name, code, err)
			}
		}
	})
}
