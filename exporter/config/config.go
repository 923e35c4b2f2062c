// Package config loads and validates the exporter's YAML configuration: the
// fleet of RabbitMQ clusters to scrape and how to scrape each of them.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
	yaml "go.yaml.in/yaml/v2"
)

// Role says what a cluster is for in the fleet.
type Role string

const (
	RoleBackend Role = "backend"
	RoleGateway Role = "gateway"
)

// Config is the whole exporter configuration.
type Config struct {
	// Defaults apply to every cluster that leaves a setting out.
	Defaults Settings  `yaml:"defaults"`
	Clusters []Cluster `yaml:"clusters"`
	// Discovery, when set, finds more clusters at run time (see Merge).
	Discovery *Discovery `yaml:"discovery"`
}

// Cluster is one RabbitMQ cluster of the fleet.
type Cluster struct {
	Name   string `yaml:"name"`
	Role   Role   `yaml:"role"`
	Region string `yaml:"region"`
	// ManagementURLs are nodes of the same cluster, tried in order when one is down.
	ManagementURLs []string `yaml:"management_urls"`
	Settings       `yaml:",inline"`

	// PrometheusURLs are the nodes' rabbitmq_prometheus listeners, one per
	// node: each node serves only its own figures. Unset, they are derived
	// from the management URLs (see prometheusURLOf).
	PrometheusURLs []string `yaml:"prometheus_urls"`

	// AMQPURLs are AMQP 0-9-1 listeners of the same cluster (amqp:// or
	// amqps://, no credentials), used only by federation latency probes.
	AMQPURLs []string `yaml:"amqp_urls"`

	// PasswordFallback is used when password_env names an unset variable. It
	// cannot be set from YAML: only built-in configurations use it (guest).
	PasswordFallback string `yaml:"-"`
	// Source is the discovery source that found the cluster (like
	// ec2/eu-west-1); empty for a cluster of the clusters list.
	Source string `yaml:"-"`
}

// Settings are what a cluster may inherit from the defaults block.
type Settings struct {
	Username string `yaml:"username"`
	// The password is read from a file or an environment variable, never inline,
	// so that it can't leak through a config dump or a log of the file.
	PasswordFile string               `yaml:"password_file"`
	PasswordEnv  string               `yaml:"password_env"`
	TLS          promconfig.TLSConfig `yaml:"tls_config"`
	// Timeout bounds one management API request.
	Timeout          model.Duration    `yaml:"timeout"`
	MaxResponseBytes int64             `yaml:"max_response_bytes"`
	Queues           QueueOptions      `yaml:"queues"`
	Connections      ConnectionOptions `yaml:"connections"`
	Federation       FederationOptions `yaml:"federation"`
	// MinInterval: a scrape of the cluster younger than this is served again
	// instead of asking the cluster, so that Prometheus HA pairs, /probe and
	// /metrics together cost the broker what one scraper does. Unset takes
	// the default; 0s turns the sharing off (concurrent scrapes still share).
	MinInterval    *model.Duration `yaml:"min_interval"`
	CircuitBreaker BreakerOptions  `yaml:"circuit_breaker"`
	// FiguresFrom says where node resources, churn counters and queue depths
	// are read: the management API, the nodes' Prometheus endpoints, or auto.
	FiguresFrom FiguresSource `yaml:"figures_from"`
	// PrometheusBasicAuth sends username and password to the Prometheus
	// endpoints too; off by default, since rabbitmq_prometheus asks for none
	// and the credentials should not travel where they are not needed.
	PrometheusBasicAuth *bool `yaml:"prometheus_basic_auth"`
}

// FiguresSource is where a cluster's figures are read.
type FiguresSource string

const (
	// FiguresAuto reads from Prometheus when the management API says its
	// statistics are off (disable_stats), otherwise as AutoWithStats says.
	FiguresAuto       FiguresSource = "auto"
	FiguresManagement FiguresSource = "management"
	FiguresPrometheus FiguresSource = "prometheus"
)

