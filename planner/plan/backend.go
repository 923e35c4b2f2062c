package plan

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// backendDemand is the backend's load month by month: its own traffic
// held at its history's level, plus every gateway's device traffic
// federated in, which grows with the gateway's forecast connections.
type backendDemand struct {
	cluster fleet.Cluster
	// total is the p95 of what the backend published in its latest kept
	// month, own the p95 of that less what the gateways published; nil
	// without the backend's history.
	total, own *float64
	// ownConns is the p95 of its own clients' connections in its latest
	// kept month, nil without history; links the federation links.
	ownConns *float64
	links    int
	// perConn is the messages per second each connection of a gateway
	// sends across its federation links, in the order of the demands: its
	// published messages per connection times the share its links took
	// (federatedShares).
	perConn  []float64
	gateways []string
	// opens is connections opened per second per connection; 0 with a
	// note when the history does not give it.
	opens float64
	// messages, federated and conns are each month's upper forecast of
	// messages per second, the gateways' part of it, and the connections.
	messages, federated, conns []float64
	// queuedNow is the p95 of the messages waiting in its queues in its
	// latest kept month, nil without that history; queued each month's,
	// grown with its messages (nil then).
	queuedNow *float64
	queued    []float64
	// notes say what the history did not give and what stands in.
	notes []string
}

// fitBackend forecasts the backend b's load over months from its history
// and the gateways' demands (bound already run); newGateways proposed
// gateways each add a federation link. A backend with no message history
// is sized for the federated traffic alone, and the notes say so.
func fitBackend(h *history.Snapshot, b fleet.Cluster, demands []*gatewayDemand, newGateways int, months []time.Time) (*backendDemand, error) {
	bd := &backendDemand{cluster: b, links: len(demands) + newGateways}
	for i, share := range bd.federatedShares(h, demands) {
		bd.gateways = append(bd.gateways, demands[i].cluster.Name)
		bd.perConn = append(bd.perConn, demands[i].load.MessagesPerSecond*share)
	}
	if err := bd.ownMessages(h, demands); err != nil {
		return nil, err
	}
	conns := h.Sum(metricConnections, b.Name)
	if err := bd.ownConnections(conns); err != nil {
		return nil, err
	}
	if err := bd.churn(h, conns); err != nil {
		return nil, err
	}
	if err := bd.queueDepth(h); err != nil {
		return nil, err
	}
	for m := range months {
		var fed float64
		for i, d := range demands {
			fed += d.upper[m] * bd.perConn[i]
		}
		bd.federated = append(bd.federated, fed)
		bd.messages = append(bd.messages, fed+value(bd.own))
		bd.conns = append(bd.conns, value(bd.ownConns)+float64(bd.links))
	}
	if bd.queuedNow != nil {
		// Queues hold a backlog of so many seconds of traffic: it grows with
		// the messages, from what they were when it was measured.
		now := bd.messages[0]
		if bd.total != nil && *bd.total > 0 {
			now = *bd.total
		}
		for _, msgs := range bd.messages {
			q := *bd.queuedNow
			if now > 0 {
				q *= msgs / now
			}
			bd.queued = append(bd.queued, q)
		}
	}
	return bd, nil
}

// queueDepth is the p95 of the messages waiting in the backend's queues
// in its latest kept month.
func (bd *backendDemand) queueDepth(h *history.Snapshot) (err error) {
	const leftOut = "messages waiting in its queues are not sized for"
	bd.queuedNow, err = bd.latestP95(h.Sum(history.MetricQueuedMessages, bd.cluster.Name), history.MetricQueuedMessages,
		leftOut+", beyond what the memory high watermark leaves free.", leftOut+".")
	return err
}

