package main

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakeec2"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

// The discovery end-to-end test runs the real chain on the testbed: a fake
// EC2 lists the three testbed clusters (127.0.0.1, told apart by their port
// tags), two exporter replicas discover them, and Debian's Prometheus finds
// the clusters through the replicas' /discovery/targets and shards them
// between the replicas with the README's hashmod relabelling.

const e2eReplicas = 2

func TestEndToEndDiscoveryShardedAcrossReplicas(t *testing.T) {
	testbed.Require(t)
	promBin := testsupport.Tool(t, "prometheus")
	start := time.Now()
	dir := t.TempDir()

	ec2 := fakeec2.New(t)
	// The testbed's clusters, and one instance without a role tag: skipped
	// and counted, the rest unaffected.
	ec2.SetInstances(fakeec2.TestbedInstances()...)
	cfg := filepath.Join(dir, "fleet.yml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`
discovery:
  refresh_interval: 2s
  ec2:
    - region: eu-west-1
      endpoint: %s
      username: guest
      password_env: RABBITFLEET_TESTBED_PASSWORD
      timeout: 5s
`, ec2.URL)), 0o600)

	bin := exporterBinary(t)
	var replicas []string
	for i := range e2eReplicas {
		addr := testsupport.FreeAddr(t)
		startProcess(t, fmt.Sprintf("exporter-%d", i), "http://"+addr+"/-/healthy", bin, "--config.file", cfg, "--web.listen-address", addr)
		replicas = append(replicas, addr)
	}
	for _, r := range replicas {
		testsupport.Eventually(t, 20*time.Second, r+" discovers the three clusters", func() (bool, string) {
			body := get(t, "http://"+r+"/discovery/targets")
			return strings.Count(body, `"targets"`) == 3, body
		})
	}

	// The README's sharded scrape configuration, with these replicas.
	var sd, shards strings.Builder
	for i, r := range replicas {
		fmt.Fprintf(&sd, "      - {url: 'http://%s/discovery/targets', refresh_interval: 2s}\n", r)
		fmt.Fprintf(&shards, "      - {source_labels: [__tmp_shard], regex: '%d', target_label: __address__, replacement: '%s'}\n", i, r)
	}
	promAddr := testsupport.FreeAddr(t)
	promCfg := filepath.Join(dir, "prometheus.yml")
	os.WriteFile(promCfg, []byte(fmt.Sprintf(`global: {scrape_interval: 2s, scrape_timeout: 2s}
scrape_configs:
  - job_name: rabbitfleet
    metrics_path: /probe
    http_sd_configs:
%s    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__address__], target_label: instance}
      - {source_labels: [__address__], modulus: %d, target_label: __tmp_shard, action: hashmod}
%s  - job_name: rabbitfleet-exporter
    metrics_path: /exporter-metrics
    static_configs: [{targets: ['%s']}]
