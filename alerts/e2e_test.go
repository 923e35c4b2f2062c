package alerts

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	promapi "github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"gopkg.in/yaml.v3"

	"github.com/rabbitfleet/rabbitfleet/dashboards"
	"github.com/rabbitfleet/rabbitfleet/internal/devicesim"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakeec2"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

// The end-to-end test runs the real chain on the testbed: the exporter
// binary scrapes the three clusters, Prometheus scrapes it and evaluates the
// shipped rules, Debian's Alertmanager routes the alerts with
// examples/alertmanager.yml to webhook receivers on the ports that file
// names. The whole chain runs once on each Prometheus release
// (testsupport.PrometheusReleases: Debian 12's 2.42, Debian sid's 3.5.3),
// one after the other, each with its own exporter, Alertmanager and
// receivers. Only durations are shortened (for:, keep_firing_for:, grouping),
// and the stuck-canary threshold (stuckThreshold), so that each fault fires
// and resolves within a minute or two.
//
// The exporter also runs a federation latency probe (gateway-eu's link from
// the backend) and EC2 discovery against a fake EC2 listing the testbed's
// clusters (which the static clusters of the same names win over) and one
// instance without a role tag, so that every dashboard panel has data.

const (
	testbedFleet    = "../examples/testbed.yml"
	pagerAddr       = "127.0.0.1:9095" // examples/alertmanager.yml's pager webhook
	ticketAddr      = "127.0.0.1:9096" // and its ticket webhook
	evalInterval    = 2 * time.Second
	shortFor        = "10s"
	shortKeepFiring = "20s"
	// stuckThreshold replaces the 60 s of the stuck-canary page: above the
	// ~25 s canaries wait while the "federation link down" fault is repaired,
	// and short enough to add under a minute to the run.
	stuckThreshold = "30"
	probeLink      = "gateway-eu"
)

func TestEndToEndAlertsOnTheTestbed(t *testing.T) {
	testbed.Require(t)
	releases := testsupport.PrometheusReleases(t)
	amBin := testsupport.Tool(t, "prometheus-alertmanager", "alertmanager")
	plannerAddr := servePlannerReport(t, t.TempDir())
	for _, p := range releases {
		t.Run(p.Version, func(t *testing.T) { endToEnd(t, p, amBin, plannerAddr) })
	}
}