// latestP95 is the p95 of the backend's series s (metric) in its latest
// month with enough samples; nil, and a note ending in noSeries or
// noMonth, when s is nil or no month has enough samples.
func (bd *backendDemand) latestP95(s *history.Series, metric, noSeries, noMonth string) (*float64, error) {
	name := bd.cluster.Name
	if s == nil {
		bd.notes = append(bd.notes, fmt.Sprintf("%s: no %s series in the history: %s", name, metric, noSeries))
		return nil, nil
	}
	kept, _, err := demand.MonthlyP95(*s)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %w", name, err)
	}
	if len(kept) == 0 {
		bd.notes = append(bd.notes, fmt.Sprintf("%s: no month of its %s series has enough samples: %s", name, metric, noMonth))
		return nil, nil
	}
	v := kept[len(kept)-1].P95
	return &v, nil
}

// federatedShares is, for each gateway, the share of the messages it
// publishes that its federation links take to the backend: what the
// links' upstream queues acknowledged over what it published in its last
// RatioWindow (history.MetricFederatedMessages). A gateway without that
// series, or whose window has no hour with both, counts every message it
// publishes (share 1); the notes say which, and the shares measured.
func (bd *backendDemand) federatedShares(h *history.Snapshot, demands []*gatewayDemand) []float64 {
	shares := make([]float64, len(demands))
	var measured, assumed []string
	for i, d := range demands {
		shares[i] = 1
		fed, pub := h.Sum(history.MetricFederatedMessages, d.cluster.Name), h.Sum(metricPublished, d.cluster.Name)
		if fed == nil || pub == nil {
			assumed = append(assumed, d.cluster.Name)
			continue
		}
		r, err := demand.RatioOfSums(*fed, *pub, demand.RatioWindow)
		if err != nil {
			assumed = append(assumed, d.cluster.Name)
			continue
		}
		shares[i] = r
		measured = append(measured, fmt.Sprintf("%s %.0f%%", d.cluster.Name, 100*r))
	}
	src := metrics.FederationLinkUpstreamAcknowledgedMessagesTotal.Name
	if len(measured) > 0 {
		bd.notes = append(bd.notes, fmt.Sprintf("%s: of the messages each gateway published in its last %d days, its federation "+
			"links took %s (%s, by upstream_cluster): the backend carries that share of each gateway's forecast traffic.",
			bd.cluster.Name, int(demand.RatioWindow/(24*time.Hour)), strings.Join(measured, ", "), src))
	}
	if len(assumed) > 0 {
		bd.notes = append(bd.notes, fmt.Sprintf("%s: no federation link traffic in the history for %s (%s, by upstream_cluster): "+
			"every message such a gateway publishes is taken to cross its links.", bd.cluster.Name, strings.Join(assumed, ", "), src))
	}
	return shares
}

