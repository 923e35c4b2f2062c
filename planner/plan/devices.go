package plan

import (
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
)

// salesBook holds the devices sold per client region and month: new
// customers x devices per customer (the row's, else the region's).
type salesBook struct {
	byRegion map[string][]sold
	// last is the last month any row covers; zero without rows.
	last time.Time
}

// sold is one month's devices of one region.
type sold struct {
	month   time.Time
	devices float64
}

func newSalesBook(f *fleet.Fleet, rows []sales.Row) *salesBook {
	b := &salesBook{byRegion: map[string][]sold{}}
	for _, r := range rows {
		per := r.DevicesPerCustomer
		if per == 0 {
			cr, _ := f.ClientRegionByName(r.Region)
			per = cr.DevicesPerCustomer
		}
		b.byRegion[r.Region] = append(b.byRegion[r.Region], sold{r.Month, r.NewCustomers * per})
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
