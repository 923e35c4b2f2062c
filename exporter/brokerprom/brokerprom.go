// Package brokerprom reads a cluster's figures from RabbitMQ's own Prometheus
// endpoint (rabbitmq_prometheus, /metrics/detailed) instead of the management
// API, for clusters that run without the management metrics collector. Each
// node serves only its own figures, so every node is asked, in parallel, and
// its figures are keyed by the node name it gives in rabbitmq_identity_info.
package brokerprom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// Endpoint names every request of this package in errors and request metrics.
const Endpoint = "/metrics/detailed"

// The families asked for. The node and churn families are read together, in
// one request per node per scrape; they exist under these names in 3.10,
// 3.13, 4.0 and 4.3 (an unknown family is answered with identity only, so a
// figure a version lacks is simply absent).
var (
	nodeFamilies  = []string{"connection_churn_metrics", "node_coarse_metrics", "node_metrics"}
	queueFamilies = []string{"queue_coarse_metrics"}
)

// Client asks every node of one cluster.
type Client struct {
	cluster  string
	nodes    []*mgmt.Client
	redacted []string // each node's URL as errors quote it
}

// New builds one client per node URL of o.URLs, each with o's timeout, size
// cap and its own circuit breaker: a node whose endpoint is down is left
// alone without holding back the others or the management API.
func New(o mgmt.Options) (*Client, error) {
	if o.Accept == "" {
		o.Accept = "text/plain;version=0.0.4"
	}
	c := &Client{cluster: o.Cluster}
	for _, u := range o.URLs {
		node := o
		node.URLs = []string{u}
		mc, err := mgmt.New(node)
		if err != nil {
			return nil, err
		}
		c.nodes = append(c.nodes, mc)
		c.redacted = append(c.redacted, redact(u))
	}
	return c, nil
}

// Close releases idle connections.
func (c *Client) Close() {
	if c == nil {
		return
	}
	for _, n := range c.nodes {
		n.Close()
	}
}

// Len is the number of nodes asked.
func (c *Client) Len() int { return len(c.nodes) }

// Node holds one node's figures; a figure the node did not serve is not Set.
type Node struct {
	Name string // from rabbitmq_identity_info

	FDUsed, FDLimit                      mgmt.Number
	SocketsUsed, SocketsLimit            mgmt.Number // 3.x only
	MemUsed, MemLimit                    mgmt.Number
	DiskFree, DiskFreeLimit              mgmt.Number
	ProcUsed, ProcLimit                  mgmt.Number
	RunQueue                             mgmt.Number
	UptimeSeconds                        mgmt.Number
	ConnectionsOpened, ConnectionsClosed mgmt.Number
	ChannelsOpened, ChannelsClosed       mgmt.Number
	QueuesDeclared, QueuesCreated        mgmt.Number
	QueuesDeleted                        mgmt.Number
}

// nodeFigures maps each sample name to its field.
var nodeFigures = map[string]func(*Node) *mgmt.Number{
	"rabbitmq_detailed_process_open_fds":                 func(n *Node) *mgmt.Number { return &n.FDUsed },
	"rabbitmq_detailed_process_max_fds":                  func(n *Node) *mgmt.Number { return &n.FDLimit },
	"rabbitmq_detailed_process_open_tcp_sockets":         func(n *Node) *mgmt.Number { return &n.SocketsUsed },
	"rabbitmq_detailed_process_max_tcp_sockets":          func(n *Node) *mgmt.Number { return &n.SocketsLimit },
	"rabbitmq_detailed_process_resident_memory_bytes":    func(n *Node) *mgmt.Number { return &n.MemUsed },
	"rabbitmq_detailed_resident_memory_limit_bytes":      func(n *Node) *mgmt.Number { return &n.MemLimit },
	"rabbitmq_detailed_disk_space_available_bytes":       func(n *Node) *mgmt.Number { return &n.DiskFree },
	"rabbitmq_detailed_disk_space_available_limit_bytes": func(n *Node) *mgmt.Number { return &n.DiskFreeLimit },
	"rabbitmq_detailed_erlang_processes_used":            func(n *Node) *mgmt.Number { return &n.ProcUsed },
	"rabbitmq_detailed_erlang_processes_limit":           func(n *Node) *mgmt.Number { return &n.ProcLimit },
	"rabbitmq_detailed_erlang_scheduler_run_queue":       func(n *Node) *mgmt.Number { return &n.RunQueue },
	"rabbitmq_detailed_erlang_uptime_seconds":            func(n *Node) *mgmt.Number { return &n.UptimeSeconds },
	"rabbitmq_detailed_connections_opened_total":         func(n *Node) *mgmt.Number { return &n.ConnectionsOpened },
	"rabbitmq_detailed_connections_closed_total":         func(n *Node) *mgmt.Number { return &n.ConnectionsClosed },
	"rabbitmq_detailed_channels_opened_total":            func(n *Node) *mgmt.Number { return &n.ChannelsOpened },
	"rabbitmq_detailed_channels_closed_total":            func(n *Node) *mgmt.Number { return &n.ChannelsClosed },
	"rabbitmq_detailed_queues_declared_total":            func(n *Node) *mgmt.Number { return &n.QueuesDeclared },
	"rabbitmq_detailed_queues_created_total":             func(n *Node) *mgmt.Number { return &n.QueuesCreated },
	"rabbitmq_detailed_queues_deleted_total":             func(n *Node) *mgmt.Number { return &n.QueuesDeleted },
}

