package sizing

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
)

// DefaultMaxNodes bounds the node count search: beyond it a gateway is
// better split than grown.
const DefaultMaxNodes = 64

// Gateway is one gateway to size.
type Gateway struct {
	Name      string
	AWSRegion string
	// Upper is the upper forecast of p95 connections for each of the
	// request's months (the interval the targets name).
	Upper []float64
	// Load is the load each connection brings (demand.PerConnection).
	Load capacity.PerConnection
	// FailoverTo names the gateway that takes this one's clients when it
	// fails whole ("" for none).
	FailoverTo string
	// Current is the deployment today; zero Nodes for a proposed gateway.
	Current Deployment
	// Profile and Limits, when set, replace the request's for this gateway
	// (capacity observed in its own history).
	Profile *capacity.Profile
	Limits  *capacity.Limits
}

// Request is everything Plan needs.
type Request struct {
	// Months are the horizon's months, first instant of each (reports
	// label by them; Plan only carries them through).
	Months   []time.Time
	Gateways []Gateway
	// Targets gives headroom, redundancy and max_reconnect_seconds.
	Targets fleet.Targets
	Catalog *catalog.Catalog
	Profile capacity.Profile
	Limits  capacity.Limits
	// MaxNodes bounds the search; 0 means DefaultMaxNodes.
	MaxNodes int
}

// GatewayPlan is one gateway's plan over the horizon.
type GatewayPlan struct {
	Name   string
	Months []MonthPlan
	// Current judges today's deployment month by month; nil for a
	// proposed gateway.
	Current *Current
	// judge assesses any deployment against month m, as Plan judges its
	// options; nil in a plan Plan did not make.
	judge func(d Deployment, m int) (Assessment, bool)
}

// Judge assesses d against month m's upper forecast and the gateways
// failing over here that month, as Plan judges the month's options. A
// deployment kept from the month before may fail this month where it
// passed then: a gateway failing over here has grown. ok is false when d
// cannot be judged (an instance type not in the catalog, no nodes, a month
// out of range) or p was not made by Plan.
func (p GatewayPlan) Judge(d Deployment, m int) (Assessment, bool) {
	if p.judge == nil {
		return Assessment{}, false
	}
	return p.judge(d, m)
}

// NodesAllowed says whether n nodes keep the targets' node count rules
// (min_nodes, odd_nodes), as Plan applies them to its options.
func NodesAllowed(t fleet.Targets, n int) bool {
	return rules{minNodes: t.MinNodes, odd: t.OddNodes}.allowed(n)
}

// MonthPlan is the cheapest deployment for one month.
type MonthPlan struct {
	Month time.Time
	Upper float64
	// Best is the cheapest deployment that passes; nil when none does,
	// and Reason says why.
	Best   *Assessment
	Reason string
	// Options are every deployment that passes this month and that a path
	// over the horizon may want: for each offered type, the node counts
	// from the fewest that pass this month to the most any month of the
	// horizon needs (or today's count, when larger), within the minimum
	// and odd rules. Cheapest first, as Best is ordered.
	Options []Assessment
}

// Current is today's deployment judged against each month.
type Current struct {
	Months []Assessment
	// Exhausts says some month's upper forecast exceeds what the
	// deployment carries within the targets; MonthsUntilExhaustion is the
	// index of the first such month (0: already this month).
	Exhausts              bool
	MonthsUntilExhaustion int
}

