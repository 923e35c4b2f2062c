package plan

import (
	"fmt"
	"math"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
)

// DemandRules are the demand model's judgement calls, stated in the
// report.
type DemandRules struct {
	// MinR2 is the least R² a gateway's devices line needs to forecast;
	// below it the line explains too little of the connections to be
	// extrapolated, and the history-only forecast is used.
	MinR2 float64
	// DefaultSpread is the sales plan's 95% relative error for rows that
	// state no uncertainty when the sales file holds too few past months
	// with both a plan and an actual to learn one.
	DefaultSpread float64
}

// DefaultDemandRules: an R² of 0.5 (sales explain at least half the
// variation) and a spread of ±20%, a common size of a sales plan's miss.
func DefaultDemandRules() DemandRules { return DemandRules{MinR2: 0.5, DefaultSpread: 0.2} }

// Validate names the first rule out of range.
func (r DemandRules) Validate() error {
	switch {
	case !(r.MinR2 >= 0 && r.MinR2 < 1):
		return fmt.Errorf("minimum R² of the demand fit %v: want at least 0 and below 1", r.MinR2)
	case !(r.DefaultSpread > 0 && r.DefaultSpread <= 1):
		return fmt.Errorf("default sales spread %v: want above 0 and at most 1", r.DefaultSpread)
	}
	return nil
}

// minSpreadSamples is the fewest past region-months with both a plan and
// an actual a spread is learned from.
const minSpreadSamples = 6

// salesSpread is the spread applied to plan rows that state none.
type salesSpread struct {
	value float64
	// learned says value came from samples past region-months of the
	// sales file, not from the rules' default.
	learned bool
	samples int
}

// of is the spread of one month's sales: its own, else the book's.
func (s salesSpread) of(x sold) float64 {
	if x.spread > 0 {
		return x.spread
	}
	return s.value
}

// learnSpread measures the sales plan's error on the rows before asOf
// that give planned_new_customers (above 0): the relative errors
// actual/planned − 1, their 95% quantile (demand.AbsQuantiles), at most 1.
// With fewer than minSpreadSamples, the default.
func learnSpread(rows []sales.Row, asOf time.Time, def float64) salesSpread {
	var errs []float64
	for _, r := range rows {
		if r.Month.Before(asOf) && r.PlannedGiven && r.PlannedNewCustomers > 0 {
			errs = append(errs, r.NewCustomers/r.PlannedNewCustomers-1)
		}
	}
	if len(errs) < minSpreadSamples {
		return salesSpread{value: def, samples: len(errs)}
	}
	_, q95 := demand.AbsQuantiles(errs)
	return salesSpread{value: math.Min(q95, 1), learned: true, samples: len(errs)}
}

// report is the spread's part of the report.
func (s salesSpread) report(rows []sales.Row) report.SalesSpread {
	out := report.SalesSpread{Default: s.value, Source: report.SpreadDefault, Samples: s.samples}
	if s.learned {
		out.Source = report.SpreadLearned
	}
	for _, r := range rows {
		if r.Uncertainty > 0 {
			out.RowsWithOwn++
		}
	}
	return out
}