// Queue is one queue's depth.
type Queue struct {
	Vhost, Name            string
	Node                   string // the node that served it
	Messages               mgmt.Number
	MessagesReady          mgmt.Number
	MessagesUnacknowledged mgmt.Number
}

// Nodes reads the node and churn families: one request per node. It returns
// the nodes that answered, and one error per node that did not (each names
// the node's URL); a failed node costs its own figures only.
func (c *Client) Nodes(ctx context.Context) ([]Node, []error) {
	pages, errs := c.each(ctx, url.Values{"family": nodeFamilies})
	nodes := make([]Node, 0, len(pages))
	seen := map[string]string{} // node name -> URL
	for _, p := range pages {
		// Two URLs reaching one node would export its series twice.
		if first, dup := seen[p.node]; dup {
			errs = append(errs, &mgmt.Error{Kind: mgmt.KindConfig, Cluster: c.cluster, Endpoint: Endpoint, Node: p.url,
				Err: fmt.Errorf("answers as node %s, as %s does: list each node once in prometheus_urls", p.node, first)})
			continue
		}
		seen[p.node] = p.url
		n := Node{Name: p.node}
		for name, field := range nodeFigures {
			if v, ok := p.single(name); ok {
				*field(&n) = mgmt.Number{Value: v, Set: true}
			}
		}
		nodes = append(nodes, n)
	}
	return nodes, errs
}

// Queues reads queue_coarse_metrics from every node, of one vhost when vhost
// is not empty and of the named queues only when names are given (the broker
// filters, so that a federation backlog lookup does not make a node render
// every queue: by vhost on every version, by name from 4.3, which takes a
// queue regexp; older versions ignore it and answer the whole vhost, from
// which the named queues are still the only ones the caller looks up).
// A queue served by several nodes (replicas of a quorum queue) is counted
// once: from its leader where the node says (queue_info's membership, 4.1+),
// else from the first node to serve it.
func (c *Client) Queues(ctx context.Context, vhost string, names ...string) ([]Queue, []error) {
	q := url.Values{"family": queueFamilies}
	if vhost != "" {
		q.Set("vhost", vhost)
	}
	if re := namesRegexp(names); re != "" {
		q.Set("queue", re)
	}
	pages, errs := c.each(ctx, q)
	type key struct{ vhost, name string }
	byKey := map[key]int{}
	leader := map[key]bool{}
	var queues []Queue
	for _, p := range pages {
		for _, qq := range p.queues() {
			k := key{qq.Vhost, qq.Name}
			isLeader := p.leaders[k.vhost+"\x00"+k.name]
			i, seen := byKey[k]
			switch {
			case !seen:
				byKey[k] = len(queues)
				queues = append(queues, qq)
			case isLeader && !leader[k]:
				queues[i] = qq
			default:
				continue
			}
			leader[k] = isLeader
		}
	}
	return queues, errs
}