// BreakerOptions: after a request times out, cannot connect or gets 502/503/504,
// the cluster is left alone for a backoff that doubles on every failed retry
// up to MaxBackoff; a struggling broker then sees one cheap request per
// backoff instead of every scrape's full set.
type BreakerOptions struct {
	InitialBackoff model.Duration `yaml:"initial_backoff"`
	MaxBackoff     model.Duration `yaml:"max_backoff"`
}

// QueueOptions bound how many queues are exported one by one.
type QueueOptions struct {
	// Queues whose name matches one of Include are always exported individually.
	Include []string `yaml:"include"`
	// Queues whose name matches one of Exclude are never exported individually
	// (they still count in the per-vhost totals).
	Exclude []string `yaml:"exclude"`
	// TopN deepest queues are exported individually. 0 uses the default; -1 disables.
	TopN int `yaml:"top_n"`
	// The queue list is the most expensive call a broker answers, so it is
	// fetched at most every refresh interval and served from cache in between.
	RefreshOptions `yaml:",inline"`

	include, exclude []*regexp.Regexp
}

// ConnectionOptions say how often the connection list is read.
type ConnectionOptions struct {
	// The list costs the node about as much as the queue list (it builds
	// every connection's stats), so its per-protocol breakdown is read at
	// most every refresh interval; the total from /api/overview stays fresh
	// every scrape.
	RefreshOptions `yaml:",inline"`
}

// RefreshOptions say how often a list the node must build whole (queues,
// connections, federation links) is read: every RefreshInterval while it is
// quick to build, less often while it is slow, so that building it keeps the
// node busy at most MaxBusyShare of the time, but at least every
// MaxRefreshInterval.
//
// Timeout bounds one read of the list. A read goes on past the scrape that
// started it, which serves the list's last result meanwhile: a list slower
// than Prometheus's scrape timeout (20 s on a 4.3 node with 15,000
// connections, docs/benchmarks.md section 9) is still read, without holding
// a scrape.
type RefreshOptions struct {
	RefreshInterval    model.Duration `yaml:"refresh_interval"`
	MaxRefreshInterval model.Duration `yaml:"max_refresh_interval"`
	MaxBusyShare       float64        `yaml:"max_busy_share"`
	Timeout            model.Duration `yaml:"timeout"`
}

// FederationOptions say which federation links a cluster should have.
type FederationOptions struct {
	// UpstreamClusters maps a federation-upstream parameter name on this cluster
	// to the name of the cluster (in this config) it points at. An upstream whose
	// name is itself a configured cluster name needs no entry.
	UpstreamClusters map[string]string `yaml:"upstream_clusters"`
	// ExpectedLinks lists the links that must exist; one that has vanished is
	// reported as missing (links can vanish after an upgrade instead of failing).
	ExpectedLinks []ExpectedLink `yaml:"expected_links"`
	// /api/federation-links RPCs every node, so it is fetched at most every
	// refresh interval.
	RefreshOptions `yaml:",inline"`
	// LatencyProbes send canary messages through links of which this cluster
	// is the downstream (probes.go).
	LatencyProbes []LatencyProbe `yaml:"latency_probes"`
}

// ExpectedLink names one federation link by its upstream and its target.
type ExpectedLink struct {
	Upstream string `yaml:"upstream"`
	Vhost    string `yaml:"vhost"`
	Exchange string `yaml:"exchange"`
	Queue    string `yaml:"queue"`
}