// ownMessages reads the backend's published messages and takes the
// gateways' federated messages out: the federation links publish those
// into the backend, so its history holds them; what is left is its own
// traffic. A gateway without a federated series counts all it published,
// as federatedShares does.
func (bd *backendDemand) ownMessages(h *history.Snapshot, demands []*gatewayDemand) error {
	name := bd.cluster.Name
	pub := h.Sum(metricPublished, name)
	if pub == nil {
		bd.notes = append(bd.notes, fmt.Sprintf("%s: no %s series in the history: its own traffic is unknown and left out; "+
			"it is sized for the gateways' federated traffic alone.", name, metricPublished))
		return nil
	}
	kept, _, err := demand.MonthlyP95(*pub)
	if err != nil {
		return fmt.Errorf("backend %q: %w", name, err)
	}
	if len(kept) == 0 {
		bd.notes = append(bd.notes, fmt.Sprintf("%s: no month of its %s series has %.0f%% of its samples: its own traffic "+
			"is unknown and left out; it is sized for the gateways' federated traffic alone.", name, metricPublished, 100*demand.MinCoverage))
		return nil
	}
	last := kept[len(kept)-1]
	total := last.P95
	bd.total = &total
	own := *pub
	own.Values = append([]float64(nil), pub.Values...)
	for _, d := range demands {
		metric := history.MetricFederatedMessages
		g := h.Sum(metric, d.cluster.Name)
		if g == nil {
			metric = metricPublished
			g = h.Sum(metric, d.cluster.Name) // rates checked it is there
		}
		if g == nil || !g.Start.Equal(own.Start) || g.Step != own.Step || len(g.Values) != len(own.Values) {
			return fmt.Errorf("backend %q: the %s series of gateway %q is not on the backend's time grid", name, metric, d.cluster.Name)
		}
		for i, v := range g.Values {
			own.Values[i] -= v // NaN where either is: that hour is not known
		}
	}
	ownKept, _, err := demand.MonthlyP95(own)
	if err != nil {
		return fmt.Errorf("backend %q: %w", name, err)
	}
	for _, p := range ownKept {
		if p.Start.Equal(last.Start) {
			v := math.Max(p.P95, 0)
			bd.own = &v
		}
	}
	switch {
	case bd.own == nil:
		bd.notes = append(bd.notes, fmt.Sprintf("%s: in %s too few hours have both its and every gateway's %s to tell its "+
			"own traffic from the federated: its own traffic is left out.", name, monthLabel(last.Start), metricPublished))
	case *bd.own == 0:
		bd.notes = append(bd.notes, fmt.Sprintf("%s: it published no more than the gateways in %s (p95): no own traffic "+
			"beyond the federated.", name, monthLabel(last.Start)))
	}
	return nil
}

// ownConnections is the p95 of the backend's own clients in its latest
// kept month.
func (bd *backendDemand) ownConnections(conns *history.Series) (err error) {
	links := fmt.Sprintf("only its %d federation links are counted.", bd.links)
	bd.ownConns, err = bd.latestP95(conns, metricConnections, "its own clients are unknown and left out; "+links,
		"its own clients are left out; "+links)
	return err
}

// churn is connections opened per second per connection, as a gateway's.
func (bd *backendDemand) churn(h *history.Snapshot, conns *history.Series) error {
	opened := h.Sum(metricOpened, bd.cluster.Name)
	if opened == nil || conns == nil {
		bd.notes = append(bd.notes, fmt.Sprintf("%s: no %s and %s series in the history: the CPU its connections' "+
			"churn costs is left out (a backend's AMQP clients are long-lived).", bd.cluster.Name, metricOpened, metricConnections))
		return nil
	}
	r, err := demand.RatioP95(*opened, *conns, demand.RatioWindow)
	if err != nil {
		bd.notes = append(bd.notes, fmt.Sprintf("%s: churn unknown (%v): the CPU its connections' churn costs is left out.", bd.cluster.Name, err))
		return nil
	}
	bd.opens = r
	return nil
}

// value is *p, or 0 for a figure the notes say is left out.
func value(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// backendCapacity is the profile and limits the backend is sized with:
// the profile's memory and descriptors per connection (its memory moves
// with its messages as much as with its connections, so the gateways'
// per-connection fit does not apply), the limits its history shows, and
// CPU costs scaled by its broker hosts' CPU and the memory of a queued
// message from its history, both under the targets' rule.
func backendCapacity(in Inputs, b fleet.Cluster, sel capacity.Selection) capacity.Choice {
	rule := capacityRule(in.Fleet.Targets)
	rule.Source, rule.LoadSource = fleet.CapacityProfile, rule.Source
	s := clusterSamples(in.History, b, in.History.Sum(metricConnections, b.Name))
	c := capacityChoice(s, b, in.Catalog, sel.Profile, rule)
	for i, f := range c.Figures {
		switch f.Name {
		case capacity.FigureMemoryPerConnection, capacity.FigureMemoryBase, capacity.FigureFDsPerConnection, capacity.FigureFDBase:
			c.Figures[i].Why = "a backend's: its memory moves with its messages and queues as much as with its connections, so " +
				"the fit is shown, not used"
		}
	}
	c.ChooseQueued(capacity.FitQueued(s, c.Profile), rule)
	return c
}
