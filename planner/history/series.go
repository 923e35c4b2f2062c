package history

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Find returns the series of metric and cluster whose labels are exactly
// labels (nil and empty alike), or nil.
func (s *Snapshot) Find(metric, cluster string, labels map[string]string) *Series {
	key := labelsKey(labels)
	for i := range s.Series {
		x := &s.Series[i]
		if x.Metric == metric && x.Cluster == cluster && labelsKey(x.Labels) == key {
			return x
		}
	}
	return nil
}

// Sum adds up every series of metric and cluster across their labels, e.g.
// total connections of a cluster over all protocols. Like PromQL's sum, a
// step is NaN only where every series is NaN. It returns nil when no
// series matches; the series must share start, step and length (Read and
// Fetch guarantee that), else Sum returns nil too.
func (s *Snapshot) Sum(metric, cluster string) *Series {
	var out *Series
	for _, x := range s.Series {
		if x.Metric != metric || x.Cluster != cluster {
			continue
		}
		if out == nil {
			out = &Series{Metric: metric, Cluster: cluster, Start: x.Start, Step: x.Step,
				Values: slices.Clone(x.Values)}
			continue
		}
		if !x.Start.Equal(out.Start) || x.Step != out.Step || len(x.Values) != len(out.Values) {
			return nil
		}
		for i, v := range x.Values {
			switch {
			case math.IsNaN(v):
			case math.IsNaN(out.Values[i]):
				out.Values[i] = v
			default:
				out.Values[i] += v
			}
		}
	}
	return out
}

// LastLabel returns the values of label on the series of metric and
// cluster that have a sample at the latest step any of them has one,
// sorted: an info metric's value now (two during a change, e.g. a rolling
// upgrade). It returns nil when no such series has a sample.
func (s *Snapshot) LastLabel(metric, cluster, label string) []string {
	last := -1
	var out []string
	for _, x := range s.Series {
		if x.Metric != metric || x.Cluster != cluster {
			continue
		}
		i := len(x.Values) - 1
		for i >= 0 && math.IsNaN(x.Values[i]) {
			i--
		}
		switch {
		case i < 0 || i < last:
			continue
		case i > last:
			last, out = i, nil
		}
		out = append(out, x.Labels[label])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Clusters returns the clusters that have a series of metric, sorted.
func (s *Snapshot) Clusters(metric string) []string {
	var out []string
	for _, x := range s.Series {
		if x.Metric == metric {
			out = append(out, x.Cluster)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SortSeries orders series by metric, cluster and labels, the order
// snapshots are written and fetched in.
func SortSeries(series []Series) {
	sort.SliceStable(series, func(i, j int) bool {
		return compareSeries(&series[i], &series[j]) < 0
	})
}

func compareSeries(a, b *Series) int {
	return cmp.Or(
		strings.Compare(a.Metric, b.Metric),
		strings.Compare(a.Cluster, b.Cluster),
		strings.Compare(labelsKey(a.Labels), labelsKey(b.Labels)),
	)
}

// labelsKey is a canonical text of a label set, sorted pairs as PromQL
// writes them (name="value",...); quoting keeps it unambiguous.
func labelsKey(labels map[string]string) string {
	if len(labels) == 0 {
		return ""
	}
	names := make([]string, 0, len(labels))
	for k := range labels {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(labels[k]))
	}
	return b.String()
}

// describe names a series in errors: metric, cluster and labels.
func describe(x *Series) string {
	d := x.Metric + " " + x.Cluster
	if k := labelsKey(x.Labels); k != "" {
		d += " {" + k + "}"
	}
	return d
}

// stamp writes a time in errors.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