// Defaults used when neither the cluster nor the defaults block set a value.
// The refresh intervals aim a default scrape of a gateway with 3,000 device
// connections and queues at 0.2 broker CPU-seconds (docs/benchmarks.md):
// each heavy list costs the node 0.2-0.6 CPU-s uncached, and the cheap
// every-scrape requests about 0.08, so the per-protocol connection list is
// read at most every two minutes and the queue and federation-link lists
// every four, while totals, per-vhost depth, each link's backlog and its
// upstream consumer count, and node resources stay fresh every scrape.
const (
	DefaultTimeout            = 10 * time.Second
	DefaultTopN               = 20
	DefaultQueueRefresh       = 240 * time.Second
	DefaultFederationRefresh  = 240 * time.Second
	DefaultConnectionsRefresh = 120 * time.Second
	// DefaultListTimeout bounds a heavy list's read: three times the slowest
	// list measured (the connection list of a 4.3 node with 15,000 clients,
	// 6.6-22.8 s), and half the shortest default refresh interval.
	DefaultListTimeout = 60 * time.Second
	// DefaultMaxBusyShare: at the default intervals each list of a fresh
	// gateway with 3,000 clients keeps the node busy 0.20-0.26% of the time
	// by curl's timing (0.32-0.62 s every 120-240 s), and 0.3% was meant to
	// leave those intervals in force and stretch them once a list gets
	// slower. The exporter's own timing runs about twice curl's, so there
	// they stretch to 280-420 s (docs/benchmarks.md section 8), within the
	// cap; a list keeps its interval while read in under 0.3% of it.
	DefaultMaxBusyShare = 0.003
	// DefaultMaxRefreshFactor times refresh_interval is max_refresh_interval
	// unless set: stretching trades freshness for the node's time, and the
	// cap keeps the lists' age within what alerts on them can bear (16
	// minutes for queues and federation links, 8 for connections). It binds
	// only once a list takes over 4.5 times as long as on that fresh gateway.
	DefaultMaxRefreshFactor = 4
	DefaultMaxResponseBytes = 256 << 20
	// DefaultMinInterval is under any sensible scrape interval, and over the
	// spread of an HA Prometheus pair's scrapes of the same target.
	DefaultMinInterval = 5 * time.Second
	// The backoff stays within a usual 15 s scrape interval so that a cluster
	// that recovered is scraped in full on the next scrape.
	DefaultInitialBackoff = 5 * time.Second
	DefaultMaxBackoff     = 15 * time.Second
	DefaultUsername       = "guest"
)

// Load reads and validates the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Parse decodes YAML strictly (unknown fields are errors naming field and line) and validates it.
func Parse(data []byte) (*Config, error) {
	var cfg Config
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty configuration: at least one cluster or a discovery source is required")
	}
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		return nil, locate(data, err)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// locate adds which cluster is at fault to an error that does not say where
// (the validating unmarshallers of prometheus/common's types give no line).
func locate(data []byte, err error) error {
	if strings.Contains(err.Error(), "line ") {
		return err
	}
	var raw struct {
		Clusters []yaml.MapSlice `yaml:"clusters"`
	}
	if yaml.Unmarshal(data, &raw) != nil {
		return err
	}
	for i, item := range raw.Clusters {
		b, merr := yaml.Marshal(item)
		if merr != nil {
			continue
		}
		var cl Cluster
		if cerr := yaml.UnmarshalStrict(b, &cl); cerr != nil {
			if cl.Name != "" {
				return fmt.Errorf("clusters[%d] (%s): %w", i, cl.Name, err)
			}
			return fmt.Errorf("clusters[%d]: %w", i, err)
		}
	}
	if where := locateDiscovery(data); where != "" {
		return fmt.Errorf("%s: %w", where, err)
	}
	return fmt.Errorf("defaults: %w", err)
}

var clusterNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// IsClusterName reports whether s has the shape of a cluster name, so that an
// endpoint taking a name can refuse anything else without reflecting it.
func IsClusterName(s string) bool { return clusterNameRE.MatchString(s) }

