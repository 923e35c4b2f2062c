// Package placement proposes new gateway regions for client regions served
// above the latency target: a p-median search (greedy add, then add, drop
// and swap moves until none improves) over device-weighted round trip plus
// the monthly cost of each new gateway.
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

// ClientRegion is where devices connect from and the AWS region of the
// gateway serving them today.
type ClientRegion struct {
	Name       string
	Devices    float64
	ServedFrom string
}

// Problem is one placement question.
type Problem struct {
	// Regions are every client region with its forecast devices.
	Regions []ClientRegion
	// Sites are the candidate AWS regions, e.g. the latency table's;
	// Existing ones (today's gateways) are not proposed again.
	Sites    []string
	Existing []string
	RTT      RTT
	// TargetMillis is the round trip above which a region is a candidate.
	TargetMillis float64
	// Cost, when set, charges each new gateway Cost/USDPerMsDevice in the
	// objective's unit (ms x devices): a gateway must win back its cost in
	// latency to be proposed.
	Cost           Cost
	USDPerMsDevice float64
}

// Move is one client region a proposed gateway takes.
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
}

// Result is the proposals and what they change.
type Result struct {
	// Candidates are the client regions above the target, in input order.
	Candidates []string
	// Proposals are ordered by devices taken, most first, then region.
	Proposals []Proposal
	// Before and After are Σ devices x round trip over the candidates, in
	// ms x devices, today and with the proposals.
	Before, After float64
}

// Place finds the new gateways. Candidate sites are tried in name order
// and ties go to the earlier, so the result depends only on the inputs.
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
	assign, _ := s.assign(open)
	res.After = s.latency(assign)
	for j, isOpen := range open {
		if p := s.proposal(j, assign); isOpen && len(p.Regions) > 0 { // an open site nobody uses is no proposal
			res.Proposals = append(res.Proposals, p)
		}
	}
	slices.SortStableFunc(res.Proposals, func(a, b Proposal) int {
		return cmp.Or(cmp.Compare(b.Devices, a.Devices), cmp.Compare(a.AWSRegion, b.AWSRegion))
	})
	return res, nil
}

func validate(p Problem) error {
	if p.RTT == nil {
		return errors.New("placement: no round-trip table")
	}
	if !(p.TargetMillis > 0) || math.IsInf(p.TargetMillis, 0) {
		return fmt.Errorf("placement: latency target %v ms must be positive and finite", p.TargetMillis)
	}
	if p.Cost != nil && (!(p.USDPerMsDevice > 0) || math.IsInf(p.USDPerMsDevice, 0)) {
		return fmt.Errorf("placement: USD per ms-device %v must be positive and finite", p.USDPerMsDevice)
	}
	seen := map[string]bool{}
	for _, r := range p.Regions {
		if seen[r.Name] {
			return fmt.Errorf("placement: client region %q appears twice", r.Name)
		}
		seen[r.Name] = true
		if !(r.Devices >= 0) || math.IsInf(r.Devices, 0) {
			return fmt.Errorf("placement: client region %q: devices %v must be finite and not negative", r.Name, r.Devices)
		}
	}
	return nil
}
