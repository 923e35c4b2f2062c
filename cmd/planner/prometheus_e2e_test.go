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

// The demo history, backfilled into a real Prometheus (Debian's) with
// promtool as the series the exporter really serves (its recorded
// exposition, testdata/exporter-exposition.prom), gives the same report
// through `--prometheus` as offline: the exporter's series go in, the
// planner's queries (rate() included) come back out.
func TestForecastFromRealPrometheus(t *testing.T) {
	promtool, prometheus := testsupport.Tool(t, "promtool"), testsupport.Tool(t, "prometheus")
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
	addr := testsupport.FreeAddr(t)
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
	testsupport.WaitHTTP(t, 60*time.Second, url+"/-/ready", nil)

	stopClock(t, demo.End.Add(42*time.Minute)) // the last full hour is the demo's end
	lat := demoLatency(t)
	ok(t, "", "forecast", "--latency", lat, "--prometheus", url, "--out", filepath.Join(dir, "prometheus"))
	ok(t, "", "forecast", "--latency", lat, "--out", filepath.Join(dir, "embedded"))
	a, b := testsupport.ReadDir(t, filepath.Join(dir, "embedded")), testsupport.ReadDir(t, filepath.Join(dir, "prometheus"))
	for name := range a {
		a[name] = bytes.ReplaceAll(a[name], []byte(`"kind": "snapshot"`), []byte(`"kind": "prometheus"`))
		a[name] = bytes.ReplaceAll(a[name], []byte("History: snapshot "), []byte("History: prometheus "))
	}
	assertSameBut(t, a, b, "embedded demo history", url)
}