func (c *Config) validate() error {
	if len(c.Clusters) == 0 && c.Discovery == nil {
		return errors.New("clusters: at least one cluster is required (or a discovery block)")
	}
	if f := c.Defaults.Federation; len(f.ExpectedLinks) > 0 || len(f.UpstreamClusters) > 0 || len(f.LatencyProbes) > 0 {
		return errors.New("defaults.federation: expected_links, upstream_clusters and latency_probes belong to each cluster, not to the defaults")
	}
	seen := map[string]bool{}
	for i := range c.Clusters {
		cl := &c.Clusters[i]
		where := fmt.Sprintf("clusters[%d]", i)
		if cl.Name != "" {
			where = fmt.Sprintf("clusters[%d] (%s)", i, cl.Name)
		}
		c.applyDefaults(cl)
		if err := cl.validate(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if seen[cl.Name] {
			return fmt.Errorf("%s: name %q is used by another cluster", where, cl.Name)
		}
		seen[cl.Name] = true
	}
	for i := range c.Clusters {
		cl := &c.Clusters[i]
		// In name order: the same bad file must give the same error every time.
		for _, up := range slices.Sorted(maps.Keys(cl.Federation.UpstreamClusters)) {
			// A discovered cluster may be the target: it is resolved at scrape time.
			if target := cl.Federation.UpstreamClusters[up]; !seen[target] && c.Discovery == nil {
				return fmt.Errorf("clusters[%d] (%s): federation.upstream_clusters[%q]: no cluster named %q", i, cl.Name, up, target)
			}
		}
		if err := c.validateProbes(cl); err != nil {
			return fmt.Errorf("clusters[%d] (%s): %w", i, cl.Name, err)
		}
	}
	if c.Discovery != nil {
		return c.Discovery.validate(c)
	}
	return nil
}

// applyDefaults fills what the cluster leaves unset from the defaults block,
// then from the built-in defaults. Unset is the zero value (cmp.Or takes the
// first non-zero), except where zero means something: min_interval is a
// pointer so that 0s turns sharing off, and top_n uses -1, not 0, to disable.
func (c *Config) applyDefaults(cl *Cluster) {
	d := c.Defaults
	cl.Username = cmp.Or(cl.Username, d.Username, DefaultUsername)
	if cl.PasswordFile == "" && cl.PasswordEnv == "" {
		// The pair goes together: a cluster's file must not meet the defaults' variable.
		cl.PasswordFile, cl.PasswordEnv = d.PasswordFile, d.PasswordEnv
	}
	cl.TLS = cmp.Or(cl.TLS, d.TLS)
	cl.Timeout = cmp.Or(cl.Timeout, d.Timeout, model.Duration(DefaultTimeout))
	cl.MaxResponseBytes = cmp.Or(cl.MaxResponseBytes, d.MaxResponseBytes, DefaultMaxResponseBytes)
	cl.MinInterval = cmp.Or(cl.MinInterval, d.MinInterval, ptr(model.Duration(DefaultMinInterval)))

	q := &cl.Queues
	if q.Include == nil {
		q.Include = d.Queues.Include
	}
	if q.Exclude == nil {
		q.Exclude = d.Queues.Exclude
	}
	q.TopN = cmp.Or(q.TopN, d.Queues.TopN, DefaultTopN)
	q.applyDefaults(d.Queues.RefreshOptions, DefaultQueueRefresh)
	cl.Connections.applyDefaults(d.Connections.RefreshOptions, DefaultConnectionsRefresh)
	cl.Federation.applyDefaults(d.Federation.RefreshOptions, DefaultFederationRefresh)

	cl.FiguresFrom = cmp.Or(cl.FiguresFrom, d.FiguresFrom, FiguresAuto)
	cl.PrometheusBasicAuth = cmp.Or(cl.PrometheusBasicAuth, d.PrometheusBasicAuth, ptr(false))
	if len(cl.PrometheusURLs) == 0 {
		cl.PrometheusURLs = prometheusURLsOf(cl.ManagementURLs)
	}

	b := &cl.CircuitBreaker
	b.InitialBackoff = cmp.Or(b.InitialBackoff, d.CircuitBreaker.InitialBackoff, model.Duration(DefaultInitialBackoff))
	b.MaxBackoff = cmp.Or(b.MaxBackoff, d.CircuitBreaker.MaxBackoff, model.Duration(DefaultMaxBackoff))
}

func ptr[T any](v T) *T { return &v }

// applyDefaults fills r from the defaults block d, then from the built-in
// defaults; max_refresh_interval follows the list's own refresh_interval.
func (r *RefreshOptions) applyDefaults(d RefreshOptions, interval time.Duration) {
	r.RefreshInterval = cmp.Or(r.RefreshInterval, d.RefreshInterval, model.Duration(interval))
	r.MaxRefreshInterval = cmp.Or(r.MaxRefreshInterval, d.MaxRefreshInterval, DefaultMaxRefreshFactor*r.RefreshInterval)
	r.MaxBusyShare = cmp.Or(r.MaxBusyShare, d.MaxBusyShare, DefaultMaxBusyShare)
	r.Timeout = cmp.Or(r.Timeout, d.Timeout, model.Duration(DefaultListTimeout))
}

func (r *RefreshOptions) validate() error {
	if r.MaxRefreshInterval < r.RefreshInterval {
		return fmt.Errorf("max_refresh_interval (%v) must not be shorter than refresh_interval (%v)", r.MaxRefreshInterval, r.RefreshInterval)
	}
	if !(r.MaxBusyShare > 0 && r.MaxBusyShare <= 1) { // NaN too
		return fmt.Errorf("max_busy_share %v: must be above 0 and at most 1 (0.003 lets the list keep the node busy 0.3%% of the time)", r.MaxBusyShare)
	}
	return nil
}

func (cl *Cluster) validate() error {
	if cl.Name == "" {
		return errors.New("name is required")
	}
	if !clusterNameRE.MatchString(cl.Name) {
		return fmt.Errorf("name %q: use letters, digits, '.', '_' and '-' only", cl.Name)
	}
	switch cl.Role {
	case RoleBackend, RoleGateway:
	case "":
		return errors.New("role is required (backend or gateway)")
	default:
		return fmt.Errorf("role %q: must be backend or gateway", cl.Role)
	}
	if cl.Region == "" {
		return errors.New("region is required")
	}
	if len(cl.ManagementURLs) == 0 {
		return errors.New("management_urls: at least one URL is required")
	}
	if err := validateHTTPURLs("management_urls", cl.ManagementURLs, "use username and password_file or password_env"); err != nil {
		return err
	}
	switch cl.FiguresFrom {
	case FiguresAuto, FiguresManagement, FiguresPrometheus:
	default:
		return fmt.Errorf("figures_from %q: must be auto, management or prometheus", cl.FiguresFrom)
	}
	if err := validateHTTPURLs("prometheus_urls", cl.PrometheusURLs, "use prometheus_basic_auth"); err != nil {
		return err
	}
	if err := validateAMQPURLs(cl.AMQPURLs); err != nil {
		return err
	}
	if cl.PasswordFile != "" && cl.PasswordEnv != "" {
		return errors.New("set only one of password_file and password_env")
	}
	if cl.PasswordEnv != "" && !envNameRE.MatchString(cl.PasswordEnv) {
		// Most likely the password itself: say so without quoting it.
		return errors.New("password_env must name an environment variable (letters, digits and _), not hold the password")
	}
	if cl.Timeout < 0 {
		return errors.New("timeout must be positive")
	}
	if cl.MaxResponseBytes < 0 {
		return errors.New("max_response_bytes must be positive")
	}
	if *cl.MinInterval < 0 {
		return errors.New("min_interval must not be negative")
	}
	if b := cl.CircuitBreaker; b.InitialBackoff < 0 || b.MaxBackoff < b.InitialBackoff {
		return fmt.Errorf("circuit_breaker: need 0 < initial_backoff (%v) <= max_backoff (%v)", b.InitialBackoff, b.MaxBackoff)
	}
	if err := cl.TLS.Validate(); err != nil {
		return fmt.Errorf("tls_config: %w", err)
	}
	if err := cl.Queues.compile(); err != nil {
		return fmt.Errorf("queues: %w", err)
	}
	if cl.Queues.TopN < -1 {
		return fmt.Errorf("queues.top_n %d: use -1 to disable, or a positive number", cl.Queues.TopN)
	}
	for _, l := range []struct {
		name string
		r    *RefreshOptions
	}{{"queues", &cl.Queues.RefreshOptions}, {"connections", &cl.Connections.RefreshOptions}, {"federation", &cl.Federation.RefreshOptions}} {
		if err := l.r.validate(); err != nil {
			return fmt.Errorf("%s.%w", l.name, err)
		}
	}
	for j, l := range cl.Federation.ExpectedLinks {
		if l.Upstream == "" {
			return fmt.Errorf("federation.expected_links[%d]: upstream is required", j)
		}
		if (l.Exchange == "") == (l.Queue == "") {
			return fmt.Errorf("federation.expected_links[%d]: set exactly one of exchange and queue", j)
		}
	}
	for j := range cl.Federation.ExpectedLinks {
		if cl.Federation.ExpectedLinks[j].Vhost == "" {
			cl.Federation.ExpectedLinks[j].Vhost = "/"
		}
	}
	return nil
}

// validateHTTPURLs checks that every URL of field is http(s) with a host and
// no credentials, quoting a bad one without its user info.
func validateHTTPURLs(field string, urls []string, credentialsHint string) error {
	for j, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s[%d]: %q is not an http(s) URL with a host", field, j, redactURL(raw))
		}
		if u.User != nil {
			return fmt.Errorf("%s[%d]: credentials in the URL are not allowed; %s", field, j, credentialsHint)
		}
	}
	return nil
}

