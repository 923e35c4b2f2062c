package config

import (
	"fmt"
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
