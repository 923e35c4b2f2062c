package config

import (
	"fmt"
	"net"
	"net/url"
	"time"

	promconfig "github.com/prometheus/common/config"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// ManagementOptions are the management API client options of a validated
// cluster: the one place where the exporter's configuration meets the client.
func (cl *Cluster) ManagementOptions() (mgmt.Options, error) {
	tlsCfg, err := promconfig.NewTLSConfig(&cl.TLS)
	if err != nil {
		return mgmt.Options{}, fmt.Errorf("cluster %s: tls_config: %w", cl.Name, err)
	}
	return mgmt.Options{
		Cluster:          cl.Name,
		URLs:             cl.ManagementURLs,
		Username:         cl.Username,
		Password:         cl.Password, // read per request: a rotated secret needs no reload
		TLS:              tlsCfg,
		Timeout:          time.Duration(cl.Timeout),
		MaxResponseBytes: cl.MaxResponseBytes,
		Breaker: mgmt.BreakerOptions{
			InitialBackoff: time.Duration(cl.CircuitBreaker.InitialBackoff),
			MaxBackoff:     time.Duration(cl.CircuitBreaker.MaxBackoff),
		},
	}, nil
}

// PrometheusOptions are the client options of the cluster's rabbitmq_prometheus
// endpoints (one URL per node): the management ones' TLS, timeout, size cap
// and breaker, and the credentials only with prometheus_basic_auth.
func (cl *Cluster) PrometheusOptions() (mgmt.Options, error) {
	o, err := cl.ManagementOptions()
	if err != nil {
		return mgmt.Options{}, err
	}
	o.URLs = cl.PrometheusURLs
	if cl.PrometheusBasicAuth == nil || !*cl.PrometheusBasicAuth {
		o.Username, o.Password = "", nil
	}
	return o, nil
}

// RabbitMQ's Prometheus listener ports (rabbitmq_prometheus defaults).
const (
	PrometheusPort    = "15692"
	PrometheusTLSPort = "15691"
)

// prometheusURLsOf derives one Prometheus URL per management URL: the same
// scheme and host, port 15692 for http and 15691 for https, no path.
func prometheusURLsOf(management []string) []string {
	var out []string
	for _, raw := range management {
		u, err := url.Parse(raw)
		if err != nil || u.Hostname() == "" {
			continue // validate reports the management URL itself
		}
		port := PrometheusPort
		if u.Scheme == "https" {
			port = PrometheusTLSPort
		}
		out = append(out, (&url.URL{Scheme: u.Scheme, Host: net.JoinHostPort(u.Hostname(), port)}).String())
	}
	return out
}