// Plan sizes every gateway for every month. For each instance type offered
// in the gateway's region (a positive price there), it takes the smallest
// node count, from max(redundancy + 1, 2, min_nodes) up to MaxNodes and odd
// when the targets say odd_nodes, that passes
// (passing only gets easier with more nodes); among types the lowest
// monthly cost wins, compared in whole cents, then fewer nodes, then the
// type name. Inputs are validated first: an error names the gateway, month
// or figure at fault, and nothing is planned.
func Plan(req Request) ([]GatewayPlan, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	maxNodes := cmp.Or(req.MaxNodes, DefaultMaxNodes)
	r := rules{
		headroom:   req.Targets.Headroom,
		maxSeconds: req.Targets.MaxReconnectSeconds,
		redundancy: req.Targets.Redundancy,
		minNodes:   req.Targets.MinNodes,
		odd:        req.Targets.OddNodes,
	}
	out := make([]GatewayPlan, len(req.Gateways))
	for gi, g := range req.Gateways {
		prof, lim := req.Profile, req.Limits
		if g.Profile != nil {
			prof = *g.Profile
		}
		if g.Limits != nil {
			lim = *g.Limits
		}
		gr := r
		gr.acceptsPerCore = prof.AcceptsPerSecondPerCore
		offered := offeredIn(req.Catalog, g.AWSRegion)
		nodeCap := make([]capacity.NodeCapacity, len(offered))
		for i, t := range offered {
			nodeCap[i] = capacity.PerNode(prof, t, g.Load, lim)
		}
		c := cluster{
			name: g.Name, upper: g.Upper, current: g.Current, offered: offered,
			assess: func(i, n, m int) Assessment {
				t := offered[i]
				return assess(t, n, t.PricePerHour[g.AWSRegion], nodeCap[i], g.Upper[m], neighbours(req.Gateways, g.Name, m), gr)
			},
			first: func(i, m int) int { return fewestWorthTrying(nodeCap[i].Connections, g.Upper[m], gr, maxNodes) },
			judge: func(d Deployment, m int) (Assessment, bool) {
				t, ok := lookup(req.Catalog, d.InstanceType)
				if !ok || d.Nodes < 1 || m < 0 || m >= len(req.Months) {
					return Assessment{}, false
				}
				c := capacity.PerNode(prof, t, g.Load, lim)
				return assess(t, d.Nodes, t.PricePerHour[g.AWSRegion], c, g.Upper[m], neighbours(req.Gateways, g.Name, m), gr), true
			},
			infeasible: func(upper float64) string {
				return infeasible(g.AWSRegion, upper, "connections", len(offered), maxNodes)
			},
		}
		out[gi] = planCluster(req.Months, c, gr, maxNodes)
	}
	return out, nil
}

// cluster is what planCluster needs of one cluster, gateway or backend:
// its load per month, today's deployment, the types offered in its
// region, and how n nodes of one are judged.
type cluster struct {
	name    string
	upper   []float64
	current Deployment
	offered []catalog.InstanceType
	// assess judges n nodes of offered[i] against month m.
	assess func(i, n, m int) Assessment
	// first is the fewest nodes of offered[i] worth trying in month m:
	// fewer cannot pass.
	first func(i, m int) int
	// judge assesses any deployment against month m (GatewayPlan.Judge).
	judge func(d Deployment, m int) (Assessment, bool)
	// infeasible says why no deployment carries upper.
	infeasible func(upper float64) string
}

// planCluster sizes one cluster for every month: the cheapest deployment
// that passes, the options a path may take, and today's deployment judged.
func planCluster(months []time.Time, c cluster, r rules, maxNodes int) GatewayPlan {
	plan := GatewayPlan{Name: c.name, judge: c.judge}
	if c.current.Nodes > 0 {
		plan.Current = &Current{}
	}
	// fewest[m][i] is the fewest nodes of offered[i] that pass in
	// month m, 0 when none up to maxNodes.
	fewest := make([][]int, len(months))
	most := make([]int, len(c.offered))
	for m, month := range months {
		mp := MonthPlan{Month: month, Upper: c.upper[m]}
		fewest[m] = make([]int, len(c.offered))
		for i := range c.offered {
			a, ok := smallest(c, i, m, r, maxNodes)
			if !ok {
				continue
			}
			fewest[m][i] = a.Nodes
			most[i] = max(most[i], a.Nodes)
			if mp.Best == nil || cheaper(a, *mp.Best) {
				mp.Best = &a
			}
		}
		if mp.Best == nil {
			mp.Reason = c.infeasible(mp.Upper)
		}
		plan.Months = append(plan.Months, mp)
		if cur := plan.Current; cur != nil {
			a, _ := plan.judge(c.current, m)
			cur.Months = append(cur.Months, a)
			if !a.OK && !cur.Exhausts {
				cur.Exhausts, cur.MonthsUntilExhaustion = true, m
			}
		}
	}
	for i, t := range c.offered {
		if t.Name == c.current.InstanceType && r.allowed(c.current.Nodes) {
			most[i] = max(most[i], min(c.current.Nodes, maxNodes))
		}
	}
	for m := range plan.Months {
		mp := &plan.Months[m]
		for i := range c.offered {
			n0 := fewest[m][i]
			if n0 == 0 {
				continue
			}
			for n := n0; n <= most[i]; n += r.step() {
				mp.Options = append(mp.Options, c.assess(i, n, m))
			}
		}
		slices.SortStableFunc(mp.Options, func(a, b Assessment) int {
			switch {
			case cheaper(a, b):
				return -1
			case cheaper(b, a):
				return 1
			}
			return 0
		})
	}
	return plan
}

