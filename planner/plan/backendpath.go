package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// backendPlan is the backend's demand, sizing and path, with the profile
// that sized it.
type backendPlan struct {
	demand *backendDemand
	// request is what plan sized, for the high scenario to size again.
	request sizing.Backend
	plan    sizing.GatewayPlan
	path    gatewayPath
	sel     capacity.Selection
	choice  capacity.Choice
}

// theBackend is the fleet's backend cluster; false when it has none. More
// than one is an error: every gateway federates to the one backend.
func theBackend(f *fleet.Fleet, fleetName string) (fleet.Cluster, bool, error) {
	var out []fleet.Cluster
	for _, c := range f.Clusters {
		if c.Role == fleet.RoleBackend {
			out = append(out, c)
		}
	}
	switch len(out) {
	case 0:
		return fleet.Cluster{}, false, nil
	case 1:
		return out[0], true, nil
	}
	names := make([]string, len(out))
	for i, c := range out {
		names[i] = c.Name
	}
	return fleet.Cluster{}, false, fmt.Errorf("%s: %d clusters of role backend (%s); the planner sizes one backend, the one every gateway federates to",
		fleetName, len(out), strings.Join(names, ", "))
}

// planBackend sizes the backend month by month by its messages and takes
// the cheapest path over the horizon, as a gateway's; nil when the fleet
// has no backend.
func planBackend(in Inputs, demands []*gatewayDemand, newGateways int, months []time.Time) (*backendPlan, error) {
	b, ok, err := theBackend(in.Fleet, in.FleetName)
	if err != nil || !ok {
		return nil, err
	}
	t := in.Fleet.Targets
	bd, err := fitBackend(in.History, b, demands, newGateways, months)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", historyName(in.HistorySource), err)
	}
	bp := &backendPlan{demand: bd, sel: selectProfile(in, b.Name)}
	bp.choice = backendCapacity(in, b, bp.sel)
	current := sizing.Deployment{InstanceType: b.InstanceType, Nodes: b.Nodes}
	req := sizing.Request{Months: months, Targets: t, Catalog: in.Catalog}
	bp.request = sizing.Backend{
		Name: b.Name, AWSRegion: b.AWSRegion, Messages: bd.messages, Connections: bd.conns,
		OpensPerConnection: bd.opens, Current: current, Profile: bp.choice.Profile, Limits: bp.choice.Limits,
		Queued: bd.queued, BytesPerQueued: bp.choice.BytesPerQueued,
	}
	bp.plan, err = sizing.PlanBackend(req, bp.request)
	if err != nil {
		return nil, err
	}
	for _, m := range bp.plan.Months {
		if m.Best == nil {
			return nil, fmt.Errorf("backend %q, %s: %s; shorten horizon_months or split the backend",
				b.Name, monthLabel(m.Month), m.Reason)
		}
	}
	if bp.path, err = choosePath(bp.plan, current, in.Catalog, t); err != nil {
		return nil, err
	}
	return bp, nil
}

// report is the backend's part of the report.
func (bp *backendPlan) report() *report.Backend {
	bd, cur := bp.demand, bp.plan.Current.Months[0]
	r := &report.Backend{
		Name: bd.cluster.Name, AWSRegion: bd.cluster.AWSRegion,
		MessagesPerSecond: bd.total, OwnMessagesPerSecond: bd.own, OwnConnections: bd.ownConns,
		FederationLinks: bd.links, Federated: []report.FederatedGateway{}, Notes: append([]string{}, bd.notes...),
		QueuedMessages: bd.queuedNow, BytesPerQueuedMessage: bp.choice.BytesPerQueued,
		Current: report.BackendCurrent{
			Deployment:                report.Deployment{Nodes: cur.Nodes, InstanceType: cur.InstanceType},
			CapacityMessagesPerSecond: cur.Capacity, Binding: cur.Binding(), MonthlyCostUSD: cur.MonthlyCost,
		},
		PathCostUSD: bp.path.total(), PathChanges: bp.path.res.Changes,
	}
	for i, g := range bd.gateways {
		r.Federated = append(r.Federated, report.FederatedGateway{Gateway: g, MessagesPerConnection: bd.perConn[i]})
	}
	for m, mp := range bp.plan.Months {
		a := bp.path.months[m]
		var queued *float64
		if m < len(bd.queued) {
			q := bd.queued[m]
			queued = &q
		}
		r.Months = append(r.Months, report.BackendMonth{
			Month: mp.Month, UpperMessagesPerSecond: mp.Upper, FederatedPerSecond: bd.federated[m], Connections: bd.conns[m],
			QueuedMessages:            queued,
			Deployment:                report.Deployment{Nodes: a.Nodes, InstanceType: a.InstanceType},
			CapacityMessagesPerSecond: a.Capacity, Binding: a.Binding(), MonthlyCostUSD: a.MonthlyCost,
		})
	}
	if c := bp.plan.Current; c.Exhausts {
		e := c.MonthsUntilExhaustion
		r.ExhaustionMonth = &e
	}
	return r
}

// backendAssumptions state the backend's model in words.
func backendAssumptions(bp *backendPlan, t fleet.Targets) []string {
	if bp == nil {
		return nil
	}
	name := bp.demand.cluster.Name
	lim := bp.choice.Limits
	return []string{
		fmt.Sprintf("The backend (%s): each month's messages per second are its own traffic, held at the p95 of its latest month "+
			"(what it published less what the gateways published, the federation links publishing theirs into it), plus "+
			"every gateway's upper forecast of connections times the messages per connection per second that gateway's "+
			"history shows (device telemetry grows with devices); the gateways' peaks are added as if they coincided. "+
			"Its connections are its own clients' p95 in its latest month, held, plus one federation link per gateway, "+
			"existing or proposed.", name),
		fmt.Sprintf("The backend (%s) is sized like a gateway, by messages instead of connections: without %d node(s) the others "+
			"carry the upper forecast with %.0f%% headroom on %.0f%% of their cores at %s's CPU per message (and per "+
			"connection, per connection opened), scaled by its broker hosts' CPU where the capacity table says "+
			"observed, within the network at %.0f%% of the instance's bandwidth, while holding "+
			"every connection with the headroom within a memory watermark of %.3g and %.0f file descriptors a node; "+
			"memory and file descriptors per connection are the profile's. The path follows the gateways' rules; the "+
			"reconnection-storm checks are for device fleets and do not apply.",
			name, t.Redundancy, 100*t.Headroom, 100*lim.CPUTarget, bp.sel.Name, 100*capacity.NetworkUtilisation,
			lim.MemoryHighWatermark, lim.FDLimit),
	}
}