// maxQueueFilter is RabbitMQ's limit on the queue regexp (a longer one is
// refused with 400): past it the whole vhost is asked for.
const maxQueueFilter = 2000

// namesRegexp matches exactly the given queue names, or is empty.
func namesRegexp(names []string) string {
	if len(names) == 0 {
		return ""
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	re := "^(?:" + strings.Join(quoted, "|") + ")$"
	if len(re) > maxQueueFilter {
		return ""
	}
	return re
}

// page is one node's parsed answer.
type page struct {
	url      string // the node's base URL, without user info
	node     string
	families map[string]*dto.MetricFamily
	leaders  map[string]bool // vhost\x00queue -> membership="leader"
}

// each asks every node at once with the same query, within ctx.
func (c *Client) each(ctx context.Context, q url.Values) ([]page, []error) {
	pages := make([]*page, len(c.nodes))
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages[i], errs[i] = fetch(ctx, n, q)
		}()
	}
	wg.Wait()
	var ok []page
	var failed []error
	for i := range pages {
		if errs[i] != nil {
			failed = append(failed, errs[i])
			continue
		}
		pages[i].url = c.redacted[i]
		ok = append(ok, *pages[i])
	}
	return ok, failed
}

func fetch(ctx context.Context, n *mgmt.Client, q url.Values) (*page, error) {
	var p *page
	err := n.Get(ctx, Endpoint, "/metrics/detailed", q, func(r io.Reader) error {
		var err error
		p, err = parse(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// redact drops user info (config refuses it, but errors must never carry it).
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

var errNoIdentity = errors.New("no rabbitmq_identity_info{rabbitmq_node}: not a RabbitMQ node's detailed endpoint")

// parse reads the text exposition format and finds the node's name.
func parse(r io.Reader) (*page, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("exposition text: %w", err)
	}
	p := &page{families: families, leaders: map[string]bool{}}
	if id := families["rabbitmq_identity_info"]; id != nil {
		for _, m := range id.GetMetric() {
			if v := label(m, "rabbitmq_node"); v != "" {
				p.node = v
			}
		}
	}
	if p.node == "" {
		return nil, errNoIdentity
	}
	if info := families["rabbitmq_detailed_queue_info"]; info != nil {
		for _, m := range info.GetMetric() {
			if label(m, "membership") == "leader" {
				p.leaders[label(m, "vhost")+"\x00"+label(m, "queue")] = true
			}
		}
	}
	return p, nil
}

// single is the value of a family with one unlabelled sample.
func (p *page) single(name string) (float64, bool) {
	f := p.families[name]
	if f == nil || len(f.GetMetric()) != 1 {
		return 0, false
	}
	return value(f.GetMetric()[0])
}

// queues gathers the three depth families by vhost and queue.
func (p *page) queues() []Queue {
	type key struct{ vhost, name string }
	byKey := map[key]*Queue{}
	var order []key
	for _, fig := range []struct {
		family string
		field  func(*Queue) *mgmt.Number
	}{
		{"rabbitmq_detailed_queue_messages", func(q *Queue) *mgmt.Number { return &q.Messages }},
		{"rabbitmq_detailed_queue_messages_ready", func(q *Queue) *mgmt.Number { return &q.MessagesReady }},
		{"rabbitmq_detailed_queue_messages_unacked", func(q *Queue) *mgmt.Number { return &q.MessagesUnacknowledged }},
	} {
		f := p.families[fig.family]
		if f == nil {
			continue
		}
		for _, m := range f.GetMetric() {
			v, ok := value(m)
			if !ok {
				continue
			}
			k := key{label(m, "vhost"), label(m, "queue")}
			q := byKey[k]
			if q == nil {
				q = &Queue{Vhost: k.vhost, Name: k.name, Node: p.node}
				byKey[k] = q
				order = append(order, k)
			}
			*fig.field(q) = mgmt.Number{Value: v, Set: true}
		}
	}
	out := make([]Queue, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out
}

func value(m *dto.Metric) (float64, bool) {
	switch {
	case m.Gauge != nil:
		return m.Gauge.GetValue(), true
	case m.Counter != nil:
		return m.Counter.GetValue(), true
	case m.Untyped != nil:
		return m.Untyped.GetValue(), true
	}
	return 0, false
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
