// Package sizing chooses, for each gateway and month, the cheapest nodes x
// instance type that carry the upper forecast with the targets' headroom
// and redundancy and pass the reconnection-storm check, and says how long
// the current deployment lasts.
package sizing

import (
	"math"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
)

// HoursPerMonth prices a month: 365·24/12.
const HoursPerMonth = 730

// The targets that can bound a deployment's capacity, in the order ties
// are named.
const (
	// LimitHeadroom: (nodes − redundancy)·capacity ≥ upper·(1 + headroom).
	LimitHeadroom = "headroom"
	// LimitStormTime: after losing its largest node, the survivors
	// re-accept that node's clients within max_reconnect_seconds.
	LimitStormTime = "storm-time"
	// LimitStormAlarm: ... and each survivor carries its new share below
	// its memory and fd alarms.
	LimitStormAlarm = "storm-alarm"
	// LimitFailoverTime and LimitFailoverAlarm: the same when a whole
	// gateway failing over to this one sends all its clients here.
	LimitFailoverTime  = "failover-time"
	LimitFailoverAlarm = "failover-alarm"
)

// Deployment is nodes of one instance type.
type Deployment struct {
	InstanceType string
	Nodes        int
}

// Assessment is a deployment judged against one month's load.
type Assessment struct {
	Deployment
	// MonthlyCost is HoursPerMonth x price per hour x nodes, in USD.
	MonthlyCost float64
	// Node is one gateway node's capacity in connections; its Binding is
	// the resource that limits it. Zero for the backend.
	Node capacity.NodeCapacity
	// BackendNode is one backend node's capacity in messages per second
	// (PlanBackend); zero for a gateway.
	BackendNode capacity.BackendNode
	// Size is nodes x one node's capacity, in the unit the cluster is
	// sized in (connections, or messages per second for the backend): the
	// path orders deployments by it.
	Size float64
	// Capacity is the largest upper forecast the deployment carries within
	// every target (connections, or messages per second for the backend),
	// and Limit the target that sets it.
	Capacity float64
	Limit    string
	// Headroom is (nodes − redundancy)·node capacity / upper − 1, on the
	// scale of the headroom target (+Inf when upper is 0).
	Headroom float64
	// ReconnectSeconds is how long the survivors of the largest node's
	// loss take to re-accept its clients (+Inf with a single node).
	ReconnectSeconds float64
	// FailoverSeconds is the same for the clients of FailoverFrom, the
	// gateway failing over here that brings the most; 0 and "" when none
	// fails over here.
	FailoverSeconds float64
	FailoverFrom    string
	// OK says the upper forecast fits: upper ≤ Capacity.
	OK bool
}

// Binding names the constraint that sets a's capacity, as computed: the
// node's binding resource (memory, cpu, fd, network) when the headroom
// target binds, else the storm or failover target (storm-time,
// storm-alarm, failover-time, failover-alarm).
func (a Assessment) Binding() string {
	if a.Limit == LimitHeadroom || a.Limit == "" {
		if a.BackendNode.Binding != "" {
			return a.BackendNode.Binding
		}
		return a.Node.Binding
	}
	return a.Limit
}

// neighbour is a gateway whose clients come here when it fails whole.
type neighbour struct {
	name  string
	upper float64
}

// rules are the targets and rates every assessment uses.
type rules struct {
	headroom, maxSeconds float64
	redundancy           int
	acceptsPerCore       float64
	// minNodes and odd are the node count rules: at least minNodes, odd
	// when odd is set.
	minNodes int
	odd      bool
}

// allowed says whether n nodes keep the node count rules.
func (r rules) allowed(n int) bool {
	return n >= r.minNodes && (!r.odd || n%2 == 1)
}

// step is the distance between allowed node counts.
func (r rules) step() int {
	if r.odd {
		return 2
	}
	return 1
}

// assess judges n nodes of type t (node capacity c, price per hour) for
// load upper with the neighbours' loads in the same month. Capacity is the
// minimum of what each target allows; with v vCPU, a accepts per core per
// second, T the time limit, A = min(memory, fd) node capacity:
//
//	headroom        (n − r)·C/(1 + h)
//	storm-time      T·n·(n − 1)·v·a   (dropped U/n over (n − 1)·v·a per second)
//	storm-alarm     (n − 1)·A
//	failover-time   ∞ if N/(n·v·a) ≤ T, else 0 (a neighbour's N alone is too many)
//	failover-alarm  n·A − N
func assess(t catalog.InstanceType, n int, price float64, c capacity.NodeCapacity, upper float64, nbs []neighbour, r rules) Assessment {
	nf := float64(n)
	acceptRate := float64(t.VCPU) * r.acceptsPerCore // per node, per second
	alarm := math.Min(c.ByResource[capacity.Memory], c.ByResource[capacity.FD])
	a := Assessment{
		Deployment:  Deployment{InstanceType: t.Name, Nodes: n},
		MonthlyCost: HoursPerMonth * price * nf,
		Node:        c,
		Size:        nf * c.Connections,
		Capacity:    math.Inf(1),
	}
	bound := func(limit string, v float64) {
		if v < a.Capacity {
			a.Capacity, a.Limit = math.Max(v, 0), limit
		}
	}
	bound(LimitHeadroom, float64(n-r.redundancy)*c.Connections/(1+r.headroom))
	bound(LimitStormTime, r.maxSeconds*nf*(nf-1)*acceptRate)
	bound(LimitStormAlarm, (nf-1)*alarm)
	a.ReconnectSeconds = upper / nf / ((nf - 1) * acceptRate)
	if n < 2 {
		a.ReconnectSeconds = math.Inf(1) // no survivor re-accepts anything
	}
	tooSlow := false // a neighbour's clients alone take too long, whatever our own load
	for _, nb := range nbs {
		secs := nb.upper / (nf * acceptRate)
		if secs > a.FailoverSeconds || a.FailoverFrom == "" {
			a.FailoverSeconds, a.FailoverFrom = secs, nb.name
		}
		if secs > r.maxSeconds {
			tooSlow = true
			bound(LimitFailoverTime, 0)
		}
		bound(LimitFailoverAlarm, nf*alarm-nb.upper)
	}
	a.Headroom = math.Inf(1)
	if upper > 0 {
		a.Headroom = float64(n-r.redundancy)*c.Connections/upper - 1
	}
	a.OK = upper <= a.Capacity && !tooSlow
	return a
}
