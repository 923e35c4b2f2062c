package plan

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// assumptions say in words what the figures rest on.
func assumptions(in Inputs, demands []*gatewayDemand, book *salesBook, months []time.Time, np newGatewayPlan, choices map[string]*capacity.Choice, sels []capacity.Selection, rules DemandRules) []string {
	t := in.Fleet.Targets
	lim := capacity.DefaultLimits()
	names := make([]string, len(demands))
	for i, d := range demands {
		names[i] = d.cluster.Name
	}
	minNodes := fmt.Sprintf("at least %d nodes", t.MinNodes)
	if t.OddNodes {
		minNodes += ", odd"
	}
	out := []string{
		fmt.Sprintf("Each month is sized for the upper bound of the %d%% prediction interval of its p95 connections, "+
			"with %.0f%% headroom above it and N+%d redundancy.", t.Interval, 100*t.Headroom, t.Redundancy),
		fmt.Sprintf("Reconnection storm: after losing its largest node, or taking a failing neighbour's clients, a gateway "+
			"re-accepts them within %g s at its capacity profile's accepts per second per core, below the memory and "+
			"file-descriptor alarms.", t.MaxReconnectSeconds),
	}
	out = append(out, profileAssumptions(in, names, sels)...)
	out = append(out,
		fmt.Sprintf("Capacity per node (capacity_source %s): memory and file descriptors per connection and per idle node "+
			"are fitted on each gateway's history and used where the fit has R² of at least %g over at least %d hourly "+
			"samples, the profile's otherwise; the memory limit (as a share of RAM, applied to every instance type) and "+
			"the fd limit are read from the history where it has them. Fallbacks: memory high watermark %g, %.0f file "+
			"descriptors. CPU: %.0f%% of the cores, less what an idle node uses, at the profile's CPU costs scaled by "+
			"what the cluster's broker hosts show (node_exporter, read through each cluster's node_cpu_selector) "+
			"where that fit passes the same test, at the profile's costs as they are otherwise.",
			t.CapacitySource, t.MinFitR2, t.MinFitSamples, lim.MemoryHighWatermark, lim.FDLimit, 100*lim.CPUTarget),
		fmt.Sprintf("Migration path: one path of deployments per gateway over the horizon, the cheapest in instance cost "+
			"plus $%g per change of instance type and $%g per node added or removed; a change of instance family must "+
			"pay back within %d months; %s; no downsize within %d months of an upsize; each change starts %d month(s) "+
			"before it must be in place.",
			t.MigrationPriceUSD, t.NodeChangePriceUSD, t.PaybackMonths, minNodes, t.NoDownsizeWithinMonths, t.LeadTimeMonths),
		fmt.Sprintf("Instance catalog: %s; prices of %s, a month at %d hours of the on-demand price per node.",
			strings.TrimRight(in.Catalog.Source, ". "), in.Catalog.Fetched.UTC().Format("2006-01-02"), sizing.HoursPerMonth),
		"Demand: each gateway's monthly p95 connections are fitted by least squares against the devices sold in its "+
			"client regions by the end of the month (new customers x devices per customer, from the sales file); the "+
			"devices installed before the sales file begins are in the line's intercept.",
		fmt.Sprintf("A line is used only when its connections per device are positive, at least %g and more than two "+
			"standard errors from zero, and its R² is at least %g; otherwise the gateway is forecast from its daily p95 "+
			"connections alone by the time-series engine, without the sales plan.", demand.MinPerDevice, rules.MinR2),
		"Intervals: the line's own error comes from refitting it on the first half of the history or more and "+
			"forecasting each later month up to 12 months ahead (rolling origin): per month ahead, the root mean square of "+
			"those relative errors (never smaller than a nearer month's, growing with the square root of the months "+
			"beyond the farthest backtested), times Student's t. The sales plan's error is added in quadrature: the low "+
			"and high sales scenarios are the ends of its 95% range.",
		spreadText(book.spread, in.SalesName),
	)
	out = append(out, interpolatedText(in.Sales, salesName(in))...)
	out = append(out, adoptionText(demands, in.FleetName)...)
	out = append(out,
		fmt.Sprintf("Per-connection load: the 95th percentile over the last %.0f days of connections opened and messages "+
			"published per second, each per connection.", demand.RatioWindow.Hours()/24),
	)
	for _, d := range demands {
		if c := choices[d.cluster.Name]; c != nil && !observedAny(c) {
			out = append(out, fmt.Sprintf("%s: the history has no usable node memory or file descriptor series, or the fit "+
				"is poor: sized with the capacity profile and the default limits.", d.cluster.Name))
		}
		switch {
		case d.fit == nil:
			out = append(out, fmt.Sprintf("%s: fewer than %d months of history with sales that change; forecast from its "+
				"daily p95 connections by the time-series engine instead of the devices line.", d.cluster.Name, demand.MinMonths))
		case d.line == nil:
			out = append(out, fmt.Sprintf("%s: the devices line is implausible (%s); forecast from its daily p95 connections "+
				"by the time-series engine instead, without the sales plan.", d.cluster.Name, strings.Join(d.flaws, "; ")))
		}
		for _, p := range d.dropped {
			out = append(out, fmt.Sprintf("%s: %s left out: %.0f%% of its hours observed, fewer than %.0f%%.",
				d.cluster.Name, monthLabel(p.Start), 100*p.Coverage(), 100*demand.MinCoverage))
		}
	}
	if end := months[len(months)-1]; book.last.IsZero() || book.last.Before(end) {
		last := "holds no row"
		if !book.last.IsZero() {
			last = "ends " + monthLabel(book.last)
		}
		out = append(out, fmt.Sprintf("The sales file %s: later months of the horizon assume no new customers.", last))
	}
	out = append(out,
		fmt.Sprintf("Placement: a client region served above the %g ms latency target stays, is reassigned to an "+
			"existing gateway in another AWS region nearer to it, or moves to a new gateway, whichever costs least in "+
			"total: its devices at the horizon's end times their round trip, at $%g per ms and device a month; each new "+
			"gateway's monthly cost (the cheapest deployment for its devices at the horizon's end, with the capacity figures "+
			"of the gateway serving the first such region); how much an existing "+
			"gateway's cheapest deployment grows for the devices it takes (the gateway a region leaves is not credited "+
			"with what it frees); and re-pointing the devices in the field today, $%g each "+
			"(targets.repoint_usd_per_device), once, spread evenly over the horizon's %d months without discounting. "+
			"A region the fleet file routes to no gateway has no device in the field to re-point.",
			t.LatencyTargetMillis, USDPerMsDevice, t.RepointUSDPerDevice, len(months)),
		"A new gateway fails over to the gateway, existing or proposed, with the lowest device-weighted round trip "+
			"from its client regions; that gateway's failover check counts the new gateway's upper forecast, besides "+
			"its own clients, which still include the regions that would leave it.",
		fmt.Sprintf("Devices per client region: those sold since the sales file begins plus its share (by sales) of its "+
			"gateway's installed base, the line's intercept over its slope; a new gateway carries %.3f connections per "+
			"device at the upper bound and the heaviest per-connection load of the fleet.", np.perDevice),
		"Existing gateways are sized for every client region they serve today: a new gateway or a reassignment "+
			"relieves the gateway a region leaves once the fleet file routes the region anew, and the next plan sizes "+
			"them so.",
	)
	return out
}

