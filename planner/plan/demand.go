package plan

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// Metric names of history.Queries() the plan reads.
const (
	metricConnections = "connections"
	metricOpened      = "connections_opened_per_second"
	metricPublished   = "messages_published_per_second"
)

// gatewayDemand is one gateway's demand: its monthly history, the model
// fitted to it and the forecast for every month of the horizon.
type gatewayDemand struct {
	cluster fleet.Cluster
	// adopted are the client regions routed to no gateway that this one,
	// the nearest, carries: in its forecast, not in its fit.
	adopted []adoption
	// conns is the gateway's hourly connections over every protocol.
	conns *history.Series
	// kept are the months with enough samples for a p95 (the fit's y),
	// dropped the others; x the devices sold by the end of each kept month.
	kept, dropped []demand.Period
	x             []float64
	// fit is the devices-to-connections line, nil when the history was too
	// short; flaws say why it was not used. line is fit when it was used,
	// nil when the time-series fallback forecast instead.
	fit   *demand.Line
	flaws []string
	line  *demand.Line
	// backtest is the line's rolling-origin backtest; salesPlanned says it
	// judged forecasts from the sales file's past plans.
	backtest     *demand.Backtest
	salesPlanned bool
	// preds and upper are the forecast for each horizon month, clipped at
	// zero (connections cannot be negative), and the bound sized for;
	// low and high the forecasts if sales come in at those scenarios
	// (line only).
	preds, low, high []demand.Prediction
	upper            []float64
	// future are the devices each horizon month assumes, per scenario:
	// those of the served regions, and of the adopted ones.
	future []demand.Scenario
	load   capacity.PerConnection
	// churn is connections opened per second, p95 of the last kept month.
	churn float64
}

// last is the gateway's latest kept month, "current" in the report.
func (d *gatewayDemand) last() demand.Period { return d.kept[len(d.kept)-1] }

// method is the report's name for how the forecast was made.
func (d *gatewayDemand) method() string {
	if d.line != nil {
		return report.MethodSales
	}
	return report.MethodHistory
}

// fitDemand fits g's devices line on its history and the sales of the
// regions it serves, and forecasts every month of the horizon from the
// sales of those and of the adopted regions; bound, once sizeAdopted has
// run, gives the figures sized for.
func fitDemand(h *history.Snapshot, g fleet.Cluster, adopted []adoption, book *salesBook, months []time.Time, rules DemandRules) (*gatewayDemand, error) {
	d := &gatewayDemand{cluster: g, adopted: adopted}
	if d.conns = h.Sum(metricConnections, g.Name); d.conns == nil {
		return nil, fmt.Errorf("no %s series", metricConnections)
	}
	var err error
	if d.kept, d.dropped, err = demand.MonthlyP95(*d.conns); err != nil {
		return nil, err
	}
	if len(d.kept) == 0 {
		return nil, fmt.Errorf("no month with at least %.0f%% of its %s samples", 100*demand.MinCoverage, metricConnections)
	}
	for _, p := range d.kept {
		d.x = append(d.x, book.devices(g.Serves, p.Start))
	}
	known := months[0].AddDate(0, -1, 0) // the plan starts with the horizon
	carried := append(slices.Clone(g.Serves), regionsOf(adopted)...)
	for _, m := range months {
		s, _ := book.scenario(carried, known, m, false)
		d.future = append(d.future, s)
	}
	if demand.CanFit(d.x) {
		if d.fit, err = demand.FitLine(d.x, p95s(d.kept)); err != nil {
			return nil, err
		}
		if d.flaws = d.fit.Flaws(rules.MinR2); len(d.flaws) == 0 {
			d.line = d.fit
		}
	}
	if d.line != nil {
		err = d.forecastLine(book, months)
	} else {
		err = d.forecastHistory(months)
	}
	if err != nil {
		return nil, err
	}
	if err := d.rates(h); err != nil {
		return nil, err
	}
	return d, nil
}

