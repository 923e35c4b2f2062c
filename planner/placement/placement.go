// Package placement decides where each client region served above the
// latency target should connect: it stays, it is reassigned to an existing
// gateway nearer to it, or it moves to a new gateway. A p-median search
// (greedy add, then add, drop and swap moves until none improves) weighs
// device-weighted round trip against, in the same unit, the monthly cost
// of each new gateway, the capacity an existing gateway must add for the
// regions it takes, and the re-pointing of the devices already in the
// field, spread over the horizon.
package placement

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// RTT is the round trip in milliseconds from a client region to an AWS
// region, false when unknown; (*latency.Table).Millis is one.
type RTT func(client, awsRegion string) (float64, bool)

// Cost is the monthly USD of a gateway in awsRegion sized for devices,
// false when none can be built there (sizing finds no type).
type Cost func(awsRegion string, devices float64) (float64, bool)

// Growth is the monthly USD by which an existing gateway's deployment
// grows to carry devices more than its own, false when none carries them.
type Growth func(gateway string, devices float64) (float64, bool)

// Gateway is an existing gateway.
type Gateway struct {
	Name      string
	AWSRegion string
}

// ClientRegion is where devices connect from and the gateway serving them
// today.
type ClientRegion struct {
	Name string
	// Devices are the forecast devices the placement is judged on.
	Devices float64
	// InField are the devices installed today: a move re-points them.
	InField  float64
	ServedBy string
}

// Problem is one placement question.
type Problem struct {
	// Regions are every client region with its forecast devices.
	Regions []ClientRegion
	// Sites are the candidate AWS regions for a new gateway, e.g. the
	// latency table's; those of Existing gateways are not proposed again.
	Sites    []string
	Existing []Gateway
	RTT      RTT
	// TargetMillis is the round trip above which a region is a candidate.
	TargetMillis float64
	// Cost, Growth and the re-pointing are charged in the objective's
	// unit (ms x devices) at USDPerMsDevice: a move must win back what it
	// costs in latency. Cost prices a new gateway; Growth an existing one
	// taking regions (nil: free). A moved region's InField devices cost
	// RepointUSDPerDevice each, once, charged as 1/AmortiseMonths of it a
	// month: straight over the horizon, undiscounted.
	Cost                Cost
	Growth              Growth
	USDPerMsDevice      float64
	RepointUSDPerDevice float64
	AmortiseMonths      int
}

// repointMonthly is the monthly share of re-pointing inField devices.
func (p Problem) repointMonthly(inField float64) float64 {
	if p.RepointUSDPerDevice == 0 {
		return 0
	}
	return inField * p.RepointUSDPerDevice / float64(p.AmortiseMonths)
}

// Move is one client region a gateway takes.
type Move struct {
	Region                    string
	Devices                   float64
	BeforeMillis, AfterMillis float64
}

// Proposal is one new gateway.
type Proposal struct {
	AWSRegion string
	// Regions are the client regions it takes, by name.
	Regions []Move
	Devices float64
	// BeforeMillis and AfterMillis are device-weighted means over Regions
	// (plain means when they hold no devices).
	BeforeMillis, AfterMillis float64
	MonthlyCost               float64
	// RepointUSD is the one-off cost of re-pointing Regions' devices in
	// the field.
	RepointUSD float64
	// FailoverTo takes its clients when it fails whole; nil when no other
	// gateway has a known round trip from all of them.
	FailoverTo *Failover
}

// Reassignment is an existing gateway taking client regions from others.
type Reassignment struct {
	Gateway, AWSRegion        string
	Regions                   []Move
	Devices                   float64
	BeforeMillis, AfterMillis float64
	// MonthlyCost is the growth of its deployment for Devices (Growth).
	MonthlyCost float64
	RepointUSD  float64
}

// Failover is a new gateway's failover partner: the gateway, existing or
// proposed, with the lowest device-weighted round trip from its regions.
type Failover struct {
	// Gateway is an existing gateway's name or, when New, the AWS region
	// of another proposal.
	Gateway string
	New     bool
	Millis  float64
}

// Outcomes of a candidate region.
const (
	Stays      = "stays"
	Reassigned = "reassigned"
	NewGateway = "new-gateway"
)

// Decision is what happens to one candidate region.
type Decision struct {
	Region  string
	Outcome string
	// From is the gateway serving it today; To the existing gateway it is
	// reassigned to or the AWS region of its new gateway ("" when it
	// stays).
	From, To                  string
	Devices, InField          float64
	BeforeMillis, AfterMillis float64
	// RepointUSD is the one-off cost of the move (0 when it stays).
	RepointUSD float64
	// BestNew, for a region not moved to a new gateway, is the new site
	// that would have served it best on its own; nil when none is nearer.
	// BestExisting, for a region that stays, is the same among the
	// existing gateways.
	BestNew, BestExisting *Alternative
}