// ratios are the per-connection rates per gateway; the devices line's
// figures are in the gateway's fit.
func ratios(demands []*gatewayDemand) []report.Ratio {
	var out []report.Ratio
	for _, d := range demands {
		name := d.cluster.Name
		out = append(out,
			report.Ratio{Name: "connections opened per connection", Scope: name, Value: d.load.OpensPerSecond, Unit: "1/s"},
			report.Ratio{Name: "messages published per connection", Scope: name, Value: d.load.MessagesPerSecond, Unit: "messages/s"},
		)
	}
	return out
}

// observedAny says some figure of c comes from the history.
func observedAny(c *capacity.Choice) bool {
	for _, f := range c.Figures {
		if f.Used == capacity.UsedObserved {
			return true
		}
	}
	return false
}

// spreadText says how uncertain the sales plan is taken to be, and why.
func spreadText(s salesSpread, file string) string {
	why := fmt.Sprintf("the stated default: %s has %d past region-months with both planned_new_customers and an "+
		"actual, fewer than the %d needed to learn one", file, s.samples, minSpreadSamples)
	if s.learned {
		why = fmt.Sprintf("learned from %s: the 95%% quantile of actual over planned new customers, less 1, over "+
			"%d past region-months", file, s.samples)
	}
	return fmt.Sprintf("Sales scenarios: rows of the plan with an uncertainty use theirs; the others ±%.0f%%, %s. "+
		"Low and high multiply every planned month by 1 minus and plus the spread at once: a plan off as a whole, "+
		"the error that accumulates.", 100*s.value, why)
}

// interpolatedText states every sales row the file did not have and
// sales.Read made up: each is a figure nobody gave.
func interpolatedText(rows []sales.Row, file string) []string {
	byRegion := map[string][]sales.Row{}
	var regions []string
	for _, r := range rows {
		if byRegion[r.Region] == nil {
			regions = append(regions, r.Region)
		}
		byRegion[r.Region] = append(byRegion[r.Region], r)
	}
	var out []string
	for _, region := range regions {
		list := byRegion[region] // by month: sales.Read sorts
		for i, r := range list {
			if !r.Interpolated {
				continue
			}
			before, after := i-1, i+1
			for before >= 0 && list[before].Interpolated {
				before--
			}
			for after < len(list) && list[after].Interpolated {
				after++
			}
			if before < 0 || after == len(list) {
				continue // not from sales.Read: it interpolates only between two rows
			}
			b, a := list[before], list[after]
			text := fmt.Sprintf("Sales: %s has no row for %s in %s; assumed %s new customers, on the straight line "+
				"between %s (%s) and %s (%s)", file, region, monthLabel(r.Month), plain(r.NewCustomers),
				monthLabel(b.Month), plain(b.NewCustomers), monthLabel(a.Month), plain(a.NewCustomers))
			if r.DevicesPerCustomer > 0 {
				text += fmt.Sprintf(", and %s devices per customer likewise", plain(r.DevicesPerCustomer))
			}
			out = append(out, text+".")
		}
	}
	return out
}

// plain writes v with at most two decimals, no trailing zeros.
func plain(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }
