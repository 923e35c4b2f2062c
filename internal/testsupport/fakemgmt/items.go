package fakemgmt

import (
	"math"
	"strconv"
)

// slot names a per-item value written into a template.
type slot uint8

const (
	_ slot = iota
	slotName
	slotNode
	slotVhost
	slotState
	slotPeerHost
	slotPeerPort
	slotClientID
	slotConnectedAt
	slotRecvOct
	slotSendOct
	slotRecvCnt
	slotSendCnt
	slotMessages
	slotReady
	slotUnacked
	slotConsumers
	slotPublish
	slotAck
	slotDeliverGet
	slotPublishRate
	slotAckRate
	slotDeliverGetRate
	slotMemory
)

// Protocols as the management API of RabbitMQ 3.10 writes them.
const (
	ProtocolMQTT  = "MQTT 3.1.1"
	ProtocolSTOMP = "STOMP 1.2"
	ProtocolAMQP  = "AMQP 0-9-1"
)

const (
	mqttKind = iota
	stompKind
	amqpKind
)

var protocolNames = [...]string{ProtocolMQTT, ProtocolSTOMP, ProtocolAMQP}

// mix is splitmix64 over (seed, stream, i): every attribute of every item
// follows from the seed alone, so nothing per item is stored.
func mix(seed, stream uint64, i int) uint64 {
	x := seed ^ stream*0x9E3779B97F4A7C15 ^ (uint64(i)+1)*0xD1B54A32D192ED03
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}

// conn is what varies between connections.
type conn struct {
	h     uint64
	kind  int
	node  int
	vhost int
	flow  bool // an AMQP publisher throttled by flow control
}

func (c *Cluster) conn(i int) conn {
	h := mix(c.cfg.Seed, 1, i)
	r := float64(h%10000) / 10000
	kind := amqpKind
	switch m := c.cfg.Mix; {
	case r < m.MQTT/m.total():
		kind = mqttKind
	case r < (m.MQTT+m.STOMP)/m.total():
		kind = stompKind
	}
	return conn{h: h, kind: kind, node: int(h>>16) % c.cfg.Nodes, vhost: int(h>>32) % len(c.cfg.Vhosts),
		flow: kind == amqpKind && (h>>48)%50 == 0}
}

func (c conn) state() string {
	if c.flow {
		return "flow"
	}
	return "running"
}

// queue is what varies between queues. The first queues are the upstream
// queues of federation links from other clusters, then device queues.
type queue struct {
	h          uint64
	idx        int // device index, or -1 for a federation queue
	federation string
	kind       int
	node       int
	vhost      int
	messages   int64
	unacked    int64
	consumers  int64
}

func (c *Cluster) queue(j int) queue {
	if j < len(c.cfg.Downstreams) {
		h := mix(c.cfg.Seed, 3, j)
		return queue{h: h, idx: -1, federation: c.cfg.Downstreams[j], vhost: 0, messages: int64(h % 50), consumers: 1}
	}
	idx := j - len(c.cfg.Downstreams)
	h := mix(c.cfg.Seed, 2, idx)
	q := queue{h: h, idx: idx, node: int(h>>16) % c.cfg.Nodes, vhost: int(h>>32) % len(c.cfg.Vhosts), consumers: 1}
	switch r := h % 100; {
	case r < 85:
		q.kind = mqttKind
	case r < 95:
		q.kind = stompKind
	default:
		q.kind = amqpKind
	}
	if (h>>8)%20 == 0 {
		q.consumers = 0 // a device offline: its commands wait
	}
	// A long tail: 70% empty, the rest spread over six decades.
	u := float64((h>>40)&0xFFFFFF) / (1 << 24)
	if u >= 0.7 {
		x := (u - 0.7) / 0.3
		q.messages = int64(math.Pow(10, 6*x*x*x))
		if q.consumers > 0 {
			q.unacked = q.messages % 3
		}
	}
	return q
}

func (c *Cluster) queueName(dst []byte, q queue) []byte {
	if q.idx < 0 {
		dst = append(dst, "federation: devices -> "...)
		return append(dst, q.federation...)
	}
	switch q.kind {
	case mqttKind:
		dst = append(dst, "mqtt-subscription-"...)
		dst = append(dst, c.cfg.Name...)
		dst = append(dst, "-dev-"...)
		dst = appendPadded(dst, q.idx)
		return append(dst, "qos1"...)
	case stompKind:
		dst = append(dst, "stomp-subscription-"...)
		dst = append(dst, c.cfg.Name...)
		dst = append(dst, '-')
		return appendPadded(dst, q.idx)
	}
	dst = append(dst, "commands."...)
	dst = append(dst, c.cfg.Name...)
	dst = append(dst, '.')
	return appendPadded(dst, q.idx)
}

