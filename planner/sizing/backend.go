package sizing

import (
	"cmp"
	"errors"
	"fmt"
	"math"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
)

// Backend is the backend cluster to size. Its load is messages: every
// gateway's federated device traffic and its own microservices'; its
// connections (its own AMQP clients and one federation link per gateway)
// are few and only need to fit.
type Backend struct {
	Name      string
	AWSRegion string
	// Messages is the upper forecast of messages published per second for
	// each of the request's months; Connections the connections it holds.
	Messages    []float64
	Connections []float64
	// OpensPerConnection is connections opened per second per connection.
	OpensPerConnection float64
	// Queued is the messages waiting in its queues each month (nil: none
	// known), each taking BytesPerQueued of memory.
	Queued         []float64
	BytesPerQueued float64
	Current        Deployment
	// Profile and Limits size its nodes: CPU per message, memory and fds
	// per connection, the memory watermark and fd limit.
	Profile capacity.Profile
	Limits  capacity.Limits
}

// PlanBackend sizes the backend for every month of req (its months,
// targets, catalog and MaxNodes; its gateways are not read), by the same
// node count rules and ordering as Plan. n nodes pass a month when,
// without r of them (redundancy), the others carry the month's upper
// forecast of messages with the headroom while holding all the
// connections and queued messages with the headroom, c = connections·(1 +
// h)/(n − r) and q = queued·(1 + h)/(n − r) each:
//
//	capacity = (n − r)·PerBackendNode(c, q).MessagesPerSecond/(1 + h) ≥ messages
//
// The reconnection-storm checks do not apply: a backend's few hundred
// long-lived AMQP clients are not the device fleet. Inputs are validated
// first; an error names the figure at fault and nothing is planned.
func PlanBackend(req Request, b Backend) (GatewayPlan, error) {
	if err := validateBackend(req, b); err != nil {
		return GatewayPlan{}, fmt.Errorf("sizing: backend %q: %w", b.Name, err)
	}
	maxNodes := cmp.Or(req.MaxNodes, DefaultMaxNodes)
	r := rules{
		headroom: req.Targets.Headroom, redundancy: req.Targets.Redundancy,
		minNodes: req.Targets.MinNodes, odd: req.Targets.OddNodes,
	}
	offered := offeredIn(req.Catalog, b.AWSRegion)
	judge := func(t catalog.InstanceType, n, m int) Assessment {
		return assessBackend(t, n, t.PricePerHour[b.AWSRegion], b, m, r)
	}
	c := cluster{
		name: b.Name, upper: b.Messages, current: b.Current, offered: offered,
		assess: func(i, n, m int) Assessment { return judge(offered[i], n, m) },
		first: func(i, m int) int {
			// A node holding no connections carries the most messages.
			idle := capacity.PerBackendNode(b.Profile, offered[i], capacity.BackendLoad{OpensPerConnection: b.OpensPerConnection}, b.Limits)
			return fewestWorthTrying(idle.MessagesPerSecond, b.Messages[m], r, maxNodes)
		},
		judge: func(d Deployment, m int) (Assessment, bool) {
			t, ok := lookup(req.Catalog, d.InstanceType)
			if !ok || d.Nodes < 1 || m < 0 || m >= len(req.Months) {
				return Assessment{}, false
			}
			return judge(t, d.Nodes, m), true
		},
		infeasible: func(upper float64) string {
			return infeasible(b.AWSRegion, upper, "messages per second", len(offered), maxNodes)
		},
	}
	return planCluster(req.Months, c, r, maxNodes), nil
}

