package plan

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/placement"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// reportPlacement is the placement's result as the report shows it: per
// candidate region the outcome and why, and the decision in words. names
// maps each proposal's AWS region to its gateway name; taken holds every
// name in use, for naming the new gateways that were not chosen.
//
// A region the fleet file routes to no gateway is carried by the nearest
// one for sizing (From) and said to be.
func reportPlacement(res *placement.Result, names map[string]string, taken map[string]bool, f *fleet.Fleet) report.Placement {
	t := f.Targets
	out := report.Placement{
		RepointUSDPerDevice: t.RepointUSDPerDevice, AmortiseMonths: t.HorizonMonths, Regions: []report.PlacedRegion{},
	}
	grows := map[string]float64{}
	for _, r := range res.Reassignments {
		grows[r.Gateway] = r.MonthlyCost
	}
	costs := map[string]float64{}
	for _, p := range res.Proposals {
		costs[p.AWSRegion] = p.MonthlyCost
	}
	siteName := func(awsRegion string) string { // an opened site's own name, else the one it would get
		if n, ok := names[awsRegion]; ok {
			return n
		}
		return nameFor(awsRegion, taken)
	}
	for _, d := range res.Decisions {
		pr := report.PlacedRegion{
			ClientRegion: d.Region, Outcome: d.Outcome, From: d.From, To: d.To, Devices: d.Devices,
			DevicesInField: d.InField, RTTBeforeMillis: d.BeforeMillis, RTTAfterMillis: d.AfterMillis, RepointUSD: d.RepointUSD,
		}
		moved := fmt.Sprintf("moves from %s (%.0f ms) to", d.From, d.BeforeMillis)
		stays := fmt.Sprintf("stays on %s (%.0f ms): ", d.From, d.BeforeMillis)
		if _, served := f.GatewayFor(d.Region); !served {
			moved = fmt.Sprintf("is routed to no gateway (sized with %s, %.0f ms, the nearest); it goes to", d.From, d.BeforeMillis)
			stays = fmt.Sprintf("is routed to no gateway and stays with %s (%.0f ms), the nearest: ", d.From, d.BeforeMillis)
		}
		switch d.Outcome {
		case placement.Stays:
			pr.Why = stays + alternative(d, siteName, t.HorizonMonths) + reassignAlternative(d, t.HorizonMonths)
		case placement.Reassigned:
			pr.Why = fmt.Sprintf("%s %s (%.0f ms), which grows by %s a month at the horizon's end for the regions it takes; %s; %s", moved, d.To,
				d.AfterMillis, dollars(grows[d.To]), repointText(d), alternative(d, siteName, t.HorizonMonths))
		case placement.NewGateway:
			pr.To = names[d.To]
			pr.Why = fmt.Sprintf("%s the new %s in %s (%.0f ms), %s a month at the horizon's end; %s", moved, pr.To, d.To, d.AfterMillis,
				dollars(costs[d.To]), repointText(d))
		}
		out.Regions = append(out.Regions, pr)
	}
	out.Decision = decisionText(res, names, siteName, t)
	return out
}

// alternative says what the best new gateway for d's region alone would
// have cost and gained, a month.
func alternative(d placement.Decision, siteName func(string) string, months int) string {
	a := d.BestNew
	if a == nil {
		return "no AWS region that can host a gateway is nearer to " + d.Region
	}
	return fmt.Sprintf("opening %s (%.0f ms) for %s would cost %s a month (the gateway %s at the horizon's end, re-pointing "+
		"%s devices %s a month over %d months) against a latency gain worth %s a month", siteName(a.AWSRegion), a.Millis,
		d.Region, dollars(a.GatewayUSD+a.RepointUSD), dollars(a.GatewayUSD), grouped(d.InField), dollars(a.RepointUSD),
		months, dollars(a.GainUSD))
}