// appendPadded writes i with at least seven digits.
func appendPadded(dst []byte, i int) []byte {
	for p := 1000000; p > 1 && i < p; p /= 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(i), 10)
}

// connSlot writes connection i's value for s.
func (c *Cluster) connSlot(dst []byte, s slot, i int) []byte {
	cn := c.conn(i)
	switch s {
	case slotName:
		dst = append(dst, '"')
		dst = appendPeer(dst, i)
		dst = append(dst, ':')
		dst = strconv.AppendUint(dst, peerPort(cn.h), 10)
		dst = append(dst, " -> "...)
		dst = append(dst, c.nodeIPs[cn.node]...)
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, int64(listenerPorts[cn.kind]), 10)
		return append(dst, '"')
	case slotNode:
		return append(dst, c.nodeJSON[cn.node]...)
	case slotVhost:
		return append(dst, c.vhostJSON[cn.vhost]...)
	case slotState:
		return appendString(dst, cn.state())
	case slotPeerHost:
		dst = append(dst, '"')
		return append(appendPeer(dst, i), '"')
	case slotPeerPort:
		return strconv.AppendUint(dst, peerPort(cn.h), 10)
	case slotClientID:
		dst = append(dst, '"')
		dst = append(dst, c.cfg.Name...)
		dst = append(dst, "-dev-"...)
		return append(appendPadded(dst, i), '"')
	case slotConnectedAt:
		return strconv.AppendUint(dst, 1795400000000+(cn.h>>8)%86400000, 10)
	case slotRecvOct:
		return strconv.AppendUint(dst, 500+(cn.h>>12)%100000, 10)
	case slotSendOct:
		return strconv.AppendUint(dst, 800+(cn.h>>14)%100000, 10)
	case slotRecvCnt:
		return strconv.AppendUint(dst, 40+(cn.h>>18)%1000, 10)
	case slotSendCnt:
		return strconv.AppendUint(dst, 50+(cn.h>>22)%1000, 10)
	}
	panic("synthetic: no connection slot " + strconv.Itoa(int(s)))
}

// Listener ports by protocol kind, as on a gateway node.
var listenerPorts = [...]int{1883, 61613, 5672}

func peerPort(h uint64) uint64 { return 1024 + (h>>20)%64000 }

func appendPeer(dst []byte, i int) []byte {
	dst = append(dst, "10."...)
	dst = strconv.AppendInt(dst, int64(i>>16&255), 10)
	dst = append(dst, '.')
	dst = strconv.AppendInt(dst, int64(i>>8&255), 10)
	dst = append(dst, '.')
	return strconv.AppendInt(dst, int64(i&255), 10)
}

// queueSlot writes queue j's value for s.
func (c *Cluster) queueSlot(dst []byte, s slot, j int) []byte {
	q := c.queue(j)
	publish := int64(q.h>>4%100000) + q.messages
	ack := publish - q.messages
	switch s {
	case slotName:
		dst = append(dst, '"')
		dst = c.queueName(dst, q)
		return append(dst, '"')
	case slotNode:
		return append(dst, c.nodeJSON[q.node]...)
	case slotVhost:
		return append(dst, c.vhostJSON[q.vhost]...)
	case slotState:
		return append(dst, `"running"`...)
	case slotMessages:
		return strconv.AppendInt(dst, q.messages, 10)
	case slotReady:
		return strconv.AppendInt(dst, q.messages-q.unacked, 10)
	case slotUnacked:
		return strconv.AppendInt(dst, q.unacked, 10)
	case slotConsumers:
		return strconv.AppendInt(dst, q.consumers, 10)
	case slotPublish:
		return strconv.AppendInt(dst, publish, 10)
	case slotAck:
		return strconv.AppendInt(dst, ack, 10)
	case slotDeliverGet:
		return strconv.AppendInt(dst, ack+q.unacked, 10)
	case slotPublishRate, slotAckRate, slotDeliverGetRate:
		if q.consumers == 0 && s != slotPublishRate {
			return append(dst, "0.0"...)
		}
		return strconv.AppendFloat(dst, float64(q.h>>24%50)/10, 'f', 1, 64)
	case slotMemory:
		return strconv.AppendInt(dst, 10000+q.messages*40, 10)
	}
	panic("synthetic: no queue slot " + strconv.Itoa(int(s)))
}
