package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"golang.org/x/crypto/bcrypt"
)

// exporterBinary is cmd/rabbitfleet_exporter, built once per test run.
func exporterBinary(t *testing.T) string {
	t.Helper()
	return testsupport.Binary(t, testsupport.Module+"/cmd/rabbitfleet_exporter")
}

// These tests run the real binary: flags, exit codes, the exporter-toolkit
// web configuration and reload on SIGHUP.

func fleetYAML(names ...string) string {
	var b strings.Builder
	b.WriteString("clusters:\n")
	for _, n := range names {
		// Port 9 (discard) on loopback: nothing answers, the cluster is down.
		fmt.Fprintf(&b, "  - {name: %s, role: gateway, region: test, management_urls: ['http://127.0.0.1:9'], password_env: RF_BIN_TEST_PW, timeout: 1s}\n", n)
	}
	return b.String()
}

func TestConfigCheckNamesTheProblem(t *testing.T) {
	bin := exporterBinary(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	os.WriteFile(bad, []byte("clusters:\n  - name: a\n    surprise: 1\n"), 0o600)
	out, err := exec.Command(bin, "--config.file", bad, "--config.check").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "line 3: field surprise not found") {
		t.Errorf("bad config: err=%v output=%q", err, out)
	}
	good := filepath.Join(dir, "good.yml")
	os.WriteFile(good, []byte(fleetYAML("a", "b")), 0o600)
	out, err = exec.Command(bin, "--config.file", good, "--config.check").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "configuration OK: 2 clusters") {
		t.Errorf("good config: err=%v output=%q", err, out)
	}
	out, err = exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "rabbitfleet_exporter, version") {
		t.Errorf("--version: err=%v output=%q", err, out)
	}
}

func TestBinaryServesWithBasicAuthAndReloadsOnSIGHUP(t *testing.T) {
	bin := exporterBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fleet.yml")
	os.WriteFile(cfg, []byte(fleetYAML("first")), 0o600)
	hash, _ := bcrypt.GenerateFromPassword([]byte("scrape-pw"), bcrypt.MinCost)
	web := filepath.Join(dir, "web.yml")
	os.WriteFile(web, []byte("basic_auth_users:\n  prometheus: "+string(hash)+"\n"), 0o600)
	addr := testsupport.FreeAddr(t)

	cmd := exec.Command(bin, "--config.file", cfg, "--web.config.file", web, "--web.listen-address", addr, "--log.level", "debug")
	cmd.Env = append(os.Environ(), "RF_BIN_TEST_PW=mgmt-password-never-shown")
	logs := &testsupport.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	get := func(user, pw string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
		if user != "" {
			req.SetBasicAuth(user, pw)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		testsupport.Eventually(t, 15*time.Second, what, func() (bool, string) { return ok(), "logs:\n" + logs.String() })
	}
	waitFor("listening", func() bool { code, _ := get("prometheus", "scrape-pw"); return code == 200 })
	if code, _ := get("", ""); code != http.StatusUnauthorized {
		t.Errorf("no credentials: status %d, want 401", code)
	}
	if code, _ := get("prometheus", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", code)
	}
	_, body := get("prometheus", "scrape-pw")
	if !strings.Contains(body, `rabbitfleet_up{cluster="first",region="test",role="gateway"} 0`) {
		t.Errorf("want first cluster down in:\n%.2000s", body)
	}

	// An invalid file is refused on SIGHUP; the running configuration stays.
	os.WriteFile(cfg, []byte("clusters: [}\n"), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor("failed reload counted", func() bool {
		_, body := get("prometheus", "scrape-pw")
		return strings.Contains(body, `rabbitfleet_exporter_config_reloads_total{outcome="failure"} 1`)
	})
	_, body = get("prometheus", "scrape-pw")
	if !strings.Contains(body, `cluster="first"`) || !strings.Contains(body, "rabbitfleet_exporter_config_last_reload_successful 0") {
		t.Error("old configuration not kept after a bad reload")
	}

	os.WriteFile(cfg, []byte(fleetYAML("second", "third")), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor("good reload applied", func() bool {
		_, body := get("prometheus", "scrape-pw")
		return strings.Contains(body, `rabbitfleet_up{cluster="third"`) && !strings.Contains(body, `cluster="first"`)
	})
	if strings.Contains(logs.String()+body, "mgmt-password-never-shown") {
		t.Error("the management password appears in logs or metrics")
	}
}

// Checking a configuration with discovery must not need AWS: the endpoint
// here answers nothing, and the check still passes.
func TestConfigCheckWithDiscoveryDoesNotCallAWS(t *testing.T) {
	bin := exporterBinary(t)
	cfg := filepath.Join(t.TempDir(), "discovery.yml")
	os.WriteFile(cfg, []byte("discovery: {ec2: [{region: eu-west-1, endpoint: 'http://127.0.0.1:9'}]}\n"), 0o600)
	cmd := exec.Command(bin, "--config.file", cfg, "--config.check")
	cmd.Env = append(os.Environ(), "AWS_EC2_METADATA_DISABLED=true")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "configuration OK: 0 clusters, 1 discovery sources") || strings.Contains(string(out), "discovery failed") {
		t.Errorf("err=%v output=%q", err, out)
	}
}
