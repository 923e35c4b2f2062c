package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
)

// MaxPoints is the most points per series one range query asks for.
// Prometheus refuses a query whose (end-start)/step exceeds 11,000.
const MaxPoints = 11000

// Concurrency is how many range queries Fetch keeps in flight: enough to
// hide latency, few enough not to load the Prometheus server.
const Concurrency = 4

// Fetch runs every query over [start, end) at step against api (a *Client
// for a Prometheus-compatible HTTP API) and returns the snapshot: one series per query and result label set, NaN where
// Prometheus has no point. Each query's range is cut into chunks of at most
// MaxPoints points, fetched concurrently (at most Concurrency at once) and
// stitched in time order; series are sorted as SortSeries does. start is
// truncated to the millisecond, which is what Prometheus resolves. When
// progress is a terminal, a one-line bar is drawn on it.
//
// An unreachable server, an error answer, warnings, a sample off the step
// or an infinite value is an error naming the query and the chunk's time
// range; a query with no series over the whole range is an error too,
// unless it is Optional.
func Fetch(ctx context.Context, api RangeQuerier, queries []Query, start, end time.Time, step time.Duration, progress io.Writer) (*Snapshot, error) {
	if !isTerminal(progress) {
		progress = nil
	}
	return fetch(ctx, api, queries, start, end, step, progress)
}

// chunk is one range query: points [from, to) of query q.
type chunk struct {
	q, from, to int
}

func fetch(ctx context.Context, api RangeQuerier, queries []Query, start, end time.Time, step time.Duration, progress io.Writer) (*Snapshot, error) {
	start = start.Truncate(time.Millisecond)
	switch {
	case len(queries) == 0:
		return nil, errors.New("history: fetch: no queries")
	case step < time.Millisecond || step%time.Millisecond != 0:
		return nil, fmt.Errorf("history: fetch: step %v is not a positive whole number of milliseconds", step)
	case !end.After(start):
		return nil, fmt.Errorf("history: fetch: end %s is not after start %s", stamp(end), stamp(start))
	}
	n := Points(start, end, step)
	var chunks []chunk
	for q := range queries {
		for from := 0; from < n; from += MaxPoints {
			chunks = append(chunks, chunk{q, from, min(from+MaxPoints, n)})
		}
	}
	at := func(i int) time.Time { return start.Add(time.Duration(i) * step) }

	results := make([]model.Matrix, len(chunks))
	errs := make([]error, len(chunks))
	bar := newBar(progress, len(chunks))
	// After a failure no new chunk starts, but those running finish: every
	// chunk before a failed one has been started, so the error reported,
	// the first in chunk order, does not depend on timing.
	stop := make(chan struct{})
	var once sync.Once
	todo := make(chan int)
	var wg sync.WaitGroup
	for range min(Concurrency, len(chunks)) {
		wg.Go(func() {
			for i := range todo {
				c := chunks[i]
				results[i], errs[i] = rangeQuery(ctx, api, queries[c.q].PromQL, at(c.from), at(c.to-1), step)
				if errs[i] != nil {
					once.Do(func() { close(stop) })
				}
				bar.step()
			}
		})
	}
feed:
	for i := range chunks {
		select {
		case todo <- i:
		case <-stop:
			break feed
		}
	}
	close(todo)
	wg.Wait()
	bar.finish()

	chunkRange := func(i int) string {
		c := chunks[i]
		return queryRange(queries[c.q], at(c.from), at(c.to-1))
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("history: %s: %w", chunkRange(i), err)
		}
	}
	s := &Snapshot{Version: FormatVersion, Start: start, End: end, Step: step}
	for q := range queries {
		byKey := map[string]*Series{}
		var order []*Series
		for i, c := range chunks {
			if c.q != q {
				continue
			}
			if err := stitch(byKey, &order, results[i], c, start, step, n); err != nil {
				return nil, fmt.Errorf("history: %s: %w", chunkRange(i), err)
			}
		}
		if len(order) == 0 && !queries[q].Optional {
			return nil, fmt.Errorf("history: %s: no series", queryRange(queries[q], at(0), at(n-1)))
		}
		for _, x := range order {
			x.Metric = queries[q].Metric
			s.Series = append(s.Series, *x)
		}
	}
	SortSeries(s.Series)
	return s, nil
}

// rangeQuery runs one chunk; warnings are errors, because a partial answer
// would be taken for a real dip.
func rangeQuery(ctx context.Context, api RangeQuerier, promQL string, from, to time.Time, step time.Duration) (model.Matrix, error) {
	m, warnings, err := api.QueryRange(ctx, promQL, from, to, step)
	if err != nil {
		return nil, err
	}
	if len(warnings) > 0 {
		return nil, fmt.Errorf("the answer has warnings: %s", strings.Join(warnings, "; "))
	}
	return m, nil
}

// stitch places one chunk's result into the series of its label sets,
// each sample by its timestamp.
func stitch(byKey map[string]*Series, order *[]*Series, m model.Matrix, c chunk, start time.Time, step time.Duration, n int) error {
	startMs, stepMs := start.UnixMilli(), step.Milliseconds()
	for _, ss := range m {
		x, err := seriesFor(ss.Metric, byKey, order, start, step, n)
		if err != nil {
			return err
		}
		if len(ss.Histograms) > 0 {
			return fmt.Errorf("series %s: histogram samples, want floats", ss.Metric)
		}
		for _, p := range ss.Values {
			off := int64(p.Timestamp) - startMs
			j := int(off / stepMs)
			if off < 0 || off%stepMs != 0 || j < c.from || j >= c.to {
				return fmt.Errorf("series %s sample at %s is not on the chunk's steps", ss.Metric, stamp(p.Timestamp.Time()))
			}
			v := float64(p.Value)
			if math.IsInf(v, 0) {
				return fmt.Errorf("series %s value %v at %s", ss.Metric, v, stamp(p.Timestamp.Time()))
			}
			x.Values[j] = v
		}
	}
	return nil
}

// seriesFor returns the series of a result label set, creating it all NaN.
func seriesFor(m model.Metric, byKey map[string]*Series, order *[]*Series, start time.Time, step time.Duration, n int) (*Series, error) {
	cluster := string(m[metrics.LabelCluster])
	if cluster == "" {
		return nil, fmt.Errorf("series %s has no cluster label", m)
	}
	var labels map[string]string
	for k, v := range m {
		if k == metrics.LabelCluster || k == model.MetricNameLabel {
			continue
		}
		if labels == nil {
			labels = map[string]string{}
		}
		labels[string(k)] = string(v)
	}
	key := cluster + "\x00" + labelsKey(labels)
	if x := byKey[key]; x != nil {
		return x, nil
	}
	x := &Series{Cluster: cluster, Labels: labels, Start: start, Step: step, Values: make([]float64, n)}
	for i := range x.Values {
		x.Values[i] = math.NaN()
	}
	byKey[key] = x
	*order = append(*order, x)
	return x, nil
}

func queryRange(q Query, from, to time.Time) string {
	return fmt.Sprintf("query %q (%s) from %s to %s", q.Metric, q.PromQL, stamp(from), stamp(to))
}
