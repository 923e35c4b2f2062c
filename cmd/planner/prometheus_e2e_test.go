package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/planner/demo"
)

// The demo history, backfilled into a real Prometheus with promtool as the
// series the exporter really serves (its recorded exposition,
// testdata/exporter-exposition.prom), gives the same report through
// `--prometheus` as offline: the exporter's series go in, the planner's
// queries (rate() included) come back out. It runs on Prometheus 2 and 3,
// whose rate() windows differ (left-closed, left-open): the backfilled
// counters give the same rates on both (counterSamples).
func TestForecastFromRealPrometheus(t *testing.T) {
	releases := testsupport.PrometheusReleases(t)
	dir := t.TempDir()
	om := filepath.Join(dir, "demo.om")
	if err := os.WriteFile(om, backfill(t, readExposition(t), demo.History()), 0o600); err != nil {
		t.Fatal(err)
	}
	stopClock(t, demo.End.Add(42*time.Minute)) // the last full hour is the demo's end
	lat := demoLatency(t)
	ok(t, "", "forecast", "--latency", lat, "--out", filepath.Join(dir, "embedded"))
	want := testsupport.ReadDir(t, filepath.Join(dir, "embedded"))
	for name := range want {
		want[name] = bytes.ReplaceAll(want[name], []byte(`"kind": "snapshot"`), []byte(`"kind": "prometheus"`))
		want[name] = bytes.ReplaceAll(want[name], []byte("History: snapshot "), []byte("History: prometheus "))
	}
	for _, p := range releases {
		t.Run(p.Version, func(t *testing.T) {
			url := startBackfilled(t, p, om)
			out := filepath.Join(t.TempDir(), "prometheus")
			ok(t, "", "forecast", "--latency", lat, "--prometheus", url, "--out", out)
			assertSameBut(t, want, testsupport.ReadDir(t, out), "embedded demo history", url)
		})
	}
}

// startBackfilled backfills the OpenMetrics file om with the release's
// promtool, runs its Prometheus on those blocks until the test ends, and
// returns its URL once it is ready.
func startBackfilled(t *testing.T, p testsupport.Prometheus, om string) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	// Blocks of a year: with promtool's default of 2 hours, 400 days take minutes.
	if out, err := exec.Command(p.Promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=8760h",
		om, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool %s backfill: %v\n%s", p.Version, err, out)
	}
	return startPrometheus(t, p, "global: {}\n", data)
}

// startPrometheus runs the release's Prometheus with the configuration
// config on the TSDB directory data until the test ends, and returns its
// URL once it is ready.
func startPrometheus(t *testing.T, p testsupport.Prometheus, config, data string) string {
	t.Helper()
	addr := testsupport.FreeAddr(t)
	cfg := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs testsupport.Buffer
	cmd := exec.Command(p.Server, "--config.file="+cfg, "--storage.tsdb.path="+data,
		"--storage.tsdb.retention.time=20y", "--web.listen-address="+addr)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus %s log:\n%s", p.Version, logs.String())
		}
	})
	url := "http://" + addr
	testsupport.WaitHTTP(t, 60*time.Second, url+"/-/ready", nil)
	return url
}
