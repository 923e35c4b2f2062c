// Package fakemgmt serves a made-up RabbitMQ cluster's management API at
// any size, for benchmarks and tests of the exporter: full objects shaped
// like the ones RabbitMQ 3.10.8 returns (the templates in testdata were
// captured from the testbed), with the API's columns=, paging and sort=
// behaviour, basic authentication and JSON errors. Content follows from a
// seed, so the numbers a scrape must find are known exactly (Expected), and
// every request and byte served is counted per endpoint (Stats).
//
// Objects are never held: each list is written item by item from templates
// compiled for the request's columns, with a few per-item values computed
// from the item's index.
package fakemgmt

import (
	"embed"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
)

//go:embed testdata/*.json
var templates embed.FS

// Mix weighs the protocols of a cluster's connections.
type Mix struct{ MQTT, STOMP, AMQP float64 }

func (m Mix) total() float64 { return m.MQTT + m.STOMP + m.AMQP }

// GatewayMix is a device gateway: mostly MQTT 3.1.1, some STOMP and AMQP.
var GatewayMix = Mix{MQTT: 85, STOMP: 10, AMQP: 5}

// BackendMix is a backend cluster: services over AMQP, a few STOMP.
var BackendMix = Mix{MQTT: 0, STOMP: 10, AMQP: 90}

// Config describes one synthetic cluster.
type Config struct {
	Name        string // cluster_name, and the prefix of node and object names
	Seed        uint64
	Nodes       int      // default 3
	Vhosts      []string // default ["/"]; "/" is always there
	Connections int
	Queues      int // device queues, besides the federation queues of Downstreams
	Mix         Mix // default GatewayMix
	// Upstreams are the clusters this one federates exchange "devices" from:
	// one link each in /api/federation-links.
	Upstreams []string
	// Downstreams federate from this cluster: each has its upstream queue
	// "federation: devices -> <name>" here, in vhost "/".
	Downstreams []string
	// Username and Password are required by basic authentication.
	Username, Password string
	// Backend marks the fleet's backend cluster (role backend in the
	// exporter's configuration); the others are gateways.
	Backend bool
	// NoShovels answers /api/shovels with 404, as a node without the plugin.
	NoShovels bool
}

// Cluster is one synthetic cluster: an http.Handler serving its management API.
type Cluster struct {
	cfg Config

	connTpl                        [3]*value
	queueTpl, queueTotalsTpl       *value
	queueDetailTpl                 *value // one queue by name: adds consumer_details, deliveries, incoming
	queueNoStatsTpl                *value
	overviewTpl, linkTpl, vhostTpl *value
	nodes, vhosts, links           []*value
	nodeJSON, vhostJSON, nodeIPs   [][]byte
	expected                       Expected
	stats                          [numEndpoints]endpointCounters
	fullSizes                      sync.Map // request key -> int64
	orders                         sync.Map // order key -> []int32
}

// Expected is what a scrape of the whole cluster must find.
type Expected struct {
	// Connections counts connections by node, vhost, protocol (as the API
	// writes it: "MQTT 3.1.1") and state.
	Connections map[ConnectionKey]int
	// Vhosts holds the totals of each vhost's queues.
	Vhosts map[string]VhostTotals
	// Queues is every queue, federation queues included.
	Queues int
	// Links are the federation links' upstream names.
	Links []string
}

// ConnectionKey groups connections the way the exporter labels them.
type ConnectionKey struct{ Node, Vhost, Protocol, State string }

// VhostTotals are the sums over one vhost's queues.
type VhostTotals struct {
	Queues, Consumers, QueuesWithoutConsumers int
	Messages, Ready, Unacknowledged           int64
	MessagesWithoutConsumers                  int64
}

// ConnectionsByProtocol sums Connections per protocol string.
func (e Expected) ConnectionsByProtocol() map[string]int {
	m := map[string]int{}
	for k, n := range e.Connections {
		m[k.Protocol] += n
	}
	return m
}

// New builds a cluster; it walks every item once to know the totals.
func New(cfg Config) (*Cluster, error) {
	if cfg.Name == "" {
		return nil, fmt.Errorf("synthetic: cluster name is required")
	}
	if cfg.Nodes <= 0 {
		cfg.Nodes = 3
	}
	if cfg.Mix.total() <= 0 {
		cfg.Mix = GatewayMix
	}
	vhosts := []string{"/"}
	for _, v := range cfg.Vhosts {
		if v != "/" {
			vhosts = append(vhosts, v)
		}
	}
	cfg.Vhosts = vhosts
	c := &Cluster{cfg: cfg}
	if err := c.buildTemplates(); err != nil {
		return nil, err
	}
	c.countExpected()
	return c, nil
}

// Name is the cluster's name.
func (c *Cluster) Name() string { return c.cfg.Name }

// Expected returns the numbers a complete scrape must find.
func (c *Cluster) Expected() Expected { return c.expected }

func (c *Cluster) nodeName(k int) string { return fmt.Sprintf("rabbit@%s-%d", c.cfg.Name, k+1) }

