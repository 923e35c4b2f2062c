package placement

import (
	"fmt"
	"math"
	"slices"
)

// site is where a candidate may go: an existing gateway (gateway set) or
// a new one in awsRegion.
type site struct {
	awsRegion string
	gateway   string
}

// candidate is a client region above the target.
type candidate struct {
	ClientRegion
	before float64 // round trip to its gateway today
	// moveMs is re-pointing its devices in the field, a month, in the
	// objective's unit.
	moveMs float64
	rtt    []float64 // to each site, +Inf when unknown or its own gateway
}

// space is a prepared problem: candidates and sites, by index.
type space struct {
	p     Problem
	cands []candidate
	// sites are the existing gateways in input order, then the new sites
	// by name (without the existing gateways' regions): a reassignment
	// wins a tie with a new gateway.
	sites []site
	// useful says some candidate would be nearer site j than today: the
	// search leaves the others closed, as opening one cannot help.
	useful []bool
}

func setup(p Problem) (*space, error) {
	s := &space{p: p}
	home := map[string]string{}
	for _, g := range p.Existing {
		s.sites = append(s.sites, site{awsRegion: g.AWSRegion, gateway: g.Name})
		home[g.Name] = g.AWSRegion
	}
	var fresh []string
	for _, r := range p.Sites {
		if !slices.ContainsFunc(p.Existing, func(g Gateway) bool { return g.AWSRegion == r }) {
			fresh = append(fresh, r)
		}
	}
	slices.Sort(fresh)
	for _, r := range slices.Compact(fresh) {
		s.sites = append(s.sites, site{awsRegion: r})
	}
	for _, r := range p.Regions {
		from := home[r.ServedBy]
		before, ok := p.RTT(r.Name, from)
		if !ok {
			return nil, fmt.Errorf("placement: no round trip from client region %q to %s, where its gateway runs", r.Name, from)
		}
		if !(before >= 0) || math.IsInf(before, 0) {
			return nil, fmt.Errorf("placement: round trip %v ms from %q to %s", before, r.Name, from)
		}
		if before <= p.TargetMillis {
			continue
		}
		c := candidate{ClientRegion: r, before: before, rtt: make([]float64, len(s.sites))}
		if m := p.repointMonthly(r.InField); m > 0 {
			c.moveMs = m / p.USDPerMsDevice
		}
		for j, st := range s.sites {
			c.rtt[j] = math.Inf(1)
			if v, ok := p.RTT(r.Name, st.awsRegion); ok && v >= 0 && st.gateway != r.ServedBy {
				c.rtt[j] = v
			}
		}
		s.cands = append(s.cands, c)
	}
	s.useful = make([]bool, len(s.sites))
	for _, c := range s.cands {
		for j, v := range c.rtt {
			s.useful[j] = s.useful[j] || v < c.before
		}
	}
	return s, nil
}

// assign sends each candidate where its devices' round trip plus its
// re-pointing is lowest among staying and the open sites; on equal sums
// the lower round trip, then staying, then the earlier site. It returns
// the sum over candidates.
func (s *space) assign(open []bool) ([]int, float64) {
	to := make([]int, len(s.cands))
	var sum float64
	for i, c := range s.cands {
		to[i] = -1
		best, bestRTT := c.Devices*c.before, c.before
		for j, isOpen := range open {
			if !isOpen || math.IsInf(c.rtt[j], 1) {
				continue
			}
			v := c.Devices*c.rtt[j] + c.moveMs
			if v < best || v == best && c.rtt[j] < bestRTT {
				to[i], best, bestRTT = j, v, c.rtt[j]
			}
		}
		sum += best
	}
	return to, sum
}

// latency is Σ devices x round trip over the candidates.
func (s *space) latency(to []int) float64 {
	var sum float64
	for i, c := range s.cands {
		rtt := c.before
		if to[i] >= 0 {
			rtt = c.rtt[to[i]]
		}
		sum += c.Devices * rtt
	}
	return sum
}

// objective is the assignment's sum plus each open site's cost in ms x
// devices: a new site's whole cost, an existing gateway's growth for what
// it takes. +Inf when a site cannot carry what it would take.
func (s *space) objective(open []bool) float64 {
	to, obj := s.assign(open)
	for j, isOpen := range open {
		if !isOpen {
			continue
		}
		usd, ok := s.siteCost(j, s.devices(j, to))
		if !ok {
			return math.Inf(1)
		}
		obj += usd / s.p.USDPerMsDevice
	}
	return obj
}

// siteCost is site j's monthly USD for devices; zero without a price.
func (s *space) siteCost(j int, devices float64) (float64, bool) {
	st := s.sites[j]
	var usd float64
	ok := true
	switch {
	case st.gateway != "" && s.p.Growth != nil && devices > 0:
		usd, ok = s.p.Growth(st.gateway, devices)
	case st.gateway == "" && s.p.Cost != nil:
		usd, ok = s.p.Cost(st.awsRegion, devices)
	}
	return usd, ok && usd >= 0 && !math.IsInf(usd, 0)
}

func (s *space) growth(gateway string, devices float64) float64 {
	if s.p.Growth == nil {
		return 0
	}
	usd, _ := s.p.Growth(gateway, devices)
	return usd
}

func (s *space) devices(site int, to []int) float64 {
	var d float64
	for i, c := range s.cands {
		if to[i] == site {
			d += c.Devices
		}
	}
	return d
}

// search opens sites greedily, best addition first, then applies the best
// improving add, drop or swap until none improves. An improvement must
// exceed a relative 1e-9, so float noise cannot cycle.
func (s *space) search() []bool {
	open := make([]bool, len(s.sites))
	cur := s.objective(open)
	better := func(v float64) bool { return v < cur-1e-9*math.Max(1, math.Abs(cur)) }
	// try evaluates open with the sites in flip toggled.
	try := func(flip ...int) float64 {
		for _, j := range flip {
			open[j] = !open[j]
		}
		v := s.objective(open)
		for _, j := range flip {
			open[j] = !open[j]
		}
		return v
	}
	step := func(withSwaps bool) bool {
		var best []int
		bestV := cur
		consider := func(flip ...int) {
			if v := try(flip...); better(v) && (best == nil || v < bestV) {
				best, bestV = flip, v
			}
		}
		for j := range open {
			if !s.useful[j] {
				continue
			}
			if !open[j] || withSwaps {
				consider(j) // add a closed site, or drop an open one
			}
			if withSwaps && open[j] {
				for k := range open {
					if !open[k] && s.useful[k] {
						consider(j, k)
					}
				}
			}
		}
		if best == nil {
			return false
		}
		for _, j := range best {
			open[j] = !open[j]
		}
		cur = bestV
		return true
	}
	for step(false) { // greedy add
	}
	for step(true) { // add, drop, swap
	}
	return open
}