// endToEnd runs the chain with Prometheus release p through the faults.
func endToEnd(t *testing.T, p testsupport.Prometheus, amBin, plannerAddr string) {
	dir := t.TempDir()
	pager := startWebhook(t, pagerAddr)
	startWebhook(t, ticketAddr)

	exporterAddr, scrapes := startScrapeRecorder(t, startExporterBinary(t, dir))
	amAddr := testsupport.FreeAddr(t)
	startDaemon(t, "alertmanager", "http://"+amAddr+"/-/ready", amBin,
		"--config.file="+writeFile(t, dir, "alertmanager.yml", shortGrouping(t)),
		"--storage.path="+filepath.Join(dir, "am"), "--web.listen-address="+amAddr, "--cluster.listen-address=")
	promAddr := testsupport.FreeAddr(t)
	rules := []string{
		writeFile(t, dir, "rules.yml", shortStuckThreshold(t, shortDurations(t, alertingRules))),
		writeFile(t, dir, "recording.yml", readFile(t, recordingRules)),
	}
	promConfig := fmt.Sprintf(`global: {scrape_interval: %[1]s, evaluation_interval: %[1]s, scrape_timeout: %[1]s}
rule_files: [%[2]q, %[3]q]
alerting:
  alertmanagers: [{static_configs: [{targets: [%[4]q]}]}]
scrape_configs:
  - job_name: rabbitfleet
    static_configs: [{targets: [%[5]q]}]
  - job_name: rabbitfleet-planner
    metrics_path: /planner.prom
    static_configs: [{targets: [%[6]q]}]
`, evalInterval, rules[0], rules[1], amAddr, exporterAddr, plannerAddr)
	startDaemon(t, "prometheus "+p.Version, "http://"+promAddr+"/-/ready", p.Server,
		"--config.file="+writeFile(t, dir, "prometheus.yml", promConfig),
		"--storage.tsdb.path="+filepath.Join(dir, "prom"), "--web.listen-address="+promAddr)
	prom := newPromClient(t, "http://"+promAddr)
	am := "http://" + amAddr
	start := time.Now()

	testsupport.Eventually(t, 90*time.Second, "Prometheus sees all three clusters up", func() (bool, string) {
		v := prom.query(`sum(rabbitfleet_up)`)
		return v == "3", "sum(rabbitfleet_up) = " + v
	})
	t.Logf("%5.1fs all three clusters up in Prometheus %s", time.Since(start).Seconds(), p.Version)
	t.Run("scrape format and bucket labels", func(t *testing.T) {
		scrapedAsServed(t, p, scrapes, prom)
	})
	// Telemetry up from a gateway and commands down from the backend, so
	// that the federation links' upstream queues have message counters.
	for _, api := range []string{"http://127.0.0.1:15673", "http://127.0.0.1:15672"} {
		for range 10 {
			managementRequest(t, http.MethodPost, api+"/api/exchanges/%2F/devices/publish",
				`{"properties":{},"routing_key":"telemetry.e2e","payload":"e2e","payload_encoding":"string"}`)
		}
	}
	if firing := prom.firing(`severity="critical"`); len(firing) > 0 {
		t.Fatalf("pages firing on the idle testbed before any fault: %v", firing)
	}

	// The devices of the first scenario stay connected to the end: closing
	// them would be another mass disconnection.
	sim := newSimulator(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// 1. Many devices drop at once on a gateway: the massive-reconnection signature.
	t.Run("connections dropped", func(t *testing.T) {
		if err := sim.Open(ctx, devicesim.MQTT, 300); err != nil {
			t.Fatal(err)
		}
		// Web apps too, so that the dashboards' STOMP panels have data.
		if err := sim.Open(ctx, devicesim.STOMP, 20); err != nil {
			t.Fatal(err)
		}
		testsupport.Eventually(t, 60*time.Second, "Prometheus sees the 320 devices", func() (bool, string) {
			v := prom.query(`rabbitfleet_cluster_objects{cluster="gateway-eu",kind="connections"}`)
			return atLeast(v, 320), "gateway-eu connections = " + v
		})
		dropped := time.Now()
		if err := sim.CloseAll(); err != nil {
			t.Fatal(err)
		}
		fires(t, prom, am, pager, "RabbitMQGatewayConnectionsDropped", "gateway-eu", dropped)
		// The devices come back: the alert resolves after keep_firing_for.
		back := time.Now()
		if err := sim.Open(ctx, devicesim.MQTT, 300); err != nil {
			t.Fatal(err)
		}
		if err := sim.Open(ctx, devicesim.STOMP, 20); err != nil {
			t.Fatal(err)
		}
		resolves(t, prom, am, pager, "RabbitMQGatewayConnectionsDropped", "gateway-eu", back)
	})

	// 2. A federation link breaks while both clusters answer: gateway-eu's
	// upstream to the backend gets a password the backend refuses.
	t.Run("federation link down", func(t *testing.T) {
		upstream := "/api/parameters/federation-upstream/%2F/backend"
		good := `{"value":{"uri":"amqp://guest:guest@127.0.0.1:5672","max-hops":1}}`
		broken := time.Now()
		managementRequest(t, http.MethodPut, "http://127.0.0.1:15673"+upstream, `{"value":{"uri":"amqp://guest:wrong@127.0.0.1:5672","max-hops":1}}`)
		t.Cleanup(func() { managementRequest(t, http.MethodPut, "http://127.0.0.1:15673"+upstream, good) })
		fires(t, prom, am, pager, "RabbitMQFederationLinkDown", "gateway-eu", broken)
		restored := time.Now()
		managementRequest(t, http.MethodPut, "http://127.0.0.1:15673"+upstream, good)
		resolves(t, prom, am, pager, "RabbitMQFederationLinkDown", "gateway-eu", restored)
		// The link's upstream queue goes with the old link: the probe's
		// canaries come back unroutable until the repaired link binds again.
		t.Logf("latency probe over the fault: %s canaries unroutable", prom.query(`sum(rabbitfleet_federation_probe_canaries_unroutable_total{cluster="gateway-eu"})`))
	})

	// 3. A whole gateway stops: the cluster-unreachable page, and the
	// backend's link from it is not reported as a second page.
	t.Run("gateway unreachable", func(t *testing.T) {
		stopped := time.Now()
		testbed.Script(t, "down", "gateway-us")
		t.Cleanup(func() { testbed.Script(t, "up", "gateway-us") })
		fires(t, prom, am, pager, "RabbitMQClusterUnreachable", "gateway-us", stopped)
		// The backend's link from gateway-us is in error by now, for longer
		// than the shortened for:, and must still not fire.
		testsupport.Eventually(t, 60*time.Second, "backend's link from gateway-us leaves running", func() (bool, string) {
			v := prom.query(`rabbitfleet_federation_link_status{cluster="backend",upstream_cluster="gateway-us",status="running"}`)
			return v == "0", "running = " + v
		})
		time.Sleep(15 * time.Second)
		if v := prom.query(`count(ALERTS{alertname="RabbitMQFederationLinkDown"})`); v != "" {
			t.Errorf("RabbitMQFederationLinkDown fired while its upstream cluster is unreachable (%s series)", v)
		}
		restarted := time.Now()
		testbed.Script(t, "up", "gateway-us")
		resolves(t, prom, am, pager, "RabbitMQClusterUnreachable", "gateway-us", restarted)
	})

	// 4. The link carrying commands to gateway-eu hangs while reporting
	// running (its process suspended, as a stuck downstream would leave it):
	// the latency probe's canaries stop arriving and page, and the lag page
	// about the same link is held back by Alertmanager.
	t.Run("federation link stuck", func(t *testing.T) {
		testsupport.Eventually(t, 30*time.Second, "the latency probe runs", func() (bool, string) {
			v := prom.query(`rabbitfleet_federation_probe_state{cluster="gateway-eu",state="running"}`)
			return v == "1", "running = " + v
		})
		// Losses are counted from here: the earlier faults restart the
		// link (and its upstream queue), which may really drop a canary.
		lostBefore := prom.query(`sum(rabbitfleet_federation_probe_canaries_lost_total{cluster="gateway-eu"})`)
		t.Logf("before the stuck link: %s", probeFigures(prom))
		stuck := time.Now()
		testbed.FederationLinks(t, probeLink, "suspend")
		resumed := false
		t.Cleanup(func() {
			if !resumed {
				testbed.FederationLinks(t, probeLink, "resume")
			}
		})
		fires(t, prom, am, pager, "RabbitMQFederationLatencyHigh", probeLink, stuck)
		// The lag estimate needs minutes of drain history to reach its page,
		// longer than this fault lasts: a LinkLagHigh page made of the link's
		// own lag series labels stands for it, and must be held back.
		lag := prom.vector(`rabbitfleet_federation_link_lag_seconds{cluster="gateway-eu",upstream="backend",exchange="devices"}`)
		if len(lag) != 1 {
			t.Fatalf("want one lag series of the probed link, got %v", lag)
		}
		labels := map[string]string{"alertname": "RabbitMQFederationLinkLagHigh", "severity": "critical"}
		for k, v := range lag[0].Metric {
			if k != model.MetricNameLabel {
				labels[string(k)] = string(v)
			}
		}
		postAlert(t, am, labels, time.Now().Add(time.Minute))
		testsupport.Eventually(t, 10*time.Second, "RabbitMQFederationLinkLagHigh of the stuck link held back in Alertmanager", func() (bool, string) {
			states := alertmanagerStates(t, am, "RabbitMQFederationLinkLagHigh", probeLink)
			return len(states) == 1 && states[0] == "suppressed", fmt.Sprintf("states %v", states)
		})
		postAlert(t, am, labels, time.Now()) // resolved: nothing was sent for it, nothing will be
		repaired := time.Now()
		testbed.FederationLinks(t, probeLink, "resume")
		resumed = true
		testsupport.Eventually(t, time.Minute, "the stuck canaries arrive", func() (bool, string) {
			v := prom.query(`max(rabbitfleet_federation_probe_oldest_in_flight_age_seconds{cluster="gateway-eu"})`)
			return v != "" && !atLeast(v, 5), "probe: " + probeFigures(prom)
		})
		t.Logf("%.0fs after the repair: %s", time.Since(repaired).Seconds(), probeFigures(prom))
		resolves(t, prom, am, pager, "RabbitMQFederationLatencyHigh", probeLink, repaired)
		if v := prom.query(`sum(rabbitfleet_federation_probe_canaries_lost_total{cluster="gateway-eu"})`); v != lostBefore {
			t.Errorf("canaries counted lost went from %s to %s over the stuck spell; a stuck link delays them, it does not lose them", lostBefore, v)
		}
	})

	t.Run("dashboard queries return data", func(t *testing.T) {
		dashboardQueriesReturnData(t, prom, start)
	})

	// Discovery finds an instance without a role tag the whole run: a ticket.
	if v := prom.query(`count(ALERTS{alertname="RabbitfleetDiscoverySkippingInstances",alertstate="firing",reason="missing_tag"})`); v != "1" {
		t.Errorf("RabbitfleetDiscoverySkippingInstances firing for %q series, want 1", v)
	}

	// Everything restored: nothing pages any more. (Warnings such as
	// connection churn look back further than this test's faults, and only
	// their for: was shortened, so they may still fire here.)
	testsupport.Eventually(t, 2*time.Minute, "no critical alert firing after the faults are repaired", func() (bool, string) {
		f := prom.firing(`severity="critical"`)
		return len(f) == 0, fmt.Sprintf("firing: %v", f)
	})
}

// fires waits until the alert's page (severity critical) fires in
// Prometheus, is active in Alertmanager, and its notification reaches the
// pager webhook; it logs how long each step took after the fault.
func fires(t *testing.T, prom *promClient, am string, pager *webhook, alert, cluster string, fault time.Time) {
	t.Helper()
	sel := fmt.Sprintf(`ALERTS{alertname=%q,cluster=%q,severity="critical",alertstate="firing"}`, alert, cluster)
	testsupport.Eventually(t, 3*time.Minute, alert+" fires in Prometheus", func() (bool, string) {
		v := prom.query(sel)
		return v == "1", sel + " = " + v
	})
	inProm := time.Since(fault)
	testsupport.Eventually(t, time.Minute, alert+" active in Alertmanager", func() (bool, string) {
		states := alertmanagerStates(t, am, alert, cluster)
		return len(states) > 0 && states[0] == "active", fmt.Sprintf("states %v", states)
	})
	inAM := time.Since(fault)
	testsupport.Eventually(t, time.Minute, alert+" paged", func() (bool, string) {
		return pager.saw(alert, cluster, "firing"), "pager received: " + pager.summary()
	})
	t.Logf("%s{cluster=%q}: firing in Prometheus %.0fs after the fault, active in Alertmanager %.0fs, paged %.0fs",
		alert, cluster, inProm.Seconds(), inAM.Seconds(), time.Since(fault).Seconds())
}

// resolves waits until the alert's page is gone from Prometheus and
// Alertmanager and the pager received its resolution.
func resolves(t *testing.T, prom *promClient, am string, pager *webhook, alert, cluster string, repair time.Time) {
	t.Helper()
	sel := fmt.Sprintf(`ALERTS{alertname=%q,cluster=%q,severity="critical"}`, alert, cluster)
	testsupport.Eventually(t, 3*time.Minute, alert+" resolves in Prometheus", func() (bool, string) {
		v := prom.query(sel)
		return v == "", sel + " = " + v
	})
	inProm := time.Since(repair)
	testsupport.Eventually(t, 2*time.Minute, alert+" resolution paged", func() (bool, string) {
		return pager.saw(alert, cluster, "resolved"), "pager received: " + pager.summary()
	})
	if states := alertmanagerStates(t, am, alert, cluster); len(states) > 0 {
		t.Errorf("%s still in Alertmanager after its resolution was sent: %v", alert, states)
	}
	t.Logf("%s{cluster=%q}: resolved in Prometheus %.0fs after the repair, resolution paged %.0fs",
		alert, cluster, inProm.Seconds(), time.Since(repair).Seconds())
}

// shortDurations is a rule file with every for: and keep_firing_for:
// shortened; expressions and thresholds stay as shipped.
func shortDurations(t *testing.T, path string) string {
	s := readFile(t, path)
	s = regexp.MustCompile(`(?m)^(\s+)for: \S+`).ReplaceAllString(s, "${1}for: "+shortFor)
	return regexp.MustCompile(`(?m)^(\s+)keep_firing_for: \S+`).ReplaceAllString(s, "${1}keep_firing_for: "+shortKeepFiring)
}

// probeFigures reads the latency probe's series of gateway-eu.
func probeFigures(prom *promClient) string {
	var out []string
	for _, m := range []string{"oldest_in_flight_age_seconds", "last_received_age_seconds", "canaries_sent_total",
		"canaries_received_total", "canaries_lost_total", "canaries_unroutable_total", "canaries_abandoned_total"} {
		out = append(out, m+"="+prom.query(`max(rabbitfleet_federation_probe_`+m+`{cluster="gateway-eu"})`))
	}
	for _, v := range prom.vector(`rabbitfleet_federation_probe_state{cluster="gateway-eu"} == 1`) {
		out = append(out, "state="+string(v.Metric["state"]))
	}
	return strings.Join(out, " ")
}

// shortStuckThreshold lowers the stuck-canary threshold of
// RabbitMQFederationLatencyHigh to stuckThreshold seconds.
func shortStuckThreshold(t *testing.T, rules string) string {
	t.Helper()
	const shipped = "rabbitfleet_federation_probe_oldest_in_flight_age_seconds > 60\n"
	if strings.Count(rules, shipped) != 1 {
		t.Fatalf("%s: want one %q to shorten", alertingRules, shipped)
	}
	return strings.Replace(rules, shipped, "rabbitfleet_federation_probe_oldest_in_flight_age_seconds > "+stuckThreshold+"\n", 1)
}

// shortGrouping is examples/alertmanager.yml with notifications grouped for
// seconds, not minutes; routes, receivers and inhibitions stay as shipped.
func shortGrouping(t *testing.T) string {
	s := readFile(t, alertmanagerConfig)
	for _, key := range []string{"group_wait", "group_interval"} {
		s = regexp.MustCompile(`(?m)^(\s+)`+key+`: \S+`).ReplaceAllString(s, "${1}"+key+": 2s")
	}
	return s
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startExporterBinary builds and runs cmd/rabbitfleet_exporter on the
// testbed's fleet with short refresh intervals.
func startExporterBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := testsupport.Binary(t, testsupport.Module+"/cmd/rabbitfleet_exporter")
	fleet := regexp.MustCompile(`refresh_interval: \S+`).ReplaceAllString(readFile(t, testbedFleet), "refresh_interval: 1s")
	fleet = withProbeAndDiscovery(t, fleet, startFakeEC2(t))
	addr := testsupport.FreeAddr(t)
	startDaemon(t, "exporter", "http://"+addr+"/-/healthy", bin,
		"--config.file="+writeFile(t, dir, "testbed.yml", fleet), "--web.listen-address="+addr)
	return addr
}

// withProbeAndDiscovery adds to the testbed's fleet the AMQP listeners of
// the backend and gateway-eu, a latency probe of gateway-eu's link from the
// backend (as exporter/canary's testbed test), and an EC2 discovery source.
func withProbeAndDiscovery(t *testing.T, fleet, ec2URL string) string {
	t.Helper()
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(fleet), &cfg); err != nil {
		t.Fatalf("%s: %v", testbedFleet, err)
	}
	amqp := map[string]string{"backend": "amqp://127.0.0.1:5672", probeLink: "amqp://127.0.0.1:5673"}
	clusters, _ := cfg["clusters"].([]any)
	found := 0
	for _, c := range clusters {
		c, _ := c.(map[string]any)
		name, _ := c["name"].(string)
		if url, ok := amqp[name]; ok {
			c["amqp_urls"] = []string{url}
			found++
		}
		if name == probeLink {
			fed, _ := c["federation"].(map[string]any)
			if fed == nil {
				t.Fatalf("%s: cluster %s has no federation block", testbedFleet, name)
			}
			fed["latency_probes"] = []map[string]string{{"upstream": "backend", "exchange": "devices", "interval": "1s", "timeout": "5s"}}
		}
	}
	if found != len(amqp) {
		t.Fatalf("%s: clusters backend and %s not both found", testbedFleet, probeLink)
	}
	cfg["discovery"] = map[string]any{
		"refresh_interval": "2s",
		"ec2": []map[string]any{{"region": "eu-west-1", "endpoint": ec2URL,
			"username": "guest", "password_env": "RABBITFLEET_TESTBED_PASSWORD"}},
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// startFakeEC2 serves the testbed's clusters as EC2 instances (told apart by
// their port tags, as cmd/rabbitfleet_exporter's discovery test does) and
// one instance without a role tag, and gives the exporter's AWS SDK static
// credentials and nothing else to look for.
func startFakeEC2(t *testing.T) string {
	t.Helper()
	ec2 := fakeec2.New(t)
	ec2.SetInstances(fakeec2.TestbedInstances()...)
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDRABBITFLEETE2E", "AWS_SECRET_ACCESS_KEY": "e2e-secret", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1",
	} {
		t.Setenv(k, v) // the exporter's environment: startDaemon passes the test's on
	}
	return ec2.URL
}

// startDaemon runs a server process until the test ends and waits until
// readyURL answers 200. Its output is shown when the test fails.
func startDaemon(t *testing.T, name, readyURL, bin string, args ...string) {
	t.Helper()
	var logs testsupport.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "RABBITFLEET_TESTBED_PASSWORD=guest")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("%s (%v) log (last 4 KB):\n%s", name, waitErr, logs.Tail(4096))
		}
	})
	testsupport.WaitHTTP(t, 30*time.Second, readyURL, exited)
}