func load(name string) (*value, error) {
	b, err := templates.ReadFile("testdata/" + name)
	if err != nil {
		return nil, err
	}
	v, err := parseTemplate(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}

func (c *Cluster) buildTemplates() error {
	files := map[string]**value{
		"connection-mqtt.json": &c.connTpl[mqttKind], "connection-stomp.json": &c.connTpl[stompKind],
		"connection-amqp.json": &c.connTpl[amqpKind], "queue.json": &c.queueTpl, "queue-totals.json": &c.queueTotalsTpl,
		"queue-detail.json": &c.queueDetailTpl,
		"overview.json":     &c.overviewTpl, "federation-link.json": &c.linkTpl, "vhost.json": &c.vhostTpl,
	}
	for name, dst := range files {
		v, err := load(name)
		if err != nil {
			return err
		}
		*dst = v
	}
	nodeTpl, err := load("node.json")
	if err != nil {
		return err
	}
	for k := range c.cfg.Nodes {
		c.nodeJSON = append(c.nodeJSON, appendString(nil, c.nodeName(k)))
		c.nodeIPs = append(c.nodeIPs, fmt.Appendf(nil, "10.255.0.%d", k+1))
	}
	for _, v := range c.cfg.Vhosts {
		c.vhostJSON = append(c.vhostJSON, appendString(nil, v))
	}

	for kind, t := range c.connTpl {
		for path, s := range map[string]slot{"name": slotName, "node": slotNode, "vhost": slotVhost, "state": slotState,
			"peer_host": slotPeerHost, "peer_port": slotPeerPort, "connected_at": slotConnectedAt, "recv_oct": slotRecvOct,
			"send_oct": slotSendOct, "recv_cnt": slotRecvCnt, "send_cnt": slotSendCnt} {
			t.bind(path, s)
		}
		t.set("host", string(c.nodeIPs[0]))
		t.set("port", listenerPorts[kind])
		switch kind {
		case mqttKind:
			t.bind("client_properties.client_id", slotClientID)
			t.bind("variable_map.client_id", slotClientID)
		case amqpKind:
			t.bind("user_provided_name", slotClientID)
			t.bind("client_properties.connection_name", slotClientID)
			t.markOpaque("client_properties") // an AMQP table, returned whole
			t.set("client_properties.product", "device-agent")
		}
	}

	for _, q := range []*value{c.queueTpl, c.queueDetailTpl} {
		for path, s := range map[string]slot{"name": slotName, "node": slotNode, "vhost": slotVhost, "state": slotState,
			"messages": slotMessages, "messages_ready": slotReady, "messages_unacknowledged": slotUnacked,
			"consumers": slotConsumers, "memory": slotMemory, "backing_queue_status.len": slotMessages,
			"messages_ram": slotMessages, "messages_ready_ram": slotReady, "messages_unacknowledged_ram": slotUnacked,
			"message_stats.publish": slotPublish, "message_stats.ack": slotAck, "message_stats.deliver": slotDeliverGet,
			"message_stats.deliver_get": slotDeliverGet, "message_stats.publish_details.rate": slotPublishRate,
			"message_stats.ack_details.rate": slotAckRate, "message_stats.deliver_get_details.rate": slotDeliverGetRate,
			"message_stats.deliver_details.rate": slotDeliverGetRate} {
			q.bind(path, s)
		}
		q.markOpaque("arguments", "backing_queue_status", "effective_policy_definition")
	}
	qt := c.queueTotalsTpl
	for path, s := range map[string]slot{"name": slotName, "node": slotNode, "vhost": slotVhost, "state": slotState,
		"messages": slotMessages, "messages_ready": slotReady, "messages_unacknowledged": slotUnacked} {
		qt.bind(path, s)
	}
	qt.markOpaque("arguments")
	// disable_stats alone: no message counts, and the state reads "live".
	c.queueNoStatsTpl = qt.clone()
	c.queueNoStatsTpl.remove("messages", "messages_ready", "messages_unacknowledged")
	c.queueNoStatsTpl.set("state", "live")

	for k := range c.cfg.Nodes {
		n := nodeTpl.clone()
		n.set("name", c.nodeName(k))
		n.set("running", true)
		n.set("mem_used", 1_200_000_000+int64(k)*37_000_000)
		n.set("mem_limit", 13_000_000_000)
		n.set("fd_used", c.cfg.Connections/c.cfg.Nodes+120)
		n.set("fd_total", 1_048_576)
		n.set("sockets_used", c.cfg.Connections/c.cfg.Nodes)
		n.set("sockets_total", 943_629)
		n.set("proc_used", 3*c.cfg.Connections/c.cfg.Nodes+600)
		n.set("proc_total", 4_194_304)
		n.set("uptime", 86_400_000+int64(k)*1000)
		n.set("partitions", []string{})
		n.set("connection_created", c.cfg.Connections/c.cfg.Nodes+1000)
		n.set("connection_closed", 1000)
		n.set("queue_created", c.cfg.Queues/c.cfg.Nodes+200)
		n.set("queue_deleted", 200)
		n.set("queue_declared", c.cfg.Queues/c.cfg.Nodes+900)
		n.set("channel_created", c.cfg.Connections/c.cfg.Nodes+1500)
		n.set("channel_closed", 1500)
		c.nodes = append(c.nodes, n)
	}
	for i, up := range c.cfg.Upstreams {
		l := c.linkTpl.clone()
		l.set("node", c.nodeName(i%c.cfg.Nodes))
		l.set("upstream", up)
		l.set("id", fmt.Sprintf("%08x", uint32(mix(c.cfg.Seed, 4, i))))
		l.set("uri", "amqp://"+up+".internal:5672")
		local := fmt.Sprintf("<%s.1795499438.%d.0>", c.nodeName(i%c.cfg.Nodes), 800+i)
		l.set("local_connection", local)
		l.set("local_channel.name", local+" (1)")
		l.set("local_channel.connection_details.name", local)
		l.set("local_channel.node", c.nodeName(i%c.cfg.Nodes))
		c.links = append(c.links, l)
	}
	c.overviewTpl.set("cluster_name", c.cfg.Name)
	c.overviewTpl.set("node", c.nodeName(0))
	c.overviewTpl.markOpaque("message_stats", "churn_rates", "queue_totals", "object_totals", "sample_retention_policies")
	return nil
}

// countExpected walks every item once, and fills in the totals that
// /api/overview and /api/vhosts report.
func (c *Cluster) countExpected() {
	e := Expected{Connections: map[ConnectionKey]int{}, Vhosts: map[string]VhostTotals{}, Links: c.cfg.Upstreams}
	for i := range c.cfg.Connections {
		cn := c.conn(i)
		e.Connections[ConnectionKey{c.nodeName(cn.node), c.cfg.Vhosts[cn.vhost], protocolNames[cn.kind], cn.state()}]++
	}
	e.Queues = c.numQueues()
	vt := make([]VhostTotals, len(c.cfg.Vhosts))
	for j := range e.Queues {
		q := c.queue(j)
		t := &vt[q.vhost]
		t.Queues++
		t.Consumers += int(q.consumers)
		t.Messages += q.messages
		t.Ready += q.messages - q.unacked
		t.Unacknowledged += q.unacked
		if q.consumers == 0 {
			t.QueuesWithoutConsumers++
			t.MessagesWithoutConsumers += q.messages
		}
	}
	var all VhostTotals
	for i, name := range c.cfg.Vhosts {
		e.Vhosts[name] = vt[i]
		all.Messages += vt[i].Messages
		all.Ready += vt[i].Ready
		all.Unacknowledged += vt[i].Unacknowledged
		all.Consumers += vt[i].Consumers
		v := c.vhostTpl.clone()
		v.set("name", name)
		v.set("messages", vt[i].Messages)
		v.set("messages_ready", vt[i].Ready)
		v.set("messages_unacknowledged", vt[i].Unacknowledged)
		state := map[string]string{}
		for k := range c.cfg.Nodes {
			state[c.nodeName(k)] = "running"
		}
		v.set("cluster_state", state)
		c.vhosts = append(c.vhosts, v)
	}
	c.overviewTpl.set("object_totals.channels", c.cfg.Connections)
	c.overviewTpl.set("object_totals.connections", c.cfg.Connections)
	c.overviewTpl.set("object_totals.consumers", all.Consumers)
	c.overviewTpl.set("object_totals.exchanges", 9+2*len(c.cfg.Vhosts))
	c.overviewTpl.set("object_totals.queues", e.Queues)
	c.overviewTpl.set("queue_totals.messages", all.Messages)
	c.overviewTpl.set("queue_totals.messages_ready", all.Ready)
	c.overviewTpl.set("queue_totals.messages_unacknowledged", all.Unacknowledged)
	c.expected = e
}

func (c *Cluster) numQueues() int { return len(c.cfg.Downstreams) + c.cfg.Queues }

// findQueue resolves a queue by vhost and name without an index of 100,000
// names: the device index is in the name, so try each run of digits.
func (c *Cluster) findQueue(vhost, name string) (int, bool) {
	match := func(j int) bool {
		q := c.queue(j)
		return c.cfg.Vhosts[q.vhost] == vhost && string(c.queueName(nil, q)) == name
	}
	for j := range c.cfg.Downstreams {
		if match(j) {
			return j, true
		}
	}
	for i := 0; i < len(name); {
		if name[i] < '0' || name[i] > '9' {
			i++
			continue
		}
		k := i
		for k < len(name) && name[k] >= '0' && name[k] <= '9' {
			k++
		}
		if idx, err := strconv.Atoi(name[i:k]); err == nil && idx < c.cfg.Queues {
			if j := len(c.cfg.Downstreams) + idx; match(j) {
				return j, true
			}
		}
		i = k
	}
	return 0, false
}

func (c *Cluster) vhostIndex(name string) (int, bool) {
	for i, v := range c.cfg.Vhosts {
		if v == name {
			return i, true
		}
	}
	return 0, false
}

type endpointCounters struct{ requests, bytes, fullBytes atomic.Int64 }
