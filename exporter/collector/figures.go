package collector

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/brokerprom"
	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// AutoWithStats is what figures_from: auto reads while the management API
// collects statistics. Both sources then give the same node, churn and queue
// figures; which one costs the broker less per scrape is to be measured (the
// method of docs/benchmarks.md, on 4.3 under load) and this set by that
// measurement. Until then: the management API, as before this choice existed.
const AutoWithStats = config.FiguresManagement

var figuresSourceDesc = metrics.ClusterFiguresSource.Desc()

// knownSources always get a series, so that a switch shows as 0 and 1.
var knownSources = []string{string(config.FiguresManagement), string(config.FiguresPrometheus)}

// figuresState is what the scraper remembers of its source between scrapes,
// for peers: a downstream cluster reads its federation backlog from this
// cluster the way this cluster's own scrape last did.
type figuresState struct {
	last atomic.Value // config.FiguresSource
}

func (f *figuresState) load() config.FiguresSource {
	if v, ok := f.last.Load().(config.FiguresSource); ok {
		return v
	}
	return ""
}

// peerSource is where a peer's figures are read, for a downstream cluster's
// federation backlog: as configured, or with auto as its last scrape here
// decided (management when it has not been scraped here yet).
func (s *Scraper) peerSource() config.FiguresSource {
	if src := s.Cluster.FiguresFrom; src == config.FiguresManagement || src == config.FiguresPrometheus {
		return src
	}
	if src := s.figures.load(); src != "" {
		return src
	}
	return AutoWithStats
}

// source decides where this scrape reads node, churn and queue figures:
// the configuration, or with auto what the overview says of the statistics.
func (t *Target) source() config.FiguresSource {
	src := t.Cluster.FiguresFrom
	if src == config.FiguresAuto || src == "" {
		src = AutoWithStats
		if t.overview != nil && t.overview.DisableStats {
			src = config.FiguresPrometheus
		}
	}
	t.figures.last.Store(src)
	return src
}

// emitSource exports the source of this scrape's figures.
func emitSource(t *Target, ch chan<- prometheus.Metric) {
	emitStates(t, ch, figuresSourceDesc, nil, knownSources, string(t.source()))
}

// errNoPrometheus: the cluster reads from Prometheus but has no client for it.
var errNoPrometheus = errors.New("figures_from prometheus, but no Prometheus endpoint client (prometheus_urls)")

// brokerNodes reads the node and churn families once per scrape. A node that
// failed while others answered is counted and logged here; when none
// answered the caller fails with the first error.
func (t *Target) brokerNodes(ctx context.Context) ([]brokerprom.Node, error) {
	return t.promNodes.get(func() ([]brokerprom.Node, error) {
		if t.Broker == nil {
			return nil, &mgmt.Error{Kind: mgmt.KindConfig, Cluster: t.Cluster.Name, Endpoint: brokerprom.Endpoint, Err: errNoPrometheus}
		}
		nodes, errs := t.Broker.Nodes(ctx)
		return nodes, t.partial("nodes", errs, t.Broker.Len())
	})
}

// partial counts and logs the failed nodes when others of the asked ones
// answered, and returns the first error when none did.
func (t *Target) partial(collector string, errs []error, asked int) error {
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == asked {
		return errs[0]
	}
	for _, err := range errs {
		t.countError(collector, err)
		t.logger.Warn("node's Prometheus endpoint failed", "collector", collector, "err", err)
	}
	return nil
}

// figureNodes is /api/nodes with, when the cluster reads from Prometheus,
// each node's resources, uptime and churn counters taken from its own
// endpoint: the node list still says which nodes run and their alarms when
// the management API reports them.
func (t *Target) figureNodes(ctx context.Context) ([]mgmt.Node, error) {
	// Once per scrape: restart detection, the nodes and the churn collectors all ask.
	return t.figured.get(func() ([]mgmt.Node, error) { return t.mergeFigures(ctx) })
}

func (t *Target) mergeFigures(ctx context.Context) ([]mgmt.Node, error) {
	nodes, err := t.Nodes(ctx)
	if err != nil || t.source() != config.FiguresPrometheus {
		return nodes, err
	}
	figures, err := t.brokerNodes(ctx)
	if err != nil {
		return nil, err
	}
	merged := make([]mgmt.Node, len(nodes))
	copy(merged, nodes)
	index := map[string]int{}
	for i := range merged {
		index[merged[i].Name] = i
	}
	for _, f := range figures {
		i, ok := index[f.Name]
		if !ok {
			// Not in the node list (yet): its own endpoint says it runs.
			merged = append(merged, mgmt.Node{Name: f.Name, Running: true})
			i = len(merged) - 1
		}
		withFigures(&merged[i], &f)
	}
	return merged, nil
}

// withFigures replaces n's figures by the Prometheus endpoint's, so that a
// figure the endpoint lacks is absent rather than the management API's.
func withFigures(n *mgmt.Node, f *brokerprom.Node) {
	n.MemUsed, n.MemLimit = f.MemUsed, f.MemLimit
	n.DiskFree, n.DiskFreeLimit = f.DiskFree, f.DiskFreeLimit
	n.FDUsed, n.FDTotal = f.FDUsed, f.FDLimit
	n.SocketsUsed, n.SocketsTotal = f.SocketsUsed, f.SocketsLimit
	n.ProcUsed, n.ProcTotal = f.ProcUsed, f.ProcLimit
	n.RunQueue = f.RunQueue
	n.UptimeMillis = mgmt.Number{Value: f.UptimeSeconds.Value * 1e3, Set: f.UptimeSeconds.Set}
	n.ConnectionCreated, n.ConnectionClosed = f.ConnectionsOpened, f.ConnectionsClosed
	n.ChannelCreated, n.ChannelClosed = f.ChannelsOpened, f.ChannelsClosed
	n.QueueDeclared, n.QueueCreated, n.QueueDeleted = f.QueuesDeclared, f.QueuesCreated, f.QueuesDeleted
}
