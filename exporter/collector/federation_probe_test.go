package collector

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/rabbitfleet/rabbitfleet/exporter/canary"
	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

type fakeProbes map[string][]canary.Snapshot

func (f fakeProbes) Snapshots(downstream string) []canary.Snapshot { return f[downstream] }

// probePeers is a fleet of no other cluster that runs the given probes.
type probePeers struct{ probes LatencyProbes }

func (probePeers) Peer(string) *Scraper           { return nil }
func (p probePeers) LatencyProbes() LatencyProbes { return p.probes }

// updateOnly adapts one collector's Update to prometheus.Collector for testutil.
type updateOnly struct {
	c Collector
	t *Target
}

func (u updateOnly) Describe(chan<- *prometheus.Desc) {}
func (u updateOnly) Collect(ch chan<- prometheus.Metric) {
	if err := u.c.Update(context.Background(), u.t, ch); err != nil {
		panic(err)
	}
}

func TestFederationProbeCollectorExportsTheSnapshot(t *testing.T) {
	buckets := map[float64]uint64{}
	for _, le := range canary.LatencyBuckets {
		buckets[le] = 3
	}
	buckets[0.001], buckets[0.0025], buckets[0.005] = 0, 1, 2
	s := NewScraper(&config.Cluster{Name: "gw", Role: config.RoleGateway, Region: "eu"}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	peers := probePeers{fakeProbes{"gw": {{
		Downstream: "gw", Upstream: "central", UpstreamCluster: "backend", Vhost: "/", Exchange: "devices",
		State: canary.StateRunning, Sent: 6, Received: 3, Lost: 1, Unroutable: 0, Abandoned: 2,
		LastReceivedAge: 1500 * time.Millisecond, OldestInFlightAge: 20 * time.Second,
		LatencyCount: 3, LatencySum: 0.009, LatencyBuckets: buckets,
	}}}}
	link := `cluster="gw",exchange="devices",queue="",region="eu",role="gateway",type="exchange",upstream="central",upstream_cluster="backend",vhost="/"`
	state := func(st string) string {
		return strings.Replace(link, `role="gateway",`, `role="gateway",state="`+st+`",`, 1)
	}
	var hist strings.Builder
	for _, b := range []struct{ le, n string }{{"0.001", "0"}, {"0.0025", "1"}, {"0.005", "2"}, {"0.01", "3"}, {"0.025", "3"}, {"0.05", "3"},
		{"0.1", "3"}, {"0.25", "3"}, {"0.5", "3"}, {"1", "3"}, {"2.5", "3"}, {"5", "3"}, {"10", "3"}, {"30", "3"}, {"60", "3"}, {"+Inf", "3"}} {
		hist.WriteString(`rabbitfleet_federation_probe_latency_seconds_bucket{` + link + `,le="` + b.le + `"} ` + b.n + "\n")
	}
	want := `# HELP rabbitfleet_federation_probe_canaries_abandoned_total Canaries in flight when the probe reconnected or paused, overtaken by a later session's canary and never seen: the probe's own queue dropped them, not the link.
# TYPE rabbitfleet_federation_probe_canaries_abandoned_total counter
rabbitfleet_federation_probe_canaries_abandoned_total{` + link + `} 2
# HELP rabbitfleet_federation_probe_canaries_lost_total Canaries that never arrived: a later canary arrived first and the probe timeout passed.
# TYPE rabbitfleet_federation_probe_canaries_lost_total counter
rabbitfleet_federation_probe_canaries_lost_total{` + link + `} 1
# HELP rabbitfleet_federation_probe_canaries_received_total Canaries received on this cluster.
# TYPE rabbitfleet_federation_probe_canaries_received_total counter
rabbitfleet_federation_probe_canaries_received_total{` + link + `} 3
# HELP rabbitfleet_federation_probe_canaries_sent_total Canaries published into the exchange on the upstream cluster.
# TYPE rabbitfleet_federation_probe_canaries_sent_total counter
rabbitfleet_federation_probe_canaries_sent_total{` + link + `} 6
# HELP rabbitfleet_federation_probe_canaries_unroutable_total Canaries the upstream cluster routed nowhere (returned): the link's binding was not on the upstream exchange.
# TYPE rabbitfleet_federation_probe_canaries_unroutable_total counter
rabbitfleet_federation_probe_canaries_unroutable_total{` + link + `} 0
# HELP rabbitfleet_federation_probe_last_received_age_seconds Seconds since the last canary arrived (since the probe started, while none has).
# TYPE rabbitfleet_federation_probe_last_received_age_seconds gauge
rabbitfleet_federation_probe_last_received_age_seconds{` + link + `} 1.5
# HELP rabbitfleet_federation_probe_latency_seconds Time from publishing a canary into the exchange on the upstream cluster to receiving it from the same exchange on this (downstream) cluster.
# TYPE rabbitfleet_federation_probe_latency_seconds histogram
` + hist.String() + `rabbitfleet_federation_probe_latency_seconds_sum{` + link + `} 0.009
rabbitfleet_federation_probe_latency_seconds_count{` + link + `} 3
# HELP rabbitfleet_federation_probe_oldest_in_flight_age_seconds Age of the oldest canary sent and not yet received: the link's lag while it is stuck. 0 when none is in flight.
# TYPE rabbitfleet_federation_probe_oldest_in_flight_age_seconds gauge
rabbitfleet_federation_probe_oldest_in_flight_age_seconds{` + link + `} 20
# HELP rabbitfleet_federation_probe_state 1 for the latency probe's current state, 0 for the others: connecting, running, backoff (retrying after an AMQP error), paused (a cluster at either end is unreachable, so the probe holds no connection).
# TYPE rabbitfleet_federation_probe_state gauge
rabbitfleet_federation_probe_state{` + state("backoff") + `} 0
rabbitfleet_federation_probe_state{` + state("connecting") + `} 0
rabbitfleet_federation_probe_state{` + state("paused") + `} 0
rabbitfleet_federation_probe_state{` + state("running") + `} 1
`
	if got := exposition(t, &Target{Scraper: s, peers: peers}); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	// A cluster that is no probe's downstream exports nothing.
	other := NewScraper(&config.Cluster{Name: "backend", Role: config.RoleBackend, Region: "eu"}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if got := exposition(t, &Target{Scraper: other, peers: peers}); got != "" {
		t.Errorf("a cluster without probes exports:\n%s", got)
	}
}

// exposition renders what the collector sends, as /metrics would.
func exposition(t *testing.T, target *Target) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(updateOnly{c: federationProbeCollector{}, t: target})
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}
