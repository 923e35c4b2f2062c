package plan

import (
	"math"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// lastMonthCheck rebuilds the forecast a month ago would have made for
// the last complete month, from the months before it only, and compares
// it with the p95 that happened. Its sales are what the plan had said for
// that month where the sales file gives it, else the file's actuals with
// the plan's spread around them. A gateway forecast from its history alone,
// or whose line on those months the planner would have rejected, is
// checked with the history-only forecast. Nil when no complete month has any history
// before it.
func lastMonthCheck(d *gatewayDemand, book *salesBook, asOf time.Time, interval int, minR2 float64) (*report.LastMonthCheck, error) {
	k := -1
	for i, p := range d.kept {
		if !p.End.After(asOf) {
			k = i
		}
	}
	if k < 0 {
		return nil, nil
	}
	target := d.kept[k]
	var pred demand.Prediction
	var line *demand.Line
	if d.line != nil && demand.CanFit(d.x[:k]) {
		var err error
		if line, err = demand.FitLine(d.x[:k], p95s(d.kept[:k])); err != nil {
			return nil, err
		}
		if len(line.Flaws(minR2)) > 0 { // the planner would not have used it
			line = nil
		}
	}
	if line != nil {
		// The forecast as the planner makes it, from the months before.
		bt, _, err := backtestLine(d, book, k)
		if err != nil {
			return nil, err
		}
		s, ok := book.scenario(d.cluster.Serves, d.kept[k-1].Start, target.Start, true)
		if !ok { // the sales file as it is now, with the plan's spread
			s, _ = book.scenario(d.cluster.Serves, d.kept[k-1].Start, target.Start, false)
		}
		pred = bt.Band(line, s, demand.MonthsBetween(d.kept[k-1].Start, target.Start))
	} else {
		s := *d.conns
		n := int(target.Start.Sub(s.Start) / s.Step) // the samples before the target month
		if n <= 0 || !anyObserved(s.Values[:n]) {
			return nil, nil
		}
		s.Values = s.Values[:n]
		mp, _, err := demand.Fallback(s, 1)
		if err != nil {
			return nil, err
		}
		pred = mp[0].Prediction
	}
	pred = clip(pred)
	lo, hi := pred.Lo95, pred.Hi95
	if interval == 80 {
		lo, hi = pred.Lo80, pred.Hi80
	}
	return &report.LastMonthCheck{
		Gateway: d.cluster.Name, Month: target.Start, Interval: interval,
		Point: pred.Point, Lo: lo, Hi: hi, Actual: target.P95,
		Inside: lo <= target.P95 && target.P95 <= hi,
	}, nil
}

func anyObserved(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) {
			return true
		}
	}
	return false
}
