package capacity

import (
	"math"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
)

// BackendNode is how many messages per second one backend node carries
// while it holds its share of the backend's connections. A backend's load
// is messages (every gateway's federated device traffic and its own), not
// device connections, so it is sized by them; its connections only have
// to fit in memory and file descriptors.
type BackendNode struct {
	// MessagesPerSecond is the minimum over ByResource.
	MessagesPerSecond float64
	// Binding is the resource that gives the minimum: cpu or network, or
	// memory or fd when the node cannot hold its connections at all.
	Binding string
	// ByResource is the messages per second each resource allows: cpu,
	// network (absent when the profile gives no message size), and
	// memory and fd at 0 only when the connections (and, for memory, the
	// messages waiting in queues) exceed them: they put no bound on the
	// messages passing through otherwise.
	ByResource map[string]float64
}

// BackendLoad is what one backend node holds besides the messages it
// passes on: its share of the connections, each opening OpensPerConnection
// new ones a second (churn), and of the messages waiting in queues, each
// taking BytesPerQueued of memory.
type BackendLoad struct {
	Connections, OpensPerConnection float64
	Queued, BytesPerQueued          float64
}

// PerBackendNode is one node of type t holding the load l:
//
//	cpu      (vCPU·target − cpu base − connections·(idle + opens/s·cpu per open)) / cpu per message
//	network  Gbps·10⁹/8·NetworkUtilisation / bytes per message
//	memory   0 when base + connections·memory per connection + queued·bytes per queued message > GiB·2³⁰·watermark
//	fd       0 when fd base + connections·fds per connection > fd limit
//
// The smallest binds; ties go to the earlier of memory, cpu, fd, network.
// Like PerNode it never panics and never returns NaN: a figure undefined
// for bad inputs counts as 0 messages.
func PerBackendNode(p Profile, t catalog.InstanceType, l BackendLoad, limits Limits) BackendNode {
	n := BackendNode{ByResource: map[string]float64{}}
	if p.MemoryBaseBytes+l.Connections*p.MemoryPerConnectionBytes+l.Queued*l.BytesPerQueued > t.MemoryGiB*(1<<30)*limits.MemoryHighWatermark {
		n.add(Memory, 0)
	}
	perConn := p.CPUSecondsPerConnectionIdle + l.OpensPerConnection*p.CPUSecondsPerOpen
	n.add(CPU, (float64(t.VCPU)*limits.CPUTarget-limits.CPUBase-l.Connections*perConn)/p.CPUSecondsPerMessage)
	if limits.FDBase+l.Connections*p.FDsPerConnection > limits.FDLimit {
		n.add(FD, 0)
	}
	if p.BytesPerMessage > 0 {
		n.add(Network, t.NetworkGbps*1e9/8*NetworkUtilisation/p.BytesPerMessage)
	}
	return n
}

// add records one resource's capacity and keeps the strict minimum, so the
// first of equals stays binding.
func (n *BackendNode) add(resource string, v float64) {
	if !(v > 0) || math.IsInf(v, 0) {
		v = 0
	}
	n.ByResource[resource] = v
	if n.Binding == "" || v < n.MessagesPerSecond {
		n.MessagesPerSecond, n.Binding = v, resource
	}
}
