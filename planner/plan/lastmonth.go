package plan

import (
	"math"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// lastMonthCheck rebuilds the forecast a month ago would have made for
// the last complete month, from the months before it only (the sales file
// as it is now: its actuals for that month are what the plan assumed),
// and compares it with the p95 that happened. Nil when no complete month
// has any history before it.
func lastMonthCheck(d *gatewayDemand, asOf time.Time, interval int) (*report.LastMonthCheck, error) {
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
	if canFit(d.x[:k]) {
		line, err := demand.FitLine(d.x[:k], p95s(d.kept[:k]))
		if err != nil {
			return nil, err
		}
		pred = line.Predict(d.x[k])
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