// assessBackend judges n nodes of type t against month m of b.
func assessBackend(t catalog.InstanceType, n int, price float64, b Backend, m int, r rules) Assessment {
	nf := float64(n)
	a := Assessment{
		Deployment:  Deployment{InstanceType: t.Name, Nodes: n},
		MonthlyCost: HoursPerMonth * price * nf,
		Limit:       LimitHeadroom,
		Headroom:    math.Inf(1),
	}
	carriers := float64(n - r.redundancy)
	load := func(nodes float64) capacity.BackendLoad {
		l := capacity.BackendLoad{Connections: b.Connections[m] * (1 + r.headroom) / nodes, OpensPerConnection: b.OpensPerConnection}
		if m < len(b.Queued) {
			l.Queued, l.BytesPerQueued = b.Queued[m]*(1+r.headroom)/nodes, b.BytesPerQueued
		}
		return l
	}
	if carriers < 1 {
		a.BackendNode = capacity.PerBackendNode(b.Profile, t, load(1), b.Limits)
		a.Size = nf * a.BackendNode.MessagesPerSecond
		return a // no node left to carry anything
	}
	a.BackendNode = capacity.PerBackendNode(b.Profile, t, load(carriers), b.Limits)
	a.Size = nf * a.BackendNode.MessagesPerSecond
	a.Capacity = carriers * a.BackendNode.MessagesPerSecond / (1 + r.headroom)
	if upper := b.Messages[m]; upper > 0 {
		a.Headroom = carriers*a.BackendNode.MessagesPerSecond/upper - 1
	}
	a.OK = a.Capacity > 0 && b.Messages[m] <= a.Capacity
	return a
}

// validateBackend checks the backend's figures, as validate checks a
// gateway's.
func validateBackend(req Request, b Backend) error {
	if req.Catalog == nil {
		return errors.New("no instance catalog")
	}
	t := req.Targets
	if !(t.Headroom >= 0) || math.IsInf(t.Headroom, 0) {
		return fmt.Errorf("headroom %v must be finite and not negative", t.Headroom)
	}
	if t.Redundancy < 0 || t.MinNodes < 0 || req.MaxNodes < 0 {
		return fmt.Errorf("redundancy %d, min_nodes %d and max nodes %d must not be negative", t.Redundancy, t.MinNodes, req.MaxNodes)
	}
	if b.Name == "" {
		return errors.New("no name")
	}
	for _, s := range []struct {
		name string
		v    []float64
	}{{"messages per second", b.Messages}, {"connections", b.Connections}} {
		if len(s.v) != len(req.Months) {
			return fmt.Errorf("%d forecasts of %s for %d months", len(s.v), s.name, len(req.Months))
		}
		for m, v := range s.v {
			if !(v >= 0) || math.IsInf(v, 0) {
				return fmt.Errorf("month %s: %s %v must be finite and not negative", req.Months[m].Format("2006-01"), s.name, v)
			}
		}
	}
	if b.Queued != nil && len(b.Queued) != len(req.Months) {
		return fmt.Errorf("%d forecasts of queued messages for %d months", len(b.Queued), len(req.Months))
	}
	for m, v := range b.Queued {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("month %s: queued messages %v must be finite and not negative", req.Months[m].Format("2006-01"), v)
		}
	}
	if q := b.BytesPerQueued; !(q >= 0) || math.IsInf(q, 0) {
		return fmt.Errorf("bytes per queued message %v must be finite and not negative", q)
	}
	if o := b.OpensPerConnection; !(o >= 0) || math.IsInf(o, 0) {
		return fmt.Errorf("opens per second per connection %v must be finite and not negative", o)
	}
	if err := b.Profile.Validate(); err != nil {
		return fmt.Errorf("capacity profile: %w", err)
	}
	if err := b.Limits.Validate(); err != nil {
		return fmt.Errorf("limits: %w", err)
	}
	if b.Current.Nodes < 0 {
		return fmt.Errorf("current nodes %d must not be negative", b.Current.Nodes)
	}
	if b.Current.Nodes > 0 {
		ty, ok := lookup(req.Catalog, b.Current.InstanceType)
		if !ok {
			return fmt.Errorf("current instance type %q is not in the catalog", b.Current.InstanceType)
		}
		if p, ok := ty.PricePerHour[b.AWSRegion]; !ok || !(p > 0) {
			return fmt.Errorf("current instance type %q has no price in %s", b.Current.InstanceType, b.AWSRegion)
		}
	}
	return nil
}