func (q *QueueOptions) compile() error {
	var err error
	if q.include, err = compileAll("include", q.Include); err != nil {
		return err
	}
	q.exclude, err = compileAll("exclude", q.Exclude)
	return err
}

func compileAll(field string, patterns []string) ([]*regexp.Regexp, error) {
	res := make([]*regexp.Regexp, 0, len(patterns))
	for i, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("%s[%d] %q: %w", field, i, p, err)
		}
		res = append(res, re)
	}
	return res, nil
}

// Included reports whether a queue is always exported individually.
func (q *QueueOptions) Included(name string) bool { return matchAny(q.include, name) }

// Excluded reports whether a queue is never exported individually.
func (q *QueueOptions) Excluded(name string) bool { return matchAny(q.exclude, name) }

func matchAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// UpstreamCluster resolves a federation-upstream name to a cluster name.
func (f *FederationOptions) UpstreamCluster(upstream string) string {
	if c, ok := f.UpstreamClusters[upstream]; ok {
		return c
	}
	return upstream
}

// Password reads the cluster's password from its file or environment variable.
// It is read on every call so that a rotated secret is picked up without a reload.
func (cl *Cluster) Password() (string, error) {
	switch {
	case cl.PasswordFile != "":
		b, err := os.ReadFile(cl.PasswordFile)
		if err != nil {
			// Not the path: a password typed as password_file would be
			// logged on every scrape. The path is in the configuration.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", fmt.Errorf("cluster %s: reading password_file: %w", cl.Name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case cl.PasswordEnv != "":
		v, ok := os.LookupEnv(cl.PasswordEnv)
		if !ok && cl.PasswordFallback != "" {
			return cl.PasswordFallback, nil
		}
		if !ok {
			return "", fmt.Errorf("cluster %s: environment variable %s (password_env) is not set", cl.Name, cl.PasswordEnv)
		}
		return v, nil
	}
	return "", nil
}

// Cluster returns the cluster with that name, or nil.
func (c *Config) Cluster(name string) *Cluster {
	for i := range c.Clusters {
		if c.Clusters[i].Name == name {
			return &c.Clusters[i]
		}
	}
	return nil
}

// redactURL drops any user info so a bad URL can be quoted in an error safely.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err == nil && u.User != nil {
		u.User = url.User("<redacted>")
		return u.String()
	}
	// Unparseable, or user info that url.Parse took for something else
	// ("user:pw@host" parses as scheme "user"): cut up to the last '@'.
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		return "<redacted>@" + raw[i+1:]
	}
	return raw
}
