// Package fleet describes the fleet the planner sizes: the client regions
// where devices live, the clusters that serve them, and the targets every
// plan must meet. It is read from YAML (see examples/planner/fleet.yml).
package fleet

import "slices"

// Fleet is a whole fleet description.
type Fleet struct {
	// ClientRegions are where devices connect from (sales regions).
	ClientRegions []ClientRegion `yaml:"client_regions"`
	// Clusters are the backend and gateway clusters, by exporter name.
	Clusters []Cluster `yaml:"clusters"`
	Targets  Targets   `yaml:"targets"`

	// src says where each field came from, for errors found after parsing.
	src *source
}

// ClientRegion is a sales region whose devices connect to one gateway, or
// to none yet (Unserved).
type ClientRegion struct {
	// Name matches the region column of the sales CSV and the latency table.
	Name string `yaml:"name"`
	// DevicesPerCustomer applies to sales rows that do not give their own.
	DevicesPerCustomer float64 `yaml:"devices_per_customer"`
}

// Cluster is one RabbitMQ cluster of the fleet as deployed today.
type Cluster struct {
	// Name is the cluster label the exporter uses.
	Name string `yaml:"name"`
	// Role is "backend" or "gateway".
	Role string `yaml:"role"`
	// AWSRegion is where it runs, e.g. "eu-west-1".
	AWSRegion    string `yaml:"aws_region"`
	InstanceType string `yaml:"instance_type"`
	Nodes        int    `yaml:"nodes"`
	// Serves lists the client regions routed to this gateway. A client
	// region may be in no gateway's list: see Unserved.
	Serves []string `yaml:"serves"`
	// FailoverTo names the gateway that takes this one's clients when it
	// fails as a whole (the reconnection-storm check's second case).
	FailoverTo string `yaml:"failover_to"`
	// NodeCPUSelector picks the cluster's broker hosts among
	// node_exporter's series, as PromQL label matchers without the braces
	// (e.g. `job="node", instance=~"gw-eu-.*"`). Their busy CPU scales the
	// profile's CPU costs (capacity.FitCPU); empty leaves the profile's.
	NodeCPUSelector string `yaml:"node_cpu_selector"`
}

// Targets every plan must meet.
type Targets struct {
	// Headroom is the fraction of capacity kept free above the upper
	// forecast, e.g. 0.3.
	Headroom float64 `yaml:"headroom"`
	// Redundancy is the number of nodes a gateway may lose and still carry
	// its load: 1 for N+1, 2 for N+2.
	Redundancy int `yaml:"redundancy"`
	// MaxReconnectSeconds bounds how long survivors may take to re-accept
	// every dropped client.
	MaxReconnectSeconds float64 `yaml:"max_reconnect_seconds"`
	// LatencyTargetMillis is the round trip a client region should see to
	// its gateway; above it, placement proposes a closer gateway.
	LatencyTargetMillis float64 `yaml:"latency_target_ms"`
	// RepointUSDPerDevice is the one-off cost of re-pointing one device
	// already in the field to another gateway (a remote configuration
	// push, support for the devices that miss it, a site visit where
	// the endpoint is fixed). Placement charges it for every device
	// installed today in a client region it moves, spread evenly over
	// the horizon's months.
	RepointUSDPerDevice float64 `yaml:"repoint_usd_per_device"`
	// Interval is the prediction interval sized for: 80 or 95.
	Interval int `yaml:"interval"`
	// HorizonMonths is how far ahead to plan.
	HorizonMonths int `yaml:"horizon_months"`

	// The migration path (planner/path) prices changes between months.
	//
	// MigrationPriceUSD is the one-off cost of a rolling migration to
	// another instance type (people's time, the double-running nodes).
	MigrationPriceUSD float64 `yaml:"migration_price_usd"`
	// NodeChangePriceUSD is the one-off cost of each node added or removed.
	NodeChangePriceUSD float64 `yaml:"node_change_price_usd"`
	// PaybackMonths is the window a change to another instance family must
	// pay back its migration price in.
	PaybackMonths int `yaml:"payback_months"`
	// MinNodes is the fewest nodes a gateway runs; OddNodes keeps node
	// counts odd, so that a majority (quorum queues, metadata store)
	// survives the loss of a node.
	MinNodes int  `yaml:"min_nodes"`
	OddNodes bool `yaml:"odd_nodes"`
	// NoDownsizeWithinMonths forbids a downsize and an upsize of a gateway
	// within this many months of each other.
	NoDownsizeWithinMonths int `yaml:"no_downsize_within_months"`
	// LeadTimeMonths is how many months before it takes effect a change
	// must start (ordering, testing, the rolling migration itself).
	LeadTimeMonths int `yaml:"lead_time_months"`

	// Capacity per node from the fleet's own history (planner/capacity's
	// fit) or from the capacity profile.
	//
	// CapacitySource is "auto" (observed where the fit is good, else the
	// profile), "observed" or "profile".
	CapacitySource string `yaml:"capacity_source"`
	// MinFitR2 and MinFitSamples say when a fit is good: R² at least
	// MinFitR2 over at least MinFitSamples hourly samples.
	MinFitR2      float64 `yaml:"min_fit_r2"`
	MinFitSamples int     `yaml:"min_fit_samples"`
}

// Capacity sources (Targets.CapacitySource).
const (
	CapacityAuto     = "auto"
	CapacityObserved = "observed"
	CapacityProfile  = "profile"
)

// Gateways returns the gateway clusters in file order.
func (f *Fleet) Gateways() []Cluster {
	var out []Cluster
	for _, c := range f.Clusters {
		if c.Role == RoleGateway {
			out = append(out, c)
		}
	}
	return out
}

// ClusterByName returns the cluster called name.
func (f *Fleet) ClusterByName(name string) (Cluster, bool) {
	for _, c := range f.Clusters {
		if c.Name == name {
			return c, true
		}
	}
	return Cluster{}, false
}

// ClientRegionNames returns the client region names in file order.
func (f *Fleet) ClientRegionNames() []string {
	out := make([]string, len(f.ClientRegions))
	for i, r := range f.ClientRegions {
		out[i] = r.Name
	}
	return out
}

// ClientRegionByName returns the client region called name.
func (f *Fleet) ClientRegionByName(name string) (ClientRegion, bool) {
	for _, r := range f.ClientRegions {
		if r.Name == name {
			return r, true
		}
	}
	return ClientRegion{}, false
}

// Unserved returns, in file order, the client regions no gateway serves:
// a region the sales plan opens before any gateway is routed for it. The
// planner sizes each with the gateway nearest it (planner/plan) and lets
// placement judge a new gateway for it.
func (f *Fleet) Unserved() []string {
	var out []string
	for _, r := range f.ClientRegions {
		if _, ok := f.GatewayFor(r.Name); !ok {
			out = append(out, r.Name)
		}
	}
	return out
}

// GatewayFor returns the gateway whose serves lists clientRegion, false
// when none does.
func (f *Fleet) GatewayFor(clientRegion string) (Cluster, bool) {
	for _, c := range f.Gateways() {
		if slices.Contains(c.Serves, clientRegion) {
			return c, true
		}
	}
	return Cluster{}, false
}
