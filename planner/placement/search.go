package placement

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// candidate is a client region above the target.
type candidate struct {
	ClientRegion
	before float64   // round trip to its gateway today
	rtt    []float64 // to each site, +Inf when unknown
}

// space is a prepared problem: candidates and sites, by index.
type space struct {
	p     Problem
	cands []candidate
	sites []string // sorted, without today's gateway regions
}

func setup(p Problem) (*space, error) {
	s := &space{p: p}
	for _, site := range p.Sites {
		if !slices.Contains(p.Existing, site) {
			s.sites = append(s.sites, site)
		}
	}
	slices.Sort(s.sites)
	s.sites = slices.Compact(s.sites)
	for _, r := range p.Regions {
		before, ok := p.RTT(r.Name, r.ServedFrom)
		if !ok {
			return nil, fmt.Errorf("placement: no round trip from client region %q to %s, where its gateway runs", r.Name, r.ServedFrom)
		}
		if !(before >= 0) || math.IsInf(before, 0) {
			return nil, fmt.Errorf("placement: round trip %v ms from %q to %s", before, r.Name, r.ServedFrom)
		}
		if before <= p.TargetMillis {
			continue
		}
		c := candidate{ClientRegion: r, before: before, rtt: make([]float64, len(s.sites))}
		for j, site := range s.sites {
			c.rtt[j] = math.Inf(1)
			if v, ok := p.RTT(r.Name, site); ok && v >= 0 {
				c.rtt[j] = v
			}
		}
		s.cands = append(s.cands, c)
	}
	return s, nil
}

// assign sends each candidate to its nearest open site when that beats
// today's round trip (-1: it stays), the earlier site on equal round trips.
func (s *space) assign(open []bool) ([]int, float64) {
	to := make([]int, len(s.cands))
	for i, c := range s.cands {
		to[i] = -1
		best := c.before
		for j, isOpen := range open {
			if isOpen && c.rtt[j] < best {
				to[i], best = j, c.rtt[j]
			}
		}
	}
	return to, s.latency(to)
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

// objective is latency plus each open site's cost in ms x devices; +Inf
// when a site cannot be built for the demand it would take.
func (s *space) objective(open []bool) float64 {
	to, obj := s.assign(open)
	if s.p.Cost == nil {
		return obj
	}
	for j, isOpen := range open {
		if !isOpen {
			continue
		}
		usd, ok := s.p.Cost(s.sites[j], s.devices(j, to))
		if !ok || !(usd >= 0) || math.IsInf(usd, 0) {
			return math.Inf(1)
		}
		obj += usd / s.p.USDPerMsDevice
	}
	return obj
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
			if !open[j] || withSwaps {
				consider(j) // add a closed site, or drop an open one
			}
			if withSwaps && open[j] {
				for k := range open {
					if !open[k] {
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

// proposal describes open site j.
func (s *space) proposal(j int, to []int) Proposal {
	p := Proposal{AWSRegion: s.sites[j]}
	var before, after float64
	for i, c := range s.cands {
		if to[i] != j {
			continue
		}
		p.Regions = append(p.Regions, Move{Region: c.Name, Devices: c.Devices, BeforeMillis: c.before, AfterMillis: c.rtt[j]})
		p.Devices += c.Devices
		before += c.Devices * c.before
		after += c.Devices * c.rtt[j]
	}
	slices.SortFunc(p.Regions, func(a, b Move) int { return cmp.Compare(a.Region, b.Region) })
	if p.Devices > 0 {
		p.BeforeMillis, p.AfterMillis = before/p.Devices, after/p.Devices
	} else if n := float64(len(p.Regions)); n > 0 {
		for _, m := range p.Regions {
			p.BeforeMillis += m.BeforeMillis / n
			p.AfterMillis += m.AfterMillis / n
		}
	}
	if s.p.Cost != nil {
		p.MonthlyCost, _ = s.p.Cost(p.AWSRegion, p.Devices)
	}
	return p
}