// fewestWorthTrying skips the node counts the headroom rule alone rules
// out, given one node's capacity (an upper bound of it will do).
func fewestWorthTrying(perNode, upper float64, r rules, maxNodes int) int {
	first := max(r.redundancy+1, 2, r.minNodes)
	if perNode > 0 {
		need := float64(r.redundancy) + upper*(1+r.headroom)/perNode
		if need < float64(maxNodes) {
			first = max(first, int(math.Floor(need))-1) // −1: margin for rounding
		} else {
			first = maxNodes
		}
	}
	return first
}

// smallest is the fewest nodes of c.offered[i] that pass month m, if any
// up to maxNodes.
func smallest(c cluster, i, m int, r rules, maxNodes int) (Assessment, bool) {
	first := c.first(i, m)
	if !r.allowed(first) {
		first++
	}
	for n := first; n <= maxNodes; n += r.step() {
		if a := c.assess(i, n, m); a.OK {
			return a, true
		}
	}
	return Assessment{}, false
}

// cheaper orders assessments: cost in whole cents, then nodes, then type
// name, so float noise in prices never decides between equals.
func cheaper(a, b Assessment) bool {
	ca, cb := math.Round(a.MonthlyCost*100), math.Round(b.MonthlyCost*100)
	if ca != cb {
		return ca < cb
	}
	if a.Nodes != b.Nodes {
		return a.Nodes < b.Nodes
	}
	return a.InstanceType < b.InstanceType
}

// infeasible says why no deployment in region carries upper, in unit.
func infeasible(region string, upper float64, unit string, offered, maxNodes int) string {
	if offered == 0 {
		return fmt.Sprintf("no instance type in the catalog is offered in %s", region)
	}
	return fmt.Sprintf("no instance type offered in %s carries %.0f %s within the targets with at most %d nodes",
		region, upper, unit, maxNodes)
}

// offeredIn lists the types with a positive price in region, in catalog
// order.
func offeredIn(c *catalog.Catalog, region string) []catalog.InstanceType {
	var out []catalog.InstanceType
	for _, t := range c.Types {
		if p, ok := t.PricePerHour[region]; ok && p > 0 && !math.IsInf(p, 0) {
			out = append(out, t)
		}
	}
	return out
}

func lookup(c *catalog.Catalog, name string) (catalog.InstanceType, bool) {
	i := slices.IndexFunc(c.Types, func(t catalog.InstanceType) bool { return t.Name == name })
	if i < 0 {
		return catalog.InstanceType{}, false
	}
	return c.Types[i], true
}

// neighbours are the gateways that fail over to name, with their month-m
// load, in request order.
func neighbours(gws []Gateway, name string, m int) []neighbour {
	var out []neighbour
	for _, g := range gws {
		if g.FailoverTo == name {
			out = append(out, neighbour{g.Name, g.Upper[m]})
		}
	}
	return out
}
