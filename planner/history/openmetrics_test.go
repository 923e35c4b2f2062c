package history

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteOpenMetricsText(t *testing.T) {
	nan := math.NaN()
	s := &Snapshot{Version: FormatVersion, Start: t2026, End: t2026.Add(3 * time.Hour), Step: time.Hour,
		Series: []Series{
			{Metric: "memory_used_bytes", Cluster: "backend", Start: t2026, Step: time.Hour, Values: []float64{1.5e9, 2e9, 2.5}},
			{Metric: "connections_opened_per_second", Cluster: "gw", Start: t2026, Step: time.Hour, Values: []float64{1, nan, 0.5}},
			{Metric: "connections", Cluster: "gw", Labels: map[string]string{"protocol": "stomp"}, Start: t2026, Step: time.Hour, Values: []float64{3, 4, 5}},
			{Metric: "connections", Cluster: "gw", Labels: map[string]string{"protocol": "mqtt"}, Start: t2026, Step: time.Hour, Values: []float64{10, nan, 12}},
		}}
	var buf bytes.Buffer
	if err := WriteOpenMetrics(&buf, s); err != nil {
		t.Fatal(err)
	}
	// Families sorted by name, series by labels, samples by time; the
	// counter grows by value x 900 every 15 minutes up to each hour.
	want := `# TYPE rabbitfleet_connections gauge
rabbitfleet_connections{cluster="gw",protocol="mqtt"} 10 1767225600
rabbitfleet_connections{cluster="gw",protocol="mqtt"} 12 1767232800
rabbitfleet_connections{cluster="gw",protocol="stomp"} 3 1767225600
rabbitfleet_connections{cluster="gw",protocol="stomp"} 4 1767229200
rabbitfleet_connections{cluster="gw",protocol="stomp"} 5 1767232800
# TYPE rabbitfleet_connections_opened counter
rabbitfleet_connections_opened_total{cluster="gw"} 900 1767222900
rabbitfleet_connections_opened_total{cluster="gw"} 1800 1767223800
rabbitfleet_connections_opened_total{cluster="gw"} 2700 1767224700
rabbitfleet_connections_opened_total{cluster="gw"} 3600 1767225600
rabbitfleet_connections_opened_total{cluster="gw"} 4050 1767230100
rabbitfleet_connections_opened_total{cluster="gw"} 4500 1767231000
rabbitfleet_connections_opened_total{cluster="gw"} 4950 1767231900
rabbitfleet_connections_opened_total{cluster="gw"} 5400 1767232800
# TYPE rabbitfleet_node_memory_used_bytes gauge
rabbitfleet_node_memory_used_bytes{cluster="backend"} 1500000000 1767225600
rabbitfleet_node_memory_used_bytes{cluster="backend"} 2000000000 1767229200
rabbitfleet_node_memory_used_bytes{cluster="backend"} 2.5 1767232800
# EOF
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteOpenMetricsEscapesAndMilliseconds(t *testing.T) {
	start := t2026.Add(1500 * time.Millisecond)
	s := &Snapshot{Version: FormatVersion, Start: start, End: start.Add(time.Minute), Step: time.Minute,
		Series: []Series{{Metric: "nodes_running", Cluster: "a\"b\\c\nd", Start: start, Step: time.Minute, Values: []float64{3}}}}
	var buf bytes.Buffer
	if err := WriteOpenMetrics(&buf, s); err != nil {
		t.Fatal(err)
	}
	want := "# TYPE rabbitfleet_node_running gauge\n" +
		`rabbitfleet_node_running{cluster="a\"b\\c\nd"} 3 1767225601.5` + "\n# EOF\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriteOpenMetricsErrors(t *testing.T) {
	one := func(metric string, labels map[string]string, step time.Duration, v float64) *Snapshot {
		return &Snapshot{Version: FormatVersion, Start: t2026, End: t2026.Add(step), Step: step,
			Series: []Series{{Metric: metric, Cluster: "gw", Labels: labels, Start: t2026, Step: step, Values: []float64{v}}}}
	}
	for _, tc := range []struct {
		name string
		s    *Snapshot
		want string
	}{
		{"unknown metric", one("cpu", nil, time.Hour, 1),
			`history: openmetrics: series 0 (cpu gw): metric "cpu" is not one of Queries()`},
		{"label the query drops", one("memory_used_bytes", map[string]string{"node": "n1"}, time.Hour, 1),
			`history: openmetrics: series 0 (memory_used_bytes gw {node="n1"}): label "node" is not one the query keeps (cluster)`},
		{"negative rate", one("connections_closed_per_second", nil, time.Hour, -2),
			`history: openmetrics: series 0 (connections_closed_per_second gw): value 0 (2026-01-01T00:00:00Z) is negative: -2`},
		{"rate at another step", one("messages_published_per_second", nil, time.Minute, 2),
			`history: openmetrics: series 0 (messages_published_per_second gw): step 1m0s, a rate needs 1h0m0s (its window)`},
		{"invalid snapshot", one("connections", nil, time.Hour, math.Inf(1)),
			`history: openmetrics: series 0 (connections gw): value 0 (2026-01-01T00:00:00Z) is +Inf`},
	} {
		var buf bytes.Buffer
		err := WriteOpenMetrics(&buf, tc.s)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %q", tc.name, buf.String())
		}
	}
}

// TestWriteOpenMetricsRateRoundTrip evaluates the queries on the written
// samples the way Prometheus does (promql/functions.go, extrapolatedRate;
// instant selectors with a 5-minute lookback), with the range windows of
// Prometheus 2 ([t-1h, t]) and 3 ((t-1h, t]), and checks that every hour
// gives back the snapshot's value, or nothing where it is NaN.
func TestWriteOpenMetricsRateRoundTrip(t *testing.T) {
	nan := math.NaN()
	rates := []float64{12.5, 0.001, nan, 7, nan, nan, 0, 1e6, 3.25}
	gauges := []float64{5, nan, 6, 7, 8, nan, nan, 9, 10}
	n := len(rates)
	s := &Snapshot{Version: FormatVersion, Start: t2026, End: t2026.Add(time.Duration(n) * time.Hour), Step: time.Hour,
		Series: []Series{
			{Metric: "messages_published_per_second", Cluster: "gw", Start: t2026, Step: time.Hour, Values: rates},
			{Metric: "sockets_used", Cluster: "gw", Start: t2026, Step: time.Hour, Values: gauges},
		}}
	var buf bytes.Buffer
	if err := WriteOpenMetrics(&buf, s); err != nil {
		t.Fatal(err)
	}
	samples := parseSamples(t, buf.String())
	counter := samples[`rabbitfleet_cluster_messages_published_total{cluster="gw"}`]
	gauge := samples[`rabbitfleet_node_sockets_used{cluster="gw"}`]
	for i := range n {
		at := t2026.Add(time.Duration(i) * time.Hour).UnixMilli()
		for _, leftOpen := range []bool{false, true} {
			got, ok := promRate(counter, at, time.Hour.Milliseconds(), leftOpen)
			if math.IsNaN(rates[i]) {
				if ok {
					t.Errorf("hour %d (left open %v): rate %v, want none", i, leftOpen, got)
				}
				continue
			}
			if !ok || math.Abs(got-rates[i]) > 1e-9*math.Max(1, rates[i]) {
				t.Errorf("hour %d (left open %v): rate %v (%v), want %v", i, leftOpen, got, ok, rates[i])
			}
		}
		got, ok := promInstant(gauge, at, 5*time.Minute.Milliseconds())
		if math.IsNaN(gauges[i]) {
			if ok {
				t.Errorf("hour %d: gauge %v, want none", i, got)
			}
		} else if !ok || got != gauges[i] {
			t.Errorf("hour %d: gauge %v (%v), want %v", i, got, ok, gauges[i])
		}
	}
}

type point struct {
	ms int64
	v  float64
}

// parseSamples reads "series value seconds" lines into points by series.
func parseSamples(t *testing.T, text string) map[string][]point {
	t.Helper()
	out := map[string][]point{}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("bad sample line %q", line)
		}
		v, err1 := strconv.ParseFloat(f[1], 64)
		sec, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad sample line %q", line)
		}
		out[f[0]] = append(out[f[0]], point{int64(math.Round(sec * 1000)), v})
	}
	return out
}

// promRate is rate(c[rangeMs]) at ts, transcribed from Prometheus's
// extrapolatedRate for floats.
func promRate(c []point, ts, rangeMs int64, leftOpen bool) (float64, bool) {
	var in []point
	for _, p := range c {
		if p.ms <= ts && (p.ms > ts-rangeMs || !leftOpen && p.ms == ts-rangeMs) {
			in = append(in, p)
		}
	}
	if len(in) < 2 {
		return 0, false
	}
	result := in[len(in)-1].v - in[0].v
	for k := 1; k < len(in); k++ {
		if in[k].v < in[k-1].v {
			result += in[k-1].v
		}
	}
	toStart := float64(in[0].ms-(ts-rangeMs)) / 1000
	toEnd := float64(ts-in[len(in)-1].ms) / 1000
	sampled := float64(in[len(in)-1].ms-in[0].ms) / 1000
	avg := sampled / float64(len(in)-1)
	if toStart >= avg*1.1 {
		toStart = avg / 2
	}
	if result > 0 && in[0].v >= 0 {
		if toZero := sampled * (in[0].v / result); toZero < toStart {
			toStart = toZero
		}
	}
	if toEnd >= avg*1.1 {
		toEnd = avg / 2
	}
	return result * (sampled + toStart + toEnd) / sampled / (float64(rangeMs) / 1000), true
}

// promInstant is an instant selector at ts: the last sample no older than
// the lookback.
func promInstant(g []point, ts, lookbackMs int64) (float64, bool) {
	v, ok := 0.0, false
	for _, p := range g {
		if p.ms <= ts && p.ms > ts-lookbackMs {
			v, ok = p.v, true
		}
	}
	return v, ok
}