// Alternative is one gateway for one region, in USD a month.
type Alternative struct {
	// Gateway is an existing gateway's name, "" for a new site.
	Gateway   string
	AWSRegion string
	Millis    float64
	// GatewayUSD is a new gateway's cost or an existing one's growth,
	// RepointUSD the monthly share of re-pointing, GainUSD the latency
	// saved at USDPerMsDevice.
	GatewayUSD, RepointUSD, GainUSD float64
}

// Result is the decisions and what they change.
type Result struct {
	// Candidates are the client regions above the target, in input order;
	// Decisions say what happens to each, in the same order.
	Candidates []string
	Decisions  []Decision
	// Proposals and Reassignments are ordered by devices taken, most
	// first, then AWS region or gateway.
	Proposals     []Proposal
	Reassignments []Reassignment
	// Before and After are Σ devices x round trip over the candidates, in
	// ms x devices, today and with the moves.
	Before, After float64
}

// Place decides. Sites are tried in order (existing gateways in input
// order, then new sites by name) and ties go to the earlier, and a region
// stays on a tie, so the result depends only on the inputs.
func Place(p Problem) (*Result, error) {
	if err := validate(p); err != nil {
		return nil, err
	}
	s, err := setup(p)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, c := range s.cands {
		res.Candidates = append(res.Candidates, c.Name)
		res.Before += c.Devices * c.before
	}
	if len(s.cands) == 0 {
		return res, nil // everyone within the target: nothing to place
	}
	open := s.search()
	to, _ := s.assign(open)
	res.After = s.latency(to)
	for j, isOpen := range open {
		g := s.group(j, to)
		if !isOpen || len(g.Regions) == 0 { // an open site nobody uses moves nobody
			continue
		}
		if site := s.sites[j]; site.gateway != "" {
			g.MonthlyCost = s.growth(site.gateway, g.Devices)
			res.Reassignments = append(res.Reassignments, Reassignment{
				Gateway: site.gateway, AWSRegion: site.awsRegion, Regions: g.Regions, Devices: g.Devices,
				BeforeMillis: g.BeforeMillis, AfterMillis: g.AfterMillis, MonthlyCost: g.MonthlyCost, RepointUSD: g.RepointUSD,
			})
			continue
		}
		if p.Cost != nil {
			g.MonthlyCost, _ = p.Cost(g.AWSRegion, g.Devices)
		}
		res.Proposals = append(res.Proposals, g)
	}
	slices.SortStableFunc(res.Proposals, func(a, b Proposal) int {
		return cmp.Or(cmp.Compare(b.Devices, a.Devices), cmp.Compare(a.AWSRegion, b.AWSRegion))
	})
	slices.SortStableFunc(res.Reassignments, func(a, b Reassignment) int {
		return cmp.Or(cmp.Compare(b.Devices, a.Devices), cmp.Compare(a.Gateway, b.Gateway))
	})
	s.failovers(res.Proposals)
	res.Decisions = s.decisions(to)
	return res, nil
}

func validate(p Problem) error {
	if p.RTT == nil {
		return errors.New("placement: no round-trip table")
	}
	if !(p.TargetMillis > 0) || math.IsInf(p.TargetMillis, 0) {
		return fmt.Errorf("placement: latency target %v ms must be positive and finite", p.TargetMillis)
	}
	if !(p.RepointUSDPerDevice >= 0) || math.IsInf(p.RepointUSDPerDevice, 0) {
		return fmt.Errorf("placement: re-pointing $%v per device must be finite and not negative", p.RepointUSDPerDevice)
	}
	if p.RepointUSDPerDevice > 0 && p.AmortiseMonths < 1 {
		return fmt.Errorf("placement: re-pointing is spread over %d months, want at least 1", p.AmortiseMonths)
	}
	priced := p.Cost != nil || p.Growth != nil || p.RepointUSDPerDevice > 0
	if priced && (!(p.USDPerMsDevice > 0) || math.IsInf(p.USDPerMsDevice, 0)) {
		return fmt.Errorf("placement: USD per ms-device %v must be positive and finite", p.USDPerMsDevice)
	}
	gateways := map[string]bool{}
	for _, g := range p.Existing {
		if gateways[g.Name] {
			return fmt.Errorf("placement: gateway %q appears twice", g.Name)
		}
		gateways[g.Name] = true
	}
	seen := map[string]bool{}
	for _, r := range p.Regions {
		if seen[r.Name] {
			return fmt.Errorf("placement: client region %q appears twice", r.Name)
		}
		seen[r.Name] = true
		if !(r.Devices >= 0) || math.IsInf(r.Devices, 0) || !(r.InField >= 0) || math.IsInf(r.InField, 0) {
			return fmt.Errorf("placement: client region %q: devices %v and %v in the field must be finite and not negative", r.Name, r.Devices, r.InField)
		}
		if !gateways[r.ServedBy] {
			return fmt.Errorf("placement: client region %q is served by %q, not an existing gateway", r.Name, r.ServedBy)
		}
	}
	return nil
}
