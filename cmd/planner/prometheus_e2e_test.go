package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/demo"
)

// The demo history, backfilled into a real Prometheus (Debian's) with
// promtool as the series the exporter really serves (its recorded
// exposition, testdata/exporter-exposition.prom), gives the same report
// through `--prometheus` as offline: the exporter's series go in, the
// planner's queries (rate() included) come back out.
func TestForecastFromRealPrometheus(t *testing.T) {
	promtool, prometheus := lookPath(t, "promtool"), lookPath(t, "prometheus")
	dir := t.TempDir()
	om := backfill(t, readExposition(t), demo.History())
	omFile := filepath.Join(dir, "demo.om")
	if err := os.WriteFile(omFile, om, 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	// Blocks of a year: with promtool's default of 2 hours, 400 days take minutes.
	if out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=8760h",
		omFile, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool backfill: %v\n%s", err, out)
	}
	addr := freeLocalAddr(t)
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(prometheus, "--config.file="+cfg, "--storage.tsdb.path="+data,
		"--storage.tsdb.retention.time=20y", "--web.listen-address="+addr)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", logs.String())
		}
	})
	url := "http://" + addr
	waitHTTP(t, url+"/-/ready")

	stopClock(t, demo.End.Add(42*time.Minute)) // the last full hour is the demo's end
	lat := demoLatency(t)
	ok(t, "", "forecast", "--latency", lat, "--prometheus", url, "--out", filepath.Join(dir, "prometheus"))
	ok(t, "", "forecast", "--latency", lat, "--out", filepath.Join(dir, "embedded"))
	a, b := readDir(t, filepath.Join(dir, "embedded")), readDir(t, filepath.Join(dir, "prometheus"))
	for name := range a {
		a[name] = bytes.ReplaceAll(a[name], []byte(`"kind": "snapshot"`), []byte(`"kind": "prometheus"`))
		a[name] = bytes.ReplaceAll(a[name], []byte("History: snapshot "), []byte("History: prometheus "))
	}
	assertSameBut(t, a, b, "embedded demo history", url)
}

func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: run scripts/install-prometheus (as root), which installs Debian's prometheus package", name)
	}
	return p
}

func freeLocalAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitHTTP(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s not ready within 60 s", url)
}
