package config

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

const probeFleet = `
clusters:
  - name: backend
    role: backend
    region: r
    management_urls: [http://b:15672]
    amqp_urls: [amqp://b:5672]
  - name: gw
    role: gateway
    region: r
    management_urls: [http://g:15672]
    amqp_urls: [amqps://g1:5671, 'amqp://g2:5672/']
    federation:
      upstream_clusters: {central: backend}
      latency_probes:
`

func TestLatencyProbeDefaultsAndResolution(t *testing.T) {
	cfg, err := Parse([]byte(probeFleet + `        - {upstream: central, exchange: devices}
        - {upstream: central, exchange: devices, vhost: other, interval: 1s, timeout: 3s}
`))
	if err != nil {
		t.Fatal(err)
	}
	gw := cfg.Cluster("gw")
	got := gw.Federation.LatencyProbes
	want := []LatencyProbe{
		{Upstream: "central", Vhost: "/", Exchange: "devices", Interval: modelSeconds(5), Timeout: modelSeconds(10)},
		{Upstream: "central", Vhost: "other", Exchange: "devices", Interval: modelSeconds(1), Timeout: modelSeconds(3)},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("probes = %+v, want %+v", got, want)
	}
	if up := gw.Federation.UpstreamCluster(got[0].Upstream); up != "backend" {
		t.Errorf("upstream resolves to %q, want backend", up)
	}
	if len(gw.AMQPURLs) != 2 || gw.AMQPURLs[0] != "amqps://g1:5671" {
		t.Errorf("amqp_urls = %v", gw.AMQPURLs)
	}
}

func TestInvalidLatencyProbesNameTheProblem(t *testing.T) {
	backendWithoutAMQP := strings.Replace(probeFleet, "    amqp_urls: [amqp://b:5672]\n", "", 1)
	cases := []parseErrorCase{
		{"no upstream", probeFleet + "        - {exchange: devices}\n", "clusters[1] (gw): federation.latency_probes[0]: upstream is required"},
		{"no exchange", probeFleet + "        - {upstream: central}\n", "clusters[1] (gw): federation.latency_probes[0]: exchange is required"},
		{"wildcard upstream", probeFleet + "        - {upstream: 'a#', exchange: devices}\n", `latency_probes[0]: upstream "a#": use letters`},
		{"unknown upstream", probeFleet + "        - {upstream: elsewhere, exchange: devices}\n", `clusters[1] (gw): federation.latency_probes[0]: upstream "elsewhere" is not a configured cluster`},
		{"self", probeFleet + "        - {upstream: gw, exchange: devices}\n", `upstream "gw" resolves to this cluster itself`},
		{"upstream without amqp_urls", backendWithoutAMQP + "        - {upstream: central, exchange: devices}\n", `clusters[1] (gw): federation.latency_probes[0]: amqp_urls is required on cluster "backend" (the probe's upstream end)`},
		{"downstream without amqp_urls", strings.Replace(probeFleet, "    amqp_urls: [amqps://g1:5671, 'amqp://g2:5672/']\n", "", 1) + "        - {upstream: central, exchange: devices}\n",
			"clusters[1] (gw): federation.latency_probes[0]: amqp_urls is required on this cluster"},
		{"duplicate", probeFleet + "        - {upstream: central, exchange: devices}\n        - {upstream: central, exchange: devices, vhost: /}\n", `latency_probes[1]: a probe of upstream "central", vhost "/", exchange "devices" is already configured`},
		{"tiny interval", probeFleet + "        - {upstream: central, exchange: devices, interval: 1ms}\n", "latency_probes[0]: interval 1ms: must be at least 100ms"},
		{"unknown field", probeFleet + "        - {upstream: central, exchange: devices, intervall: 1s}\n", "field intervall not found"},
		{"in defaults", "defaults: {federation: {latency_probes: [{upstream: central, exchange: devices}]}}\n" + probeFleet + "        []\n", "latency_probes belong to each cluster"},
		{"http amqp url", strings.Replace(probeFleet, "amqp://b:5672", "http://b:5672", 1), `clusters[0] (backend): amqp_urls[0]: "http://b:5672" is not an amqp(s) URL`},
		{"credentials in amqp url", strings.Replace(probeFleet, "amqp://b:5672", "amqp://u:hunter2@b:5672", 1), "clusters[0] (backend): amqp_urls[0]: credentials in the URL are not allowed"},
		{"vhost in amqp url", strings.Replace(probeFleet, "amqp://b:5672", "amqp://b:5672/prod", 1), "amqp_urls[0]: leave the vhost out of the URL"},
	}
	expectParseErrors(t, cases)
}

func modelSeconds(n int) model.Duration { return model.Duration(time.Duration(n) * time.Second) }