// reassignAlternative says, for a region that stays, what the best
// existing gateway nearer to it would have cost and gained; "" when none.
func reassignAlternative(d placement.Decision, months int) string {
	a := d.BestExisting
	if a == nil {
		return ""
	}
	return fmt.Sprintf("; reassigning it to %s (%.0f ms) would cost %s a month (%s growing %s, re-pointing %s a month over "+
		"%d months) against a latency gain worth %s a month", a.Gateway, a.Millis, dollars(a.GatewayUSD+a.RepointUSD),
		a.Gateway, dollars(a.GatewayUSD), dollars(a.RepointUSD), months, dollars(a.GainUSD))
}

func repointText(d placement.Decision) string {
	if d.InField == 0 {
		return "it has no device in the field to re-point"
	}
	return fmt.Sprintf("re-pointing its %s devices in the field costs %s once", grouped(d.InField), dollars(d.RepointUSD))
}

// decisionText is the placement's conclusion: "No new gateway" and why,
// or the new gateways to open; then the reassignments; then why each
// region that stays does.
func decisionText(res *placement.Result, names map[string]string, siteName func(string) string, t fleet.Targets) string {
	if len(res.Decisions) == 0 {
		return fmt.Sprintf("Every client region is served within the %g ms latency target: no reassignment and no new gateway.",
			t.LatencyTargetMillis)
	}
	// against is why a region does not get its best new gateway.
	against := func(d placement.Decision) string {
		a := d.BestNew
		if a == nil {
			return "no AWS region that can host a gateway is nearer to " + d.Region
		}
		return fmt.Sprintf("opening %s for %s would cost %s a month (re-pointing %s of it) against a latency gain worth %s "+
			"a month", siteName(a.AWSRegion), d.Region, dollars(a.GatewayUSD+a.RepointUSD), dollars(a.RepointUSD), dollars(a.GainUSD))
	}
	var parts []string
	if len(res.Proposals) == 0 {
		var why []string
		for _, d := range res.Decisions {
			if d.Outcome == placement.Reassigned {
				why = append(why, fmt.Sprintf("%s is reassigned to %s instead (%s)", d.Region, d.To, against(d)))
			} else {
				why = append(why, against(d))
			}
		}
		parts = append(parts, "No new gateway: "+strings.Join(why, "; ")+".")
	}
	for _, p := range res.Proposals {
		s := fmt.Sprintf("Open %s in %s for %s (%.0f ms instead of %.0f), %s a month at the horizon's end", names[p.AWSRegion],
			p.AWSRegion, regionList(p.Regions), p.AfterMillis, p.BeforeMillis, dollars(p.MonthlyCost))
		if fo := p.FailoverTo; fo != nil {
			to := fo.Gateway
			if fo.New {
				to = names[to]
			}
			s += fmt.Sprintf(", failing over to %s (%.0f ms)", to, fo.Millis)
		}
		parts = append(parts, s+".")
	}
	for _, r := range res.Reassignments {
		parts = append(parts, fmt.Sprintf("Reassign %s to %s (%.0f ms instead of %.0f): it grows by %s a month at the "+
			"horizon's end, and re-pointing costs %s once.", regionList(r.Regions), r.Gateway, r.AfterMillis, r.BeforeMillis,
			dollars(r.MonthlyCost), dollars(r.RepointUSD)))
	}
	if len(res.Proposals) > 0 {
		for _, d := range res.Decisions {
			if d.Outcome == placement.Stays {
				parts = append(parts, fmt.Sprintf("%s stays on %s: %s.", d.Region, d.From, against(d)))
			}
		}
	}
	return strings.Join(parts, " ")
}

func regionList(ms []placement.Move) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Region
	}
	return strings.Join(names, ", ")
}

// nameFor is the name a new gateway in awsRegion would get, without
// taking it.
func nameFor(awsRegion string, taken map[string]bool) string {
	name := "gateway-" + awsRegion
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("gateway-%s-%d", awsRegion, i)
	}
	return name
}

// dollars writes whole dollars with thousands separators: "$12,345".
func dollars(v float64) string { return "$" + grouped(v) }

// grouped writes v rounded to a whole number with thousands separators.
func grouped(v float64) string {
	s := strconv.FormatFloat(math.Abs(math.Round(v)), 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if math.Round(v) < 0 {
		s = "-" + s
	}
	return s
}
