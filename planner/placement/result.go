package placement

import (
	"cmp"
	"math"
	"slices"
)

// group describes the candidates assigned to site j, as a proposal
// (MonthlyCost and FailoverTo left for the caller).
func (s *space) group(j int, to []int) Proposal {
	p := Proposal{AWSRegion: s.sites[j].awsRegion}
	var before, after float64
	for i, c := range s.cands {
		if to[i] != j {
			continue
		}
		p.Regions = append(p.Regions, Move{Region: c.Name, Devices: c.Devices, BeforeMillis: c.before, AfterMillis: c.rtt[j]})
		p.Devices += c.Devices
		p.RepointUSD += c.InField * s.p.RepointUSDPerDevice
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
	return p
}

// failovers gives each proposal the gateway with the lowest round trip
// from its regions, weighted by devices (plain when they hold none):
// existing gateways in input order, then the other proposals in theirs,
// the earlier on a tie. A gateway some region has no round trip to is
// skipped: its clients' experience after a failover is unknown.
func (s *space) failovers(ps []Proposal) {
	for i := range ps {
		var best *Failover
		consider := func(gateway, awsRegion string, isNew bool) {
			ms, ok := meanMillis(ps[i].Regions, awsRegion, s.p.RTT)
			if ok && (best == nil || ms < best.Millis) {
				best = &Failover{Gateway: gateway, New: isNew, Millis: ms}
			}
		}
		for _, g := range s.p.Existing {
			consider(g.Name, g.AWSRegion, false)
		}
		for k, other := range ps {
			if k != i {
				consider(other.AWSRegion, other.AWSRegion, true)
			}
		}
		ps[i].FailoverTo = best
	}
}

func meanMillis(ms []Move, awsRegion string, rtt RTT) (float64, bool) {
	var sum, devices float64
	for _, m := range ms {
		v, ok := rtt(m.Region, awsRegion)
		if !ok {
			return 0, false
		}
		sum += m.Devices * v
		devices += m.Devices
	}
	if devices > 0 {
		return sum / devices, true
	}
	sum = 0
	for _, m := range ms {
		v, _ := rtt(m.Region, awsRegion)
		sum += v / float64(len(ms))
	}
	return sum, true
}

// decisions say what happens to each candidate, with the best new site
// for those not moved to one.
func (s *space) decisions(to []int) []Decision {
	out := make([]Decision, len(s.cands))
	for i, c := range s.cands {
		d := Decision{
			Region: c.Name, Outcome: Stays, From: c.ServedBy, Devices: c.Devices, InField: c.InField,
			BeforeMillis: c.before, AfterMillis: c.before,
		}
		if j := to[i]; j >= 0 {
			d.AfterMillis = c.rtt[j]
			d.RepointUSD = c.InField * s.p.RepointUSDPerDevice
			d.Outcome, d.To = Reassigned, s.sites[j].gateway
			if d.To == "" {
				d.Outcome, d.To = NewGateway, s.sites[j].awsRegion
			}
		}
		if d.Outcome != NewGateway {
			d.BestNew = s.best(c, false)
		}
		if d.Outcome == Stays {
			d.BestExisting = s.best(c, true)
		}
		out[i] = d
	}
	return out
}

// best is the new site (or, when existing, the existing gateway) with the
// lowest net monthly cost (gateway or growth plus re-pointing less the
// latency gain) for c alone, among those nearer than today that can carry
// it; nil when none.
func (s *space) best(c candidate, existing bool) *Alternative {
	var best *Alternative
	bestNet := math.Inf(1)
	for j, st := range s.sites {
		if (st.gateway != "") != existing || !(c.rtt[j] < c.before) {
			continue
		}
		usd, ok := s.siteCost(j, c.Devices)
		if !ok {
			continue
		}
		a := Alternative{
			Gateway: st.gateway, AWSRegion: st.awsRegion, Millis: c.rtt[j], GatewayUSD: usd,
			RepointUSD: s.p.repointMonthly(c.InField), GainUSD: c.Devices * (c.before - c.rtt[j]) * s.p.USDPerMsDevice,
		}
		if net := a.GatewayUSD + a.RepointUSD - a.GainUSD; net < bestNet {
			best, bestNet = &a, net
		}
	}
	return best
}
