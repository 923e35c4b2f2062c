package config

import (
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/prometheus/common/model"
)

// LatencyProbe measures one exchange federation link end to end: canary
// messages are published into the exchange on the upstream cluster and
// received from the same exchange on this (downstream) cluster.
type LatencyProbe struct {
	// Upstream is the federation-upstream name on this cluster; it resolves
	// to a configured cluster through federation.upstream_clusters.
	Upstream string `yaml:"upstream"`
	// Vhost and Exchange name the federated exchange, the same on both ends
	// (the federation default).
	Vhost    string `yaml:"vhost"`
	Exchange string `yaml:"exchange"`
	// Interval between canaries.
	Interval model.Duration `yaml:"interval"`
	// Timeout bounds connecting and setting up (or tearing down) the probe's
	// AMQP connections, and is how long a canary overtaken by a later one may
	// still arrive before it is counted lost.
	Timeout model.Duration `yaml:"timeout"`
}

// Defaults of a latency probe.
const (
	DefaultProbeVhost    = "/"
	DefaultProbeInterval = 5 * time.Second
	DefaultProbeTimeout  = 10 * time.Second
	// MinProbeInterval keeps a typo (1ms) from flooding a link with canaries.
	MinProbeInterval = 100 * time.Millisecond
)

// probeUpstreamRE: the upstream name becomes a word of the canary's routing
// key, so it must not hold the topic wildcards '*' and '#' or spaces.
var probeUpstreamRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

func validateAMQPURLs(urls []string) error {
	for j, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "amqp" && u.Scheme != "amqps") || u.Host == "" {
			return fmt.Errorf("amqp_urls[%d]: %q is not an amqp(s) URL with a host", j, redactURL(raw))
		}
		if u.User != nil {
			return fmt.Errorf("amqp_urls[%d]: credentials in the URL are not allowed; use username and password_file or password_env", j)
		}
		if u.Path != "" && u.Path != "/" {
			return fmt.Errorf("amqp_urls[%d]: leave the vhost out of the URL; each latency probe names its vhost", j)
		}
	}
	return nil
}

// validateProbes checks cl's latency probes against the whole fleet: both
// ends must be configured clusters with AMQP URLs. It fills in defaults.
func (c *Config) validateProbes(cl *Cluster) error {
	seen := map[[3]string]bool{}
	for j := range cl.Federation.LatencyProbes {
		p := &cl.Federation.LatencyProbes[j]
		where := fmt.Sprintf("federation.latency_probes[%d]", j)
		if p.Vhost == "" {
			p.Vhost = DefaultProbeVhost
		}
		if p.Interval == 0 {
			p.Interval = model.Duration(DefaultProbeInterval)
		}
		if p.Timeout == 0 {
			p.Timeout = model.Duration(DefaultProbeTimeout)
		}
		switch {
		case p.Upstream == "":
			return fmt.Errorf("%s: upstream is required", where)
		case !probeUpstreamRE.MatchString(p.Upstream):
			return fmt.Errorf("%s: upstream %q: use letters, digits, '.', '_' and '-' only (it is part of the canary routing key)", where, p.Upstream)
		case p.Exchange == "":
			return fmt.Errorf("%s: exchange is required", where)
		case time.Duration(p.Interval) < MinProbeInterval:
			return fmt.Errorf("%s: interval %v: must be at least %v", where, p.Interval, MinProbeInterval)
		case p.Timeout < 0:
			return fmt.Errorf("%s: timeout must be positive", where)
		}
		key := [3]string{p.Upstream, p.Vhost, p.Exchange}
		if seen[key] {
			return fmt.Errorf("%s: a probe of upstream %q, vhost %q, exchange %q is already configured", where, p.Upstream, p.Vhost, p.Exchange)
		}
		seen[key] = true
		if len(cl.AMQPURLs) == 0 {
			return fmt.Errorf("%s: amqp_urls is required on this cluster (the probe's downstream end)", where)
		}
		upName := cl.Federation.UpstreamCluster(p.Upstream)
		up := c.Cluster(upName)
		switch {
		case up == nil:
			return fmt.Errorf("%s: upstream %q is not a configured cluster; map it with federation.upstream_clusters", where, p.Upstream)
		case up == cl:
			return fmt.Errorf("%s: upstream %q resolves to this cluster itself", where, p.Upstream)
		case len(up.AMQPURLs) == 0:
			return fmt.Errorf("%s: amqp_urls is required on cluster %q (the probe's upstream end)", where, up.Name)
		}
	}
	return nil
}