// webhook records Alertmanager's notifications (webhook payload version 4).
type webhook struct {
	mu     sync.Mutex
	events []string // "alertname/cluster/status"
}

func startWebhook(t *testing.T, addr string) *webhook {
	t.Helper()
	w := &webhook{}
	serve(t, addr, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var msg struct {
			Alerts []struct {
				Status string            `json:"status"`
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		for _, a := range msg.Alerts {
			w.events = append(w.events, a.Labels["alertname"]+"/"+a.Labels["cluster"]+"/"+a.Status)
		}
		w.mu.Unlock()
	}))
	return w
}

func (w *webhook) saw(alert, cluster, status string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.events {
		if e == alert+"/"+cluster+"/"+status {
			return true
		}
	}
	return false
}

func (w *webhook) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.events, ", ")
}

// postAlert sends an alert to Alertmanager as Prometheus would, ending at endsAt.
func postAlert(t *testing.T, am string, labels map[string]string, endsAt time.Time) {
	t.Helper()
	b, _ := json.Marshal([]map[string]any{{"labels": labels, "endsAt": endsAt.UTC().Format(time.RFC3339)}})
	resp, err := http.Post(am+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v2/alerts: %s", resp.Status)
	}
}

// alertmanagerStates returns the states of the named page (severity
// critical) of a cluster in Alertmanager's API (active, suppressed,
// unprocessed). The warning of the same alert is not a page: with for:
// shortened it may fire when production durations would not let it (the
// latency probe's p99 after a stuck spell).
func alertmanagerStates(t *testing.T, am, alert, cluster string) []string {
	t.Helper()
	resp, err := http.Get(am + "/api/v2/alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var alerts []struct {
		Labels map[string]string `json:"labels"`
		Status struct {
			State string `json:"state"`
		} `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&alerts); err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, a := range alerts {
		if a.Labels["alertname"] == alert && a.Labels["cluster"] == cluster && a.Labels["severity"] == "critical" {
			states = append(states, a.Status.State)
		}
	}
	return states
}

type promClient struct {
	t   *testing.T
	api promv1.API
}

func newPromClient(t *testing.T, url string) *promClient {
	c, err := promapi.NewClient(promapi.Config{Address: url})
	if err != nil {
		t.Fatal(err)
	}
	return &promClient{t: t, api: promv1.NewAPI(c)}
}

// query returns an instant query's single value as text, "" when it
// returns nothing; more than one series is a test failure.
func (p *promClient) query(q string) string {
	p.t.Helper()
	v := p.vector(q)
	switch len(v) {
	case 0:
		return ""
	case 1:
		return v[0].Value.String()
	}
	p.t.Fatalf("%s: %d series, want at most 1: %v", q, len(v), v)
	return ""
}

func (p *promClient) vector(q string) model.Vector {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, _, _, err := p.api.Query(ctx, q, time.Now())
	if err != nil {
		p.t.Fatalf("query %s: %v", q, err)
	}
	v, ok := res.(model.Vector)
	if !ok {
		p.t.Fatalf("query %s: %s, want a vector", q, res.Type())
	}
	return v
}

// firing lists the alerts firing whose labels match the extra matchers, as
// alertname{cluster}.
func (p *promClient) firing(matchers string) []string {
	var out []string
	if matchers != "" {
		matchers = "," + matchers
	}
	for _, s := range p.vector(`ALERTS{alertstate="firing"` + matchers + `}`) {
		out = append(out, fmt.Sprintf("%s{%s}", s.Metric["alertname"], s.Metric["cluster"]))
	}
	return out
}

func atLeast(v string, n float64) bool {
	var f float64
	_, err := fmt.Sscan(v, &f)
	return err == nil && f >= n
}

func newSimulator(t *testing.T) *devicesim.Simulator {
	t.Helper()
	sim, err := devicesim.New(devicesim.Config{
		MQTTAddr: "127.0.0.1:1884", STOMPAddr: "127.0.0.1:61614",
		ClientPrefix: devicesim.RandomPrefix("e2e"), Subscribe: true, DialConcurrency: 25,
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.CloseAll() })
	return sim
}

func managementRequest(t *testing.T, method, url, body string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("guest", "guest")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: %s %s", method, url, resp.Status, b)
	}
}

// servePlannerReport runs `planner forecast` (the embedded demo fleet,
// whose cluster names the testbed shares) and serves its planner.prom as a
// scrape target, as node_exporter's textfile collector would: with the
// text format's Content-Type, without which Prometheus 3 fails the scrape.
// Go's file server would otherwise pick one from /etc/mime.types or the
// content, which depends on the machine.
func servePlannerReport(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "planner-report")
	if b, err := exec.Command("go", "run", "../cmd/planner", "forecast", "--out", out).CombinedOutput(); err != nil {
		t.Fatalf("planner forecast: %v\n%s", err, b)
	}
	files := http.FileServer(http.Dir(out))
	return serve(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		files.ServeHTTP(w, r)
	}))
}

// noDataExpected lists dashboard panels that rightly show nothing on a
// healthy testbed, with the reason.
var noDataExpected = map[string]string{}

// dashboardQueriesReturnData runs every query of dashboards/ against the
// Prometheus of the end-to-end run, over the whole run (so that panels about
// faults, such as link errors, see the faults above), and requires data from
// each.
func dashboardQueriesReturnData(t *testing.T, prom *promClient, since time.Time) {
	queries, err := dashboards.Queries()
	if err != nil {
		t.Fatal(err)
	}
	empty := 0
	for _, q := range queries {
		key := q.Dashboard + "/" + q.Panel + "/" + q.RefID
		n := prom.seriesOver(q.PromQL, since)
		if reason, ok := noDataExpected[key]; ok {
			if n > 0 {
				t.Logf("%s returned data although listed as empty (%s)", key, reason)
			}
			continue
		}
		if n == 0 {
			empty++
			t.Errorf("%s returned no data: %s", key, q.PromQL)
		}
	}
	t.Logf("%d dashboard queries run, %d without data, %d expected empty", len(queries), empty, len(noDataExpected))
}

// seriesOver runs a query as a range query from since to now and returns
// the number of series it returned.
func (p *promClient) seriesOver(q string, since time.Time) int {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, _, _, err := p.api.QueryRange(ctx, q, promv1.Range{Start: since, End: time.Now(), Step: evalInterval})
	if err != nil {
		p.t.Errorf("query %s: %v", q, err)
		return 0
	}
	if m, ok := res.(model.Matrix); ok {
		return len(m)
	}
	p.t.Errorf("query %s: %s, want a matrix", q, res.Type())
	return 0
}

// exporterContentType is the format the exporter answers both releases'
// scrapes in. Prometheus 3 offers OpenMetrics and the text format 1.0.0
// with UTF-8 names (escaping=allow-utf-8) before the text format 0.0.4,
// and fails a scrape whose Content-Type it does not know; client_golang's
// negotiation, without OpenMetrics enabled, serves only 0.0.4 (or
// protobuf, which neither release asks for by default), with names escaped
// to underscores, which leaves the exporter's names as they are.
const exporterContentType = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"

// probeBucketBounds is the le label of the latency probe's histogram
// (canary.LatencyBuckets) as each major release stores it: as the text
// format writes the bounds on 2, normalised to floats on 3 (le="1" is
// stored as le="1.0"), so a query matching a bound by value finds nothing
// on the other release.
var probeBucketBounds = map[int][]string{
	2: {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf"},
	3: {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0", "+Inf"},
}

// scrapedAsServed checks how Prometheus release p scraped the exporter:
// the format it was answered in, and the bucket bounds it stored.
func scrapedAsServed(t *testing.T, p testsupport.Prometheus, scrapes *scrapeRecorder, prom *promClient) {
	accept, contentType := scrapes.last()
	t.Logf("Prometheus %s asked for %q, the exporter answered %q", p.Version, accept, contentType)
	if contentType != exporterContentType {
		t.Errorf("the exporter answered Prometheus %s's scrape in %q, want %q", p.Version, contentType, exporterContentType)
	}
	want := probeBucketBounds[p.Major]
	testsupport.Eventually(t, 30*time.Second, "the latency probe's bucket bounds as stored", func() (bool, string) {
		var got []string
		for _, s := range prom.vector(`count by (le) (rabbitfleet_federation_probe_latency_seconds_bucket{cluster="gateway-eu"})`) {
			got = append(got, string(s.Metric["le"]))
		}
		slices.SortFunc(got, func(a, b string) int { return cmp.Compare(bound(a), bound(b)) })
		return slices.Equal(got, want), fmt.Sprintf("le %v, want %v", got, want)
	})
}

// bound is an le label's value as a number, for sorting.
func bound(le string) float64 {
	f, _ := strconv.ParseFloat(le, 64)
	return f
}

// scrapeRecorder is a reverse proxy between Prometheus and the exporter
// that keeps what the last scrape asked for and was answered in.
type scrapeRecorder struct {
	mu                  sync.Mutex
	accept, contentType string
}

// startScrapeRecorder serves a scrapeRecorder in front of target until the
// test ends and returns its address, for Prometheus to scrape.
func startScrapeRecorder(t *testing.T, target string) (string, *scrapeRecorder) {
	t.Helper()
	r := &scrapeRecorder{}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	proxy.ModifyResponse = func(resp *http.Response) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.accept, r.contentType = resp.Request.Header.Get("Accept"), resp.Header.Get("Content-Type")
		return nil
	}
	return serve(t, "127.0.0.1:0", proxy), r
}

func (r *scrapeRecorder) last() (accept, contentType string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accept, r.contentType
}

// serve serves h on addr (port 0: any free port) until the test ends and
// returns the address it listens on.
func serve(t *testing.T, addr string, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("serving on %s (taken by another process?): %v", addr, err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}
