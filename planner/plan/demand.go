package plan

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
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
	// conns is the gateway's hourly connections over every protocol.
	conns *history.Series
	// kept are the months with enough samples for a p95 (the fit's y),
	// dropped the others; x the devices sold by the end of each kept month.
	kept, dropped []demand.Period
	x             []float64
	// line is the devices-to-connections fit; nil when the history was too
	// short and the time-series fallback forecast instead.
	line *demand.Line
	// preds and upper are the forecast for each horizon month, clipped at
	// zero (connections cannot be negative), and the bound sized for.
	preds []demand.Prediction
	upper []float64
	// future are the devices sold by the end of each horizon month.
	future []float64
	load   capacity.PerConnection
	// churn is connections opened per second, p95 of the last kept month.
	churn float64
}

// last is the gateway's latest kept month, "current" in the report.
func (d *gatewayDemand) last() demand.Period { return d.kept[len(d.kept)-1] }

func fitDemand(h *history.Snapshot, g fleet.Cluster, book *salesBook, months []time.Time, interval int) (*gatewayDemand, error) {
	d := &gatewayDemand{cluster: g}
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
	for _, m := range months {
		d.future = append(d.future, book.devices(g.Serves, m))
	}
	if canFit(d.x) {
		if d.line, err = demand.FitLine(d.x, p95s(d.kept)); err != nil {
			return nil, err
		}
		if d.preds, err = d.line.PredictAll(d.future); err != nil {
			return nil, err
		}
	} else {
		mp, _, err := demand.Fallback(*d.conns, len(months))
		if err != nil {
			return nil, err
		}
		if !mp[0].Month.Equal(months[0]) {
			return nil, fmt.Errorf("the fallback forecast starts %s, not %s: the %s series does not end with the history",
				monthLabel(mp[0].Month), monthLabel(months[0]), metricConnections)
		}
		for _, p := range mp {
			d.preds = append(d.preds, p.Prediction)
		}
	}
	for i, p := range d.preds {
		d.preds[i] = clip(p)
		u, err := d.preds[i].Upper(interval)
		if err != nil {
			return nil, err
		}
		d.upper = append(d.upper, u)
	}
	if err := d.rates(h); err != nil {
		return nil, err
	}
	return d, nil
}

// canFit says whether FitLine can draw a line through points at x: enough
// months, and sales that moved between them.
func canFit(x []float64) bool {
	if len(x) < demand.MinMonths {
		return false
	}
	for _, v := range x[1:] {
		if v != x[0] {
			return true
		}
	}
	return false
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
