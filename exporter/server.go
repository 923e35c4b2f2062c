package exporter

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/exporter/discovery"
	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// Options are the server's settings that do not come from the config file.
type Options struct {
	ConfigFile string // "" uses the embedded default configuration
	// ScrapeTimeout is the budget when Prometheus sends no timeout header.
	ScrapeTimeout time.Duration
	// TimeoutOffset is kept back from Prometheus's timeout for the answer to travel.
	TimeoutOffset time.Duration
	// CheckOnly builds the fleet to validate it and starts nothing that
	// connects to a cluster (the latency probes).
	CheckOnly bool
}

// Server owns the current fleet, reloads it and serves it over HTTP.
type Server struct {
	opts   Options
	logger *slog.Logger

	reloadMu sync.Mutex
	mu       sync.RWMutex
	fleet    *Fleet

	// The fleet is the static configuration merged with what discovery
	// found; both are replaced under reloadMu (exporter/refresh.go).
	static     *config.Config
	discovery  *discovery.Discoverer
	discovered *discovery.Metrics
	rediscover chan struct{}
	rejected   map[string]bool // discovered clusters refused, logged once

	// internal is the exporter's own registry: process, Go runtime, build
	// info, reloads and the requests it made.
	internal      *prometheus.Registry
	requests      *prometheus.CounterVec
	responseBytes *prometheus.CounterVec
	reloadOK      prometheus.Gauge
	reloadTime    prometheus.Gauge
	reloads       *prometheus.CounterVec
}

// NewServer loads the configuration and builds the fleet.
func NewServer(opts Options, logger *slog.Logger, internal *prometheus.Registry) (*Server, error) {
	s := &Server{opts: opts, logger: logger, internal: internal, discovered: discovery.NewMetrics(), rediscover: make(chan struct{}, 1)}
	s.requests = metrics.ManagementRequestsTotal.NewCounterVec()
	s.responseBytes = metrics.ManagementResponseBytesTotal.NewCounterVec()
	s.reloads = metrics.ExporterConfigReloadsTotal.NewCounterVec()
	s.reloadOK = metrics.ExporterConfigLastReloadSuccessful.NewGauge()
	s.reloadTime = metrics.ExporterConfigLastReloadSuccessTimestampSeconds.NewGauge()
	internal.MustRegister(s.requests, s.responseBytes, s.reloadOK, s.reloadTime, s.reloads, s.discovered)
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Fleet returns the fleet in force.
func (s *Server) Fleet() *Fleet {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.fleet
}

// Reload reads the configuration again. When it is invalid the old one stays
// in force and the error is returned.
func (s *Server) Reload() error {
	// SIGHUP and POST /-/reload may arrive together: one reload at a time.
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	cfg, err := s.loadConfig()
	var disc *discovery.Discoverer
	if err == nil {
		disc, err = discovery.New(context.Background(), cfg.Discovery, s.discovery, s.discovered, s.logger)
	}
	if err == nil {
		var fleet *Fleet
		fleet, err = s.fleetOf(cfg, disc)
		if err == nil {
			s.putInForce(fleet)
			disc.Replaces(s.discovery, s.discovered)
			s.static, s.discovery = cfg, disc
			s.reloadOK.Set(1)
			s.reloadTime.SetToCurrentTime()
			s.reloads.WithLabelValues("success").Inc()
			s.logger.Info("configuration loaded", "file", s.configName(), "clusters", len(fleet.Names()))
			if disc != nil {
				s.requestDiscovery()
			}
			return nil
		}
	}
	s.reloadOK.Set(0)
	s.reloads.WithLabelValues("failure").Inc()
	if s.Fleet() != nil {
		s.logger.Error("configuration not loaded; keeping the previous one", "file", s.configName(), "err", err)
	}
	return err
}

func (s *Server) loadConfig() (*config.Config, error) {
	if s.opts.ConfigFile == "" {
		cfg, err := config.Parse([]byte(DefaultConfig))
		if err == nil {
			cfg.Clusters[0].PasswordFallback = "guest"
		}
		return cfg, err
	}
	return config.Load(s.opts.ConfigFile)
}

func (s *Server) configName() string {
	if s.opts.ConfigFile == "" {
		return "(embedded default)"
	}
	return s.opts.ConfigFile
}

// swap puts fleet in force. Called with s.reloadMu held.
func (s *Server) swap(fleet *Fleet) {
	s.mu.Lock()
	old := s.fleet
	s.fleet = fleet
	if old != nil {
		s.forgetRemoved(old, fleet)
	}
	s.mu.Unlock()
	if old != nil {
		old.closeUnshared(fleet)
	}
}

// forgetRemoved drops the request counters of clusters no longer configured.
// Called with s.mu held.
func (s *Server) forgetRemoved(old, cur *Fleet) {
	for _, name := range old.Names() {
		if !cur.Has(name) {
			s.requests.DeletePartialMatch(prometheus.Labels{"cluster": name})
			s.responseBytes.DeletePartialMatch(prometheus.Labels{"cluster": name})
		}
	}
}

func (s *Server) observer(cluster string) mgmt.RequestObserver {
	return func(endpoint string, bytes int64, _ time.Duration, err error) {
		// A scrape of the previous configuration may finish after a reload:
		// counting it would bring back the series of a removed cluster.
		// Reload forgets removed clusters under the same lock.
		s.mu.RLock()
		defer s.mu.RUnlock()
		if !s.fleet.Has(cluster) {
			return
		}
		outcome := "ok"
		if err != nil {
			outcome = string(mgmt.KindOf(err))
		}
		s.requests.WithLabelValues(cluster, endpoint, outcome).Inc()
		s.responseBytes.WithLabelValues(cluster, endpoint).Add(float64(bytes))
	}
}

// MetricsHandler serves every cluster plus the exporter's own metrics.
func (s *Server) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fleet := s.Fleet()
		s.serveScrape(w, r, fleet, fleet.Names(), s.internal)
	})
}

