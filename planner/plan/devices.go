package plan

import (
	"math"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
)

// salesBook holds the devices sold per client region and month: new
// customers x devices per customer (the row's, else the region's).
type salesBook struct {
	byRegion map[string][]sold
	// last is the last month any row covers; zero without rows.
	last time.Time
	// spread is the sales plan's 95% relative error where a row gives none.
	spread salesSpread
}

// sold is one month's devices of one region.
type sold struct {
	month   time.Time
	devices float64
	// planned is the devices the plan had said, NaN when the row does not
	// say; spread the row's uncertainty, 0 when not given.
	planned, spread float64
}

func newSalesBook(f *fleet.Fleet, rows []sales.Row, spread salesSpread) *salesBook {
	b := &salesBook{byRegion: map[string][]sold{}, spread: spread}
	for _, r := range rows {
		per := r.DevicesPerCustomer
		if per == 0 {
			cr, _ := f.ClientRegionByName(r.Region)
			per = cr.DevicesPerCustomer
		}
		s := sold{month: r.Month, devices: r.NewCustomers * per, planned: math.NaN(), spread: r.Uncertainty}
		if r.PlannedGiven {
			s.planned = r.PlannedNewCustomers * per
		}
		b.byRegion[r.Region] = append(b.byRegion[r.Region], s)
		if r.Month.After(b.last) {
			b.last = r.Month
		}
	}
	for _, list := range b.byRegion { // cumulative stops at the first later month
		slices.SortStableFunc(list, func(x, y sold) int { return x.month.Compare(y.month) })
	}
	return b
}

// cumulative is the devices sold in region up to the end of month.
func (b *salesBook) cumulative(region string, month time.Time) float64 {
	var sum float64
	for _, s := range b.byRegion[region] {
		if s.month.After(month) {
			break
		}
		sum += s.devices
	}
	return sum
}

// devices sums cumulative over regions, in their order.
func (b *salesBook) devices(regions []string, month time.Time) float64 {
	var sum float64
	for _, r := range regions {
		sum += b.cumulative(r, month)
	}
	return sum
}

// scenario is the devices of regions by the end of month as a forecast
// made after month known would see them: the devices sold up to known,
// then each later month's plan times 1 − spread (low), 1 (base) and
// 1 + spread (high). One factor for every month and region is the sales
// plan being off as a whole, the error that accumulates. The plan is the
// file's figure; with planned, the figure it had said for a month now
// past (false when some month lacks one).
func (b *salesBook) scenario(regions []string, known, month time.Time, planned bool) (demand.Scenario, bool) {
	var s demand.Scenario
	for _, r := range regions {
		for _, x := range b.byRegion[r] {
			if x.month.After(month) {
				break
			}
			v := x.devices
			if !x.month.After(known) {
				s.Low, s.Base, s.High = s.Low+v, s.Base+v, s.High+v
				continue
			}
			if planned {
				if math.IsNaN(x.planned) {
					return s, false
				}
				v = x.planned
			}
			u := b.spread.of(x)
			s.Low, s.Base, s.High = s.Low+v*(1-u), s.Base+v, s.High+v*(1+u)
		}
	}
	return s, true
}