`, sd.String(), e2eReplicas, shards.String(), strings.Join(replicas, "', '"))), 0o600)
	startProcess(t, "prometheus", "http://"+promAddr+"/-/ready", promBin,
		"--config.file="+promCfg, "--storage.tsdb.path="+filepath.Join(dir, "prom"), "--web.listen-address="+promAddr)
	prom := "http://" + promAddr

	wantUp := []string{
		`{cluster="backend", region="eu-west-1", role="backend"} 1`,
		`{cluster="gateway-eu", region="eu-west-1", role="gateway"} 1`,
		`{cluster="gateway-us", region="us-east-1", role="gateway"} 1`,
	}
	testsupport.Eventually(t, 40*time.Second, "Prometheus scrapes the three clusters up", func() (bool, string) {
		got := promQuery(t, prom, `max by (cluster, role, region) (rabbitfleet_up{job="rabbitfleet"})`)
		return reflect.DeepEqual(got, wantUp), fmt.Sprint(got)
	})

	// Each cluster is one target, on the replica its hashmod share names.
	targets := activeTargets(t, prom, "rabbitfleet")
	var wantTargets []string
	for _, c := range []string{"backend", "gateway-eu", "gateway-us"} {
		wantTargets = append(wantTargets, fmt.Sprintf("%s via %s up", c, replicas[shardOf(c, e2eReplicas)]))
	}
	if !reflect.DeepEqual(targets, wantTargets) {
		t.Errorf("targets of job rabbitfleet:\n%q\nwant\n%q", targets, wantTargets)
	}
	// And each replica read the management API of its own share only: every
	// cluster's /api/overview was read by exactly one replica.
	var wantReaders []string
	for _, c := range []string{"backend", "gateway-eu", "gateway-us"} {
		wantReaders = append(wantReaders, fmt.Sprintf(`{cluster=%q, instance=%q} 1`, c, replicas[shardOf(c, e2eReplicas)]))
	}
	testsupport.Eventually(t, 20*time.Second, "each cluster read by its replica only", func() (bool, string) {
		got := promQuery(t, prom, `count by (cluster, instance) (rabbitfleet_management_requests_total{job="rabbitfleet-exporter", endpoint="/api/overview"} > 0)`)
		return reflect.DeepEqual(got, wantReaders), fmt.Sprint(got)
	})
	for _, q := range []struct{ query, want string }{
		{`sum(rabbitfleet_discovery_clusters)`, fmt.Sprintf("{} %d", 3*e2eReplicas)},
		{`sum(rabbitfleet_discovery_skipped_instances{reason="missing_tag"})`, fmt.Sprintf("{} %d", e2eReplicas)},
		{`sum(rabbitfleet_discovery_refreshes_total{outcome="failure"})`, "{} 0"},
	} {
		if got := promQuery(t, prom, q.query); len(got) != 1 || got[0] != q.want {
			t.Errorf("%s = %v, want %s", q.query, got, q.want)
		}
	}
	t.Logf("%.1fs from start to every assertion", time.Since(start).Seconds())
}

// shardOf is Prometheus's hashmod: the low 8 bytes of the MD5 of the value.
func shardOf(value string, modulus uint64) int {
	sum := md5.Sum([]byte(value))
	return int(binary.BigEndian.Uint64(sum[8:]) % modulus)
}

// startProcess runs a server until the test ends, once url answers 200.
func startProcess(t *testing.T, name, readyURL, bin string, args ...string) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "RABBITFLEET_TESTBED_PASSWORD=guest",
		"AWS_ACCESS_KEY_ID=AKIDRABBITFLEETE2E", "AWS_SECRET_ACCESS_KEY=e2e-secret-never-logged", "AWS_SESSION_TOKEN=",
		"AWS_PROFILE=", "AWS_CONFIG_FILE="+none, "AWS_SHARED_CREDENTIALS_FILE="+none, "AWS_EC2_METADATA_DISABLED=true")
	logs := &testsupport.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if strings.Contains(logs.String(), "e2e-secret-never-logged") {
			t.Errorf("%s logged the AWS secret key", name)
		}
		if t.Failed() {
			t.Logf("%s log:\n%s", name, logs.Tail(4096))
		}
	})
	testsupport.WaitHTTP(t, 30*time.Second, readyURL, nil)
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// promQuery returns an instant vector as sorted `{labels} value` lines,
// labels sorted by name.
func promQuery(t *testing.T, prom, query string) []string {
	t.Helper()
	var resp struct {
		Status string
		Data   struct {
			Result []struct {
				Metric map[string]string
				Value  [2]any
			}
		}
	}
	if err := json.Unmarshal([]byte(get(t, prom+"/api/v1/query?query="+url.QueryEscape(query))), &resp); err != nil || resp.Status != "success" {
		t.Fatalf("query %s: %v %+v", query, err, resp)
	}
	var lines []string
	for _, r := range resp.Data.Result {
		var labels []string
		for k, v := range r.Metric {
			labels = append(labels, fmt.Sprintf("%s=%q", k, v))
		}
		sort.Strings(labels)
		lines = append(lines, fmt.Sprintf("{%s} %v", strings.Join(labels, ", "), r.Value[1]))
	}
	sort.Strings(lines)
	return lines
}

// activeTargets lists a job's targets as "<cluster> via <replica> <health>", sorted.
func activeTargets(t *testing.T, prom, job string) []string {
	t.Helper()
	var resp struct {
		Data struct {
			ActiveTargets []struct {
				Labels    map[string]string
				ScrapeURL string
				Health    string
			}
		}
	}
	if err := json.Unmarshal([]byte(get(t, prom+"/api/v1/targets?state=active")), &resp); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tg := range resp.Data.ActiveTargets {
		if tg.Labels["job"] != job {
			continue
		}
		u, err := url.Parse(tg.ScrapeURL)
		if err != nil {
			t.Fatal(err)
		}
		if u.Query().Get("target") != tg.Labels["instance"] {
			t.Errorf("target %s probes %q", tg.Labels["instance"], u.Query().Get("target"))
		}
		out = append(out, fmt.Sprintf("%s via %s %s", tg.Labels["instance"], u.Host, tg.Health))
	}
	sort.Strings(out)
	return out
}
