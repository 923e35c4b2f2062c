package collector

import (
	"context"
	"math"
	"net/url"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() {
	// The link list RPCs every node and gathers channel stats: measured at
	// 0.18 CPU-s on a gateway with 6,000 channels. It takes turns with the
	// other heavy lists; the backlog lookups (federation_backlog) are cheap
	// and run every scrape on the list last read.
	registerHeavy("federation", func(cl *config.Cluster) config.RefreshOptions { return cl.Federation.RefreshOptions },
		func() Collector { return federationCollector{} })
	register("federation_backlog", everyScrape, func() Collector { return federationBacklogCollector{} })
}

var (
	linkStatusDesc        = metrics.FederationLinkStatus.Desc()
	linkErrorDesc         = metrics.FederationLinkErrorInfo.Desc()
	linksExpectedDesc     = metrics.FederationLinksExpected.Desc()
	backlogDesc           = metrics.FederationLinkBacklogMessages.Desc()
	backlogUnackedDesc    = metrics.FederationLinkBacklogUnacknowledgedMessages.Desc()
	upstreamConsumersDesc = metrics.FederationLinkUpstreamConsumers.Desc()
	upstreamPublishedDesc = metrics.FederationLinkUpstreamPublishedMessagesTotal.Desc()
	upstreamAckedDesc     = metrics.FederationLinkUpstreamAcknowledgedMessagesTotal.Desc()
	lagDesc               = metrics.FederationLinkLagSeconds.Desc()
)

// knownLinkStatuses always get a series, so that "status is not running" can
// be alerted on without absent().
var knownLinkStatuses = []string{"starting", "running", "error", "shutdown", "missing"}

// federationCollector reports every federation link of this (downstream)
// cluster with its status, and links expected by the configuration that the
// cluster does not run. It keeps the list for federationBacklogCollector.
type federationCollector struct{}

type linkID struct {
	vhost, upstream, typ, exchange, queue string
}

type linkView struct {
	id            linkID
	status        string
	errorText     string
	upstreamVhost string
	upstreamName  string // upstream exchange or queue
}

func (federationCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	t.setLinks(nil)
	links, err := t.Client.FederationLinks(ctx)
	if mgmt.IsNotFound(err) {
		links, err = nil, nil // federation plugin not enabled: no links
	}
	if err != nil {
		return err
	}
	views := linkViews(links, t.Cluster.Federation.ExpectedLinks)
	t.setLinks(views)
	ch <- t.gauge(linksExpectedDesc, float64(len(t.Cluster.Federation.ExpectedLinks)))
	for _, v := range views {
		labels := v.labels(t.Cluster)
		emitStates(t, ch, linkStatusDesc, labels, knownLinkStatuses, v.status)
		if v.errorText != "" {
			ch <- t.gauge(linkErrorDesc, 1, append(labels, linkErrorReason(v.errorText))...)
		}
	}
	return nil
}

// linkViews merges the links the cluster runs with the ones it should run,
// sorted so that output order does not depend on map iteration.
func linkViews(links []mgmt.FederationLink, expected []config.ExpectedLink) []*linkView {
	byID := map[linkID]*linkView{}
	for i := range links {
		v := viewOf(&links[i])
		if prev, dup := byID[v.id]; dup && prev.status != "running" {
			continue // one link run by several nodes: keep the worst status
		}
		byID[v.id] = v
	}
	for _, e := range expected {
		id := expectedID(e)
		if _, ok := byID[id]; !ok {
			byID[id] = &linkView{id: id, status: "missing", upstreamVhost: "/", upstreamName: id.exchange + id.queue}
		}
	}
	views := make([]*linkView, 0, len(byID))
	for _, v := range byID {
		views = append(views, v)
	}
	sort.Slice(views, func(i, j int) bool { return views[i].id.String() < views[j].id.String() })
	return views
}

func (id linkID) String() string {
	return strings.Join([]string{id.vhost, id.upstream, id.typ, id.exchange, id.queue}, "\x00")
}

func (v *linkView) labels(cl *config.Cluster) []string {
	return []string{v.id.vhost, v.id.upstream, cl.Federation.UpstreamCluster(v.id.upstream), v.id.typ, v.id.exchange, v.id.queue}
}

// federationBacklogCollector joins each link to its queue on the upstream
// cluster, which the exporter also scrapes: that queue's depth is the
// link's backlog. One cheap lookup per link, every scrape.
type federationBacklogCollector struct{}

func (federationBacklogCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	// When the link list is being read in this scrape, use the fresh one.
	if err := t.await(ctx, "federation"); err != nil {
		return err
	}
	depths := upstreamDepths{}
	for _, v := range t.links() {
		if peer := t.Peer(t.Cluster.Federation.UpstreamCluster(v.id.upstream)); peer != nil {
			depths.want(peer, v.upstreamVhost, upstreamQueueOf(t, v))
		}
	}
	for _, v := range t.links() {
		emitBacklog(ctx, t, ch, v.labels(t.Cluster), v, t.Cluster.Federation.UpstreamCluster(v.id.upstream), depths)
	}
	return nil
}

// upstreamQueueOf is the queue the link consumes from on its upstream.
func upstreamQueueOf(t *Target, v *linkView) string {
	if v.id.typ == "exchange" {
		return upstreamQueueName(v.upstreamName, v.upstreamVhost, t.Overview().ClusterName, v.id.exchange, v.id.vhost)
	}
	return v.upstreamName
}

// upstreamDepths reads, once per scrape, the link queues' depths on upstream
// clusters that read their figures from Prometheus: one request per upstream
// node per upstream vhost, naming the link queues (which 4.3 filters on).
type upstreamDepths map[[2]string]*vhostDepths

type vhostDepths struct {
	names  []string
	read   bool
	queues map[string]mgmt.Queue
}

func (d upstreamDepths) want(peer *Scraper, vhost, name string) {
	key := [2]string{peer.Cluster.Name, vhost}
	if d[key] == nil {
		d[key] = &vhostDepths{queues: map[string]mgmt.Queue{}}
	}
	d[key].names = append(d[key].names, name)
}

// queue finds a queue's depth on peer's nodes, reading its vhost the first time.
func (d upstreamDepths) queue(ctx context.Context, t *Target, peer *Scraper, vhost, name string) (mgmt.Queue, bool) {
	key := [2]string{peer.Cluster.Name, vhost}
	vd := d[key]
	if vd == nil {
		d.want(peer, vhost, name)
		vd = d[key]
	}
	if !vd.read {
		vd.read = true
		err := t.eachBrokerQueue(ctx, peer, vhost, vd.names, "federation_backlog", func(q *mgmt.Queue) { vd.queues[q.Name] = *q })
		if err != nil {
			t.countError("federation_backlog", err)
			t.logger.Warn("upstream's Prometheus endpoint failed", "upstream_cluster", peer.Cluster.Name, "err", err)
		}
	}
	q, ok := vd.queues[name]
	return q, ok
}

func viewOf(l *mgmt.FederationLink) *linkView {
	v := &linkView{
		id:            linkID{vhost: l.Vhost, upstream: l.Upstream, typ: l.Type, exchange: l.Exchange, queue: l.Queue},
		status:        l.Status,
		errorText:     l.Error,
		upstreamVhost: vhostOfURI(l.URI),
	}
	if v.status == "" {
		v.status = "unknown"
	}
	if l.Type == "queue" {
		v.upstreamName = firstNonEmpty(l.UpstreamQueue, l.Queue)
	} else {
		v.upstreamName = firstNonEmpty(l.UpstreamExchange, l.Exchange)
	}
	return v
}

func expectedID(e config.ExpectedLink) linkID {
	id := linkID{vhost: e.Vhost, upstream: e.Upstream, exchange: e.Exchange, queue: e.Queue, typ: "exchange"}
	if e.Queue != "" {
		id.typ = "queue"
	}
	return id
}

// emitBacklog reads the link's queue on the upstream cluster. A failure here
// costs the backlog series of this link only, never the link status.
func emitBacklog(ctx context.Context, t *Target, ch chan<- prometheus.Metric, labels []string, v *linkView, upCluster string, depths upstreamDepths) {
	peer := t.Peer(upCluster)
	if peer == nil || !peer.Reachable() {
		return // upstream not scraped by this exporter, or down: nothing to join
	}
	name := upstreamQueueOf(t, v)
	fromProm := func() {
		// Depths only: the endpoint has no consumer count nor rates, so
		// neither consumers nor lag is exported for this link.
		if q, ok := depths.queue(ctx, t, peer, v.upstreamVhost, name); ok {
			emitSet(t, ch, backlogDesc, q.Messages, labels...)
			emitSet(t, ch, backlogUnackedDesc, q.MessagesUnacknowledged, labels...)
		}
	}
	if peer.peerSource() == config.FiguresPrometheus {
		fromProm()
		return
	}
	q, err := peer.Client.Queue(ctx, v.upstreamVhost, name)
	if err != nil {
		if !mgmt.IsNotFound(err) {
			t.countError("federation_backlog", err)
		}
		return
	}
	if !q.Messages.Set {
		// The upstream collects no statistics. Not scraped here yet (another
		// replica's share), with auto it would read from Prometheus: so do
		// its links, from now on.
		if peer.Cluster.FiguresFrom == config.FiguresAuto {
			peer.figures.last.Store(config.FiguresPrometheus)
			fromProm()
		}
		return
	}
	ch <- t.gauge(backlogDesc, q.Messages.Value, labels...)
	emitSet(t, ch, backlogUnackedDesc, q.MessagesUnacknowledged, labels...)
	emitSet(t, ch, upstreamConsumersDesc, q.Consumers, labels...)
	if q.MessageStats.Publish.Set {
		ch <- t.counter(upstreamPublishedDesc, q.MessageStats.Publish.Value, labels...)
	}
	if q.MessageStats.Ack.Set {
		ch <- t.counter(upstreamAckedDesc, q.MessageStats.Ack.Value, labels...)
	}
	drain := q.MessageStats.AckDetails.Rate.Value
	if r := q.MessageStats.DeliverGetDetails.Rate.Value; r > drain {
		drain = r // links in no-ack mode deliver without acknowledging
	}
	ch <- t.gauge(lagDesc, drainSeconds(q.Messages.Value, drain), labels...)
}

// drainSeconds estimates how long a backlog takes to clear at a drain rate.
func drainSeconds(backlog, perSecond float64) float64 {
	switch {
	case backlog <= 0:
		return 0
	case perSecond <= 0:
		return math.Inf(1)
	}
	return backlog / perSecond
}

// upstreamQueueName is the queue an exchange link consumes from on the
// upstream, as the federation plugin names it:
// "federation: <upstream exchange> -> <downstream cluster_name>", followed by
// ":<exchange>" when the downstream exchange has another name, or
// ":<vhost>:<exchange>" when it lives in another vhost.
func upstreamQueueName(upExchange, upVhost, downCluster, downExchange, downVhost string) string {
	suffix := ""
	switch {
	case downVhost != upVhost:
		suffix = ":" + downVhost + ":" + downExchange
	case downExchange != upExchange:
		suffix = ":" + downExchange
	}
	return "federation: " + upExchange + " -> " + downCluster + suffix
}

// vhostOfURI returns the vhost an upstream URI points at ("/" by default).
// The management API shows the URI without credentials.
func vhostOfURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" || u.Path == "/" {
		return "/"
	}
	return strings.TrimPrefix(u.Path, "/")
}

// linkErrorReason reduces the Erlang error term to a short, bounded label
// value; the full text may carry hosts and is too varied to be a label.
func linkErrorReason(text string) string {
	s := strings.ToLower(text)
	switch {
	case strings.Contains(s, "econnrefused"):
		return "connection_refused"
	case strings.Contains(s, "timeout"), strings.Contains(s, "etimedout"):
		return "timeout"
	case strings.Contains(s, "access_refused"), strings.Contains(s, "auth"):
		return "auth_failure"
	case strings.Contains(s, "nxdomain"):
		return "nxdomain"
	case strings.Contains(s, "not_found"):
		return "not_found"
	case strings.Contains(s, "tls"), strings.Contains(s, "ssl"):
		return "tls"
	}
	return "other"
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