// InternalHandler serves the exporter's own metrics only (discovery,
// reloads, management requests, process), for deployments that scrape the
// clusters through /probe and so never scrape /metrics.
func (s *Server) InternalHandler() http.Handler {
	return promhttp.HandlerFor(s.internal, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(s.logger.Handler(), slog.LevelError)})
}

// ProbeHandler serves one cluster: /probe?target=<cluster name>. Only names
// from the configuration are accepted, never a URL, so the exporter cannot be
// made to send requests (with its credentials) anywhere else.
func (s *Server) ProbeHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.URL.Query().Get("target")
		fleet := s.Fleet()
		if target == "" {
			http.Error(w, "missing target parameter: use /probe?target=<cluster name>", http.StatusBadRequest)
			return
		}
		if !fleet.Has(target) {
			http.Error(w, refusedTarget(target), http.StatusBadRequest)
			return
		}
		s.serveScrape(w, r, fleet, []string{target}, nil)
	})
}

// refusedTarget explains a /probe target that is not a configured cluster.
// Only a name-shaped target is quoted back: a URL or markup is not
// reflected at all, so the answer cannot carry a payload.
func refusedTarget(target string) string {
	if config.IsClusterName(target) {
		return fmt.Sprintf("unknown target %q: not a cluster name in the configuration", target)
	}
	return "target must be the name of a cluster in the configuration, not a URL or address"
}

func (s *Server) serveScrape(w http.ResponseWriter, r *http.Request, fleet *Fleet, names []string, extra prometheus.Gatherer) {
	budget, err := scrapeDeadline(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), s.opts.ScrapeTimeout, s.opts.TimeoutOffset)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), budget)
	defer cancel()
	reg := prometheus.NewRegistry()
	reg.MustRegister(scrapeCollector{ctx: ctx, fleet: fleet, names: names})
	gatherers := prometheus.Gatherers{reg}
	if extra != nil {
		gatherers = append(gatherers, extra)
	}
	promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(s.logger.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError,
	}).ServeHTTP(w, r)
}

// ReloadHandler reloads on POST /-/reload.
func (s *Server) ReloadHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "use POST to reload", http.StatusMethodNotAllowed)
			return
		}
		if err := s.Reload(); err != nil {
			http.Error(w, "configuration not reloaded, previous one kept: "+err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "configuration reloaded")
	})
}
