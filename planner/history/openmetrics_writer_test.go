package history

// WriteOpenMetrics is test support, not planner code: the round-trip tests
// (openmetrics_test.go) and the demo history's check (demo_test.go) use it.
// cmd/planner's end-to-end test backfills the exporter's recorded
// exposition instead, so that Prometheus holds what the exporter serves.

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// counterSamples is how many samples per QueryStep a counter gets: with
// samples every 15 minutes, rate(c[1h]) at each hour sees four of them (a
// left-open window, Prometheus 3) or five (left-closed, Prometheus 2), and
// either way yields the hour's increase divided by an hour.
const counterSamples = 4

// WriteOpenMetrics writes s back as the raw exporter series its queries
// read, in the OpenMetrics text format with timestamps (seconds), so that
// `promtool tsdb create-blocks-from openmetrics` and Queries() at
// QueryStep give back s:
//
//   - a gauge gets one sample per step, at the step's time, labelled with
//     the cluster and the query's other labels; NaN is no sample;
//   - a rate becomes a counter starting at 0 that grows linearly within
//     each hour ending at t_i, by value_i x 3600 over four samples at
//     t_i-45m, -30m, -15m and t_i. An hour with NaN gets no samples, so
//     that rate() finds fewer than two in its window and returns nothing.
//
// Families are sorted by name, series by labels, samples by time; node
// level series are folded into one per cluster, which the queries' sums
// cannot tell apart. A series the queries cannot give back (unknown
// metric, a label the query drops, a negative rate, a rate at a step other
// than QueryStep) is an error and nothing is written.
func WriteOpenMetrics(w io.Writer, s *Snapshot) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("history: openmetrics: %w", err)
	}
	type raw struct {
		family, labels string
		q              Query
		x              *Series
	}
	var all []raw
	for i := range s.Series {
		x := &s.Series[i]
		at := fmt.Sprintf("history: openmetrics: series %d (%s)", i, describe(x))
		q, ok := queryFor(x.Metric)
		if x.Metric == MetricCPUBusyCores {
			// node_exporter's counter, its busy seconds all in one mode;
			// NodeCPUQuery(cluster, `cluster="…"`) reads it back.
			q, ok = NodeCPUQuery(x.Cluster, ""), true
			cpu := *x
			cpu.Labels = map[string]string{"mode": "user"}
			x = &cpu
			q.By = append(q.By, "mode")
		}
		if !ok {
			return fmt.Errorf("%s: metric %q is not one of Queries()", at, x.Metric)
		}
		for k := range x.Labels {
			if !slices.Contains(q.By[1:], k) {
				return fmt.Errorf("%s: label %q is not one the query keeps (%s)", at, k, strings.Join(q.By, ", "))
			}
		}
		family := q.Source
		if q.Rate {
			family = strings.TrimSuffix(q.Source, "_total")
			if x.Step != QueryStep {
				return fmt.Errorf("%s: step %v, a rate needs %v (its window)", at, x.Step, QueryStep)
			}
			for j, v := range x.Values {
				if v < 0 {
					return fmt.Errorf("%s: value %d (%s) is negative: %v", at, j, stamp(x.Start.Add(time.Duration(j)*x.Step)), v)
				}
			}
		}
		all = append(all, raw{family, labelText(x), q, x})
	}
	slices.SortFunc(all, func(a, b raw) int {
		return cmp.Or(strings.Compare(a.family, b.family), strings.Compare(a.labels, b.labels))
	})

	bw := bufio.NewWriterSize(w, 1<<16)
	var b []byte
	for i, r := range all {
		if i == 0 || r.family != all[i-1].family {
			kind := "gauge"
			if r.q.Rate {
				kind = "counter"
			}
			b = fmt.Appendf(b[:0], "# TYPE %s %s\n", r.family, kind)
			bw.Write(b)
		}
		prefix := r.q.Source + r.labels + " "
		if r.q.Rate {
			writeCounter(bw, prefix, r.x)
		} else {
			writeGauge(bw, prefix, r.x)
		}
	}
	bw.WriteString("# EOF\n")
	return bw.Flush()
}

func writeGauge(bw *bufio.Writer, prefix string, x *Series) {
	var b []byte
	for i, v := range x.Values {
		if !math.IsNaN(v) {
			bw.Write(sample(b[:0], prefix, v, x.Start.Add(time.Duration(i)*x.Step)))
		}
	}
}

func writeCounter(bw *bufio.Writer, prefix string, x *Series) {
	var b []byte
	sub := QueryStep / counterSamples
	inc := sub.Seconds()
	c := 0.0
	for i, r := range x.Values {
		if math.IsNaN(r) {
			continue
		}
		end := x.Start.Add(time.Duration(i) * x.Step)
		for k := 1; k <= counterSamples; k++ {
			t := end.Add(-QueryStep + time.Duration(k)*sub)
			bw.Write(sample(b[:0], prefix, c+float64(k)*r*inc, t))
		}
		c += counterSamples * r * inc
	}
}

// sample appends "name{labels} value timestamp\n", the timestamp in
// seconds (with milliseconds only when it has any).
func sample(b []byte, prefix string, v float64, t time.Time) []byte {
	b = append(b, prefix...)
	b = strconv.AppendFloat(b, v, 'f', -1, 64)
	b = append(b, ' ')
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		b = strconv.AppendInt(b, ms/1000, 10)
	} else {
		b = strconv.AppendFloat(b, float64(ms)/1000, 'f', -1, 64)
	}
	return append(b, '\n')
}

// labelText renders {cluster="…",name="…"} sorted by label name, with the
// escapes OpenMetrics defines.
func labelText(x *Series) string {
	all := map[string]string{"cluster": x.Cluster}
	for k, v := range x.Labels {
		all[k] = v
	}
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	slices.Sort(names)
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + `="` + esc.Replace(all[k]) + `"`)
	}
	b.WriteByte('}')
	return b.String()
}
