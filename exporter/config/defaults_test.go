package config

import (
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

// TestAllDefaultsAreTheDocumentedOnes pins every default to the figure
// README.md's Configuration table gives, written out rather than taken from
// the constants, so that changing one is a visible decision.
func TestAllDefaultsAreTheDocumentedOnes(t *testing.T) {
	cfg, err := Parse([]byte(probeFleet + "        - {upstream: central, exchange: devices}\n"))
	if err != nil {
		t.Fatal(err)
	}
	cl := cfg.Cluster("gw")
	s := func(n float64) model.Duration { return model.Duration(n * float64(time.Second)) }
	for _, c := range []struct {
		field     string
		got, want any
	}{
		{"username", cl.Username, "guest"},
		{"timeout", cl.Timeout, s(10)},
		{"max_response_bytes", cl.MaxResponseBytes, int64(268435456)},
		{"min_interval", *cl.MinInterval, s(5)},
		{"circuit_breaker.initial_backoff", cl.CircuitBreaker.InitialBackoff, s(5)},
		{"circuit_breaker.max_backoff", cl.CircuitBreaker.MaxBackoff, s(15)},
		{"queues.top_n", cl.Queues.TopN, 20},
		{"queues.refresh_interval", cl.Queues.RefreshInterval, s(240)},
		{"connections.refresh_interval", cl.Connections.RefreshInterval, s(120)},
		{"federation.refresh_interval", cl.Federation.RefreshInterval, s(240)},
		{"queues.max_refresh_interval", cl.Queues.MaxRefreshInterval, s(960)},
		{"connections.max_refresh_interval", cl.Connections.MaxRefreshInterval, s(480)},
		{"federation.max_refresh_interval", cl.Federation.MaxRefreshInterval, s(960)},
		{"queues.max_busy_share", cl.Queues.MaxBusyShare, 0.003},
		{"connections.max_busy_share", cl.Connections.MaxBusyShare, 0.003},
		{"federation.max_busy_share", cl.Federation.MaxBusyShare, 0.003},
		{"federation.latency_probes[].vhost", cl.Federation.LatencyProbes[0].Vhost, "/"},
		{"federation.latency_probes[].interval", cl.Federation.LatencyProbes[0].Interval, s(5)},
		{"federation.latency_probes[].timeout", cl.Federation.LatencyProbes[0].Timeout, s(10)},
		{"password_file", cl.PasswordFile, ""},
		{"password_env", cl.PasswordEnv, ""},
		{"tls_config.insecure_skip_verify", cl.TLS.InsecureSkipVerify, false},
		{"figures_from", cl.FiguresFrom, FiguresAuto},
		{"prometheus_basic_auth", *cl.PrometheusBasicAuth, false},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
}

// TestZeroThatMeansSomethingIsKept: min_interval 0s turns sharing off and
// top_n -1 disables, so neither may be taken for unset, in a cluster or in
// the defaults block.
func TestZeroThatMeansSomethingIsKept(t *testing.T) {
	cfg, err := Parse([]byte(`
defaults:
  min_interval: 0s
  queues: {top_n: -1}
clusters:
  - {name: a, role: backend, region: r, management_urls: ['http://a:15672']}
  - {name: b, role: backend, region: r, management_urls: ['http://b:15672'], min_interval: 2s, queues: {top_n: 3}}
  - {name: c, role: backend, region: r, management_urls: ['http://c:15672'], min_interval: 0s}
`))
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := cfg.Cluster("a"), cfg.Cluster("b"), cfg.Cluster("c")
	if *a.MinInterval != 0 || a.Queues.TopN != -1 {
		t.Errorf("a: min_interval %v, top_n %d; want the defaults block's 0s and -1", *a.MinInterval, a.Queues.TopN)
	}
	if *b.MinInterval != model.Duration(2*time.Second) || b.Queues.TopN != 3 {
		t.Errorf("b: min_interval %v, top_n %d; want its own 2s and 3", *b.MinInterval, b.Queues.TopN)
	}
	if *c.MinInterval != 0 {
		t.Errorf("c: min_interval %v; want its own 0s", *c.MinInterval)
	}
}