// bound clips the forecasts at zero and takes the bound sized for.
func (d *gatewayDemand) bound(interval int) error {
	for i, p := range d.preds {
		d.preds[i] = clip(p)
		u, err := d.preds[i].Upper(interval)
		if err != nil {
			return err
		}
		d.upper = append(d.upper, u)
	}
	return nil
}

// forecastLine backtests the line and forecasts each month from the sales
// plan: the base scenario with the line's and the plan's error, the low
// and high ones with the line's alone.
func (d *gatewayDemand) forecastLine(book *salesBook, months []time.Time) error {
	var err error
	if d.backtest, d.salesPlanned, err = backtestLine(d, book, len(d.kept)); err != nil {
		return err
	}
	for i, m := range months {
		ahead := demand.MonthsBetween(d.last().Start, m)
		s := d.future[i]
		d.preds = append(d.preds, d.backtest.Band(d.line, s, ahead))
		d.low = append(d.low, clip(d.backtest.Band(d.line, demand.Known(s.Low), ahead)))
		d.high = append(d.high, clip(d.backtest.Band(d.line, demand.Known(s.High), ahead)))
	}
	return nil
}

// forecastHistory is the time-series engine on the daily p95 series.
func (d *gatewayDemand) forecastHistory(months []time.Time) error {
	mp, _, err := demand.Fallback(*d.conns, len(months))
	if err != nil {
		return err
	}
	if !mp[0].Month.Equal(months[0]) {
		return fmt.Errorf("the fallback forecast starts %s, not %s: the %s series does not end with the history",
			monthLabel(mp[0].Month), monthLabel(months[0]), metricConnections)
	}
	for _, p := range mp {
		d.preds = append(d.preds, p.Prediction)
	}
	return nil
}

// backtestLine backtests the line on d's first n kept months. The
// intervals it is judged by take the sales a forecast would have assumed:
// what the plan had said, where the sales file gives it for every month
// and region concerned (planned reports that it did, for every forecast),
// else the sales that happened.
func backtestLine(d *gatewayDemand, book *salesBook, n int) (bt *demand.Backtest, planned bool, err error) {
	planned = true
	sales := func(last, target int) demand.Scenario {
		s, ok := book.scenario(d.cluster.Serves, d.kept[last].Start, d.kept[target].Start, true)
		if !ok {
			planned = false
			return demand.Known(d.x[target])
		}
		return s
	}
	starts := make([]time.Time, n)
	for i, p := range d.kept[:n] {
		starts[i] = p.Start
	}
	bt, err = demand.BacktestLine(starts, d.x[:n], p95s(d.kept[:n]), sales)
	if err != nil {
		return nil, false, err
	}
	return bt, planned && bt.Checked > 0, nil
}

// rates reads the per-connection load and the current churn.
func (d *gatewayDemand) rates(h *history.Snapshot) error {
	name := d.cluster.Name
	opened, published := h.Sum(metricOpened, name), h.Sum(metricPublished, name)
	switch {
	case opened == nil:
		return fmt.Errorf("no %s series", metricOpened)
	case published == nil:
		return fmt.Errorf("no %s series", metricPublished)
	}
	var err error
	if d.load, err = demand.PerConnection(*opened, *published, *d.conns); err != nil {
		return err
	}
	kept, _, err := demand.MonthlyP95(*opened)
	if err != nil {
		return err
	}
	if len(kept) == 0 {
		return errors.New("no month with enough " + metricOpened + " samples")
	}
	d.churn = kept[len(kept)-1].P95
	for _, p := range kept { // the month the connections figure is from, when it has one
		if p.Start.Equal(d.last().Start) {
			d.churn = p.P95
		}
	}
	return nil
}

func p95s(ps []demand.Period) []float64 {
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p.P95
	}
	return out
}

// clip raises every bound below zero to zero; the order of the bounds
// stays.
func clip(p demand.Prediction) demand.Prediction {
	return demand.Prediction{
		Point: math.Max(p.Point, 0),
		Lo80:  math.Max(p.Lo80, 0), Hi80: math.Max(p.Hi80, 0),
		Lo95: math.Max(p.Lo95, 0), Hi95: math.Max(p.Hi95, 0),
	}
}
