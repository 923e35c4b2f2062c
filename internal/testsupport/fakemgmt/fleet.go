package fakemgmt

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FleetConfig sizes a fleet of one backend and gateways federated with it.
type FleetConfig struct {
	Clusters    int // the backend plus Clusters-1 gateways
	Connections int // per cluster
	Queues      int // device queues per cluster
	Seed        uint64
	Username    string
	Password    string
}

// Fleet builds the clusters: "backend" first, then "gw-01"...: the backend
// federates exchange devices from every gateway (telemetry flows up) and
// every gateway from the backend (commands flow down), as on the testbed.
func Fleet(fc FleetConfig) ([]*Cluster, error) {
	if fc.Clusters < 1 {
		return nil, fmt.Errorf("synthetic: a fleet needs at least one cluster")
	}
	var gateways []string
	for i := 1; i < fc.Clusters; i++ {
		gateways = append(gateways, fmt.Sprintf("gw-%02d", i))
	}
	base := Config{Connections: fc.Connections, Queues: fc.Queues, Username: fc.Username, Password: fc.Password}
	backend := base
	backend.Name, backend.Seed, backend.Mix, backend.Backend = "backend", fc.Seed, BackendMix, true
	backend.Vhosts = []string{"/", "services"}
	backend.Upstreams, backend.Downstreams = gateways, gateways
	clusters := make([]*Cluster, 0, fc.Clusters)
	c, err := New(backend)
	if err != nil {
		return nil, err
	}
	clusters = append(clusters, c)
	for i, name := range gateways {
		gw := base
		gw.Name, gw.Seed, gw.Mix = name, fc.Seed+uint64(i)+1, GatewayMix
		gw.Upstreams, gw.Downstreams = []string{"backend"}, []string{"backend"}
		if c, err = New(gw); err != nil {
			return nil, err
		}
		clusters = append(clusters, c)
	}
	return clusters, nil
}

// Servers serves each cluster of a fleet on its own loopback listener.
type Servers struct {
	URLs    []string
	servers []*http.Server
}

// Start serves every cluster on 127.0.0.1 at a free port.
func Start(clusters []*Cluster) (*Servers, error) {
	s := &Servers{}
	for _, c := range clusters {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("synthetic: listen for %s: %w", c.Name(), err)
		}
		srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		s.servers = append(s.servers, srv)
		s.URLs = append(s.URLs, "http://"+ln.Addr().String())
	}
	return s, nil
}

// Close stops the listeners.
func (s *Servers) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

var regions = []string{"eu", "us", "ap"}

// ExporterConfig is the exporter's configuration for the fleet served at
// urls: shipped defaults (timeouts, refresh intervals, top 20 queues), a
// generous max_response_bytes, and the federation links each cluster must
// run. Scrapes never share a result (min_interval 0s): each one a benchmark
// or test makes must reach the API it measures. The password is read from
// passwordFile.
func ExporterConfig(clusters []*Cluster, urls []string, passwordFile string, maxResponseBytes int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "defaults:\n  username: %s\n  password_file: %q\n  max_response_bytes: %d\n  min_interval: 0s\nclusters:\n",
		clusters[0].cfg.Username, passwordFile, maxResponseBytes)
	for i, c := range clusters {
		role, region := "gateway", regions[i%len(regions)]
		if c.cfg.Backend {
			role, region = "backend", "central"
		}
		fmt.Fprintf(&b, "  - name: %s\n    role: %s\n    region: %s\n    management_urls: [%q]\n", c.Name(), role, region, urls[i])
		if len(c.cfg.Upstreams) > 0 {
			b.WriteString("    federation:\n      expected_links:\n")
			for _, up := range c.cfg.Upstreams {
				fmt.Fprintf(&b, "        - {upstream: %s, exchange: devices}\n", up)
			}
		}
	}
	return b.String()
}

// WriteExporterConfig writes password and ExporterConfig's configuration for
// clusters into a test's temporary directory and returns the config file.
func WriteExporterConfig(t testing.TB, clusters []*Cluster, urls []string, password string, maxResponseBytes int64) string {
	t.Helper()
	dir := t.TempDir()
	pwFile, cfgFile := filepath.Join(dir, "password"), filepath.Join(dir, "config.yml")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgFile, []byte(ExporterConfig(clusters, urls, pwFile, maxResponseBytes)), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgFile
}
