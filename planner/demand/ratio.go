package demand

import (
	"fmt"
	"math"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// RatioWindow is how far back per-connection rates are read: recent enough
// to follow a firmware change, long enough to hold a month's weekly cycles.
const RatioWindow = 30 * 24 * time.Hour

// RatioP95 is the 95th percentile of num/den over the window that ends at
// the last instant both series cover, e.g. connections opened per second
// over connections (churn per connection). Instants where either is NaN or
// den is not positive are skipped. The series must share a step and lie
// on the same sampling grid.
func RatioP95(num, den history.Series, window time.Duration) (float64, error) {
	pairs, err := windowPairs(num, den, window)
	if err != nil {
		return 0, err
	}
	ratios := make([]float64, len(pairs))
	for i, p := range pairs {
		ratios[i] = p[0] / p[1]
	}
	return p95(ratios), nil
}

// RatioOfSums is Σnum/Σden over the same instants as RatioP95: the share
// of den that num is, e.g. the messages a gateway's federation links took
// over the messages it published.
func RatioOfSums(num, den history.Series, window time.Duration) (float64, error) {
	pairs, err := windowPairs(num, den, window)
	if err != nil {
		return 0, err
	}
	var n, d float64
	for _, p := range pairs {
		n, d = n+p[0], d+p[1]
	}
	return n / d, nil
}

// windowPairs are the (num, den) values at the instants in the window that
// ends at the last instant both series cover, where both are observed and
// den is positive; an error when there is none.
func windowPairs(num, den history.Series, window time.Duration) ([][2]float64, error) {
	for _, s := range []history.Series{num, den} {
		if err := checkSeries(s); err != nil {
			return nil, err
		}
	}
	if num.Step != den.Step {
		return nil, fmt.Errorf("demand: %s has step %v but %s has %v", seriesName(num), num.Step, seriesName(den), den.Step)
	}
	offset := den.Start.Sub(num.Start) // den's first instant in num's steps
	if offset%num.Step != 0 {
		return nil, fmt.Errorf("demand: %s and %s are not sampled at the same instants", seriesName(num), seriesName(den))
	}
	shift := int(offset / num.Step) // num index = den index + shift
	first, last := max(0, shift), min(len(num.Values), len(den.Values)+shift)-1
	if last < first {
		return nil, fmt.Errorf("demand: %s and %s do not overlap in time", seriesName(num), seriesName(den))
	}
	from := last - int(window/num.Step) + 1 // the instants in (end − window, end]
	var pairs [][2]float64
	for i := max(first, from); i <= last; i++ {
		n, d := num.Values[i], den.Values[i-shift]
		if math.IsNaN(n) || math.IsNaN(d) || d <= 0 {
			continue
		}
		pairs = append(pairs, [2]float64{n, d})
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("demand: no instant in the last %v where both %s and %s are observed (and the latter positive)",
			window, seriesName(num), seriesName(den))
	}
	return pairs, nil
}

// PerConnection is the load per connection the capacity model needs: the
// p95 over RatioWindow of connections opened per second and of messages
// published per second, each over connections.
func PerConnection(opened, published, connections history.Series) (capacity.PerConnection, error) {
	churn, err := RatioP95(opened, connections, RatioWindow)
	if err != nil {
		return capacity.PerConnection{}, err
	}
	msgs, err := RatioP95(published, connections, RatioWindow)
	if err != nil {
		return capacity.PerConnection{}, err
	}
	l := capacity.PerConnection{OpensPerSecond: churn, MessagesPerSecond: msgs}
	if err := l.Validate(); err != nil { // a negative rate: a counter read wrong
		return capacity.PerConnection{}, fmt.Errorf("demand: cluster %q: %w", connections.Cluster, err)
	}
	return l, nil
}
