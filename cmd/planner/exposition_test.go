package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/exporter"
	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// expositionFile is one /metrics answer of the real exporter. The planner's
// end-to-end test backfills Prometheus with its series (names and label
// sets as served), so a metric or label renamed on one side only fails it.
// It may be replaced by a scrape of the testbed's exporter
// (curl -s localhost:9419/metrics).
const expositionFile = "testdata/exporter-exposition.prom"

var recordExposition = flag.Bool("record", false, "rewrite "+expositionFile+" from the exporter run against internal/testsupport/fakemgmt")

const recordingHeader = "# One /metrics answer of rabbitfleet_exporter. Recorded by\n" +
	"# `go test ./cmd/planner -run TestRecordedExposition -record` (the exporter in-process,\n" +
	"# against internal/testsupport/fakemgmt: backend and gw-01, payloads recorded from the testbed).\n"

// TestRecordedExposition checks that the recording is what the exporter
// serves today: every rabbitfleet_ family in the catalogue, with its type
// and labels. -record rewrites it first.
func TestRecordedExposition(t *testing.T) {
	if *recordExposition {
		if err := os.WriteFile(expositionFile, []byte(recordingHeader+scrapeFakeFleet(t)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	catalogue := map[string]metrics.Metric{}
	for _, m := range metrics.All() {
		catalogue[m.Name] = m
	}
	families := readExposition(t)
	for name, f := range families {
		if !strings.HasPrefix(name, "rabbitfleet_") {
			continue
		}
		m, ok := catalogue[name]
		switch {
		case !ok:
			t.Errorf("%s: %s is not in the catalogue: renamed? re-record with -record", expositionFile, name)
			continue
		case strings.ToLower(f.GetType().String()) != string(m.Type):
			t.Errorf("%s: %s is a %s, the catalogue says %s", expositionFile, name, f.GetType(), m.Type)
		}
		want := slices.Sorted(slices.Values(m.Labels))
		for _, s := range f.Metric {
			if got := labelNames(s); !slices.Equal(got, want) {
				t.Errorf("%s: %s has labels %v, the catalogue says %v", expositionFile, name, got, want)
				break
			}
		}
	}
}

// scrapeFakeFleet runs the exporter in-process against a fake fleet of
// two clusters and returns its /metrics answer once every heavy list has
// been read.
func scrapeFakeFleet(t *testing.T) string {
	const password = "record-S3CRET"
	fleet, err := fakemgmt.Fleet(fakemgmt.FleetConfig{Clusters: 2, Connections: 12, Queues: 6, Seed: 5,
		Username: "monitoring", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	servers, err := fakemgmt.Start(fleet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(servers.Close)
	cfgFile := fakemgmt.WriteExporterConfig(t, fleet, servers.URLs, password, 64<<20)
	srv, err := exporter.NewServer(exporter.Options{ConfigFile: cfgFile, ScrapeTimeout: 10 * time.Second, TimeoutOffset: 500 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Fleet().Close)
	var body string
	for range 3 { // one heavy list (connections, federation links, queues) per scrape
		rec := httptest.NewRecorder()
		srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
		}
		body = rec.Body.String()
	}
	return body
}

func readExposition(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	b, err := os.ReadFile(expositionFile)
	if err != nil {
		t.Fatal(err)
	}
	return parseExposition(t, expositionFile, string(b))
}

func parseExposition(t *testing.T, name, text string) map[string]*dto.MetricFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return families
}

func labelNames(m *dto.Metric) []string {
	var names []string
	for _, l := range m.Label {
		names = append(names, l.GetName())
	}
	slices.Sort(names)
	return names
}

// counterSamples is how many samples per hour a counter gets: rate(c[1h])
// at each hour then sees four of them (Prometheus 3, left-open window) or
// five (Prometheus 2) and yields the hour's increase over an hour, as
// planner/history's round-trip test of the same encoding shows.
const counterSamples = 4

// backfill turns the recorded exposition into the history s over time, in
// the OpenMetrics text promtool backfills. Each series of s (one planner
// metric of one cluster) is carried by the recorded series of the family
// the planner's query reads, with their names and label sets as served:
// the cluster label and the labels the query keeps (protocol) take the
// series' values, every other label keeps its recorded value. The first
// of these series carries the hourly values, the others 0 at the same
// hours, so that the query's sum gives back s exactly. A family or label
// the planner reads that the exporter does not serve is an error, and
// leaves those series out of Prometheus.
func backfill(t *testing.T, families map[string]*dto.MetricFamily, s *history.Snapshot) []byte {
	t.Helper()
	queries := map[string]history.Query{}
	for _, q := range history.Queries() {
		queries[q.Metric] = q
	}
	type series struct {
		labels string // {name="value",...} sorted by name
		values []float64
		start  time.Time
	}
	byFamily := map[string][]series{}
	// Each problem is reported once, not for every cluster; the series it
	// concerns are left out, and Prometheus is still asked.
	reported := map[string]bool{}
	problem := func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !reported[msg] {
			reported[msg] = true
			t.Error(msg)
		}
	}
series:
	for _, x := range s.Series {
		if x.Metric == history.MetricCPUBusyCores {
			// node_exporter's, not the exporter's: one host per cluster,
			// picked by the demo fleet's node_cpu_selector.
			labels := map[string]string{"cpu": "0", "instance": x.Cluster + "-broker-1:9100", "job": "node", "mode": "user",
				"rabbitmq_cluster": x.Cluster}
			byFamily["node_cpu_seconds_total"] = append(byFamily["node_cpu_seconds_total"], series{labelText(labels), x.Values, x.Start})
			continue
		}
		q, ok := queries[x.Metric]
		if !ok {
			t.Fatalf("history series %s: no query", x.Metric)
		}
		f := families[q.Source]
		if f == nil {
			problem("the planner reads %s (%s), which the exporter's recorded exposition %s does not serve", q.Source, q.Metric, expositionFile)
			continue
		}
		if want := map[bool]dto.MetricType{true: dto.MetricType_COUNTER, false: dto.MetricType_GAUGE}[q.Rate]; f.GetType() != want {
			problem("the planner reads %s as a %s, the exporter serves a %s", q.Source, want, f.GetType())
			continue
		}
		key := q.By[0] // the label naming the cluster the series is about
		if q.ClusterLabel != "" {
			key = q.ClusterLabel // a link's upstream: the downstream cluster exports it
		}
		set := map[string]string{key: x.Cluster}
		for k, v := range x.Labels {
			if !slices.Contains(q.By, k) {
				t.Fatalf("history series %s has label %q, which its query does not keep (%v)", x.Metric, k, q.By)
			}
			set[k] = v
		}
		templates := templateSeries(f, x.Labels)
		for _, m := range templates {
			for _, k := range q.By {
				if !slices.ContainsFunc(m.Label, func(l *dto.LabelPair) bool { return l.GetName() == k }) {
					problem("the planner keeps label %q of %s, which the exporter's recorded series (%s) do not have", k, q.Source, expositionFile)
					continue series
				}
			}
		}
		seen := map[string]bool{}
		for _, m := range templates {
			labels := map[string]string{}
			for _, l := range m.Label {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range set {
				labels[k] = v
			}
			text := labelText(labels)
			if seen[text] {
				continue
			}
			values := x.Values
			if len(seen) > 0 {
				values = zeroWhereSet(x.Values)
			}
			seen[text] = true
			byFamily[q.Source] = append(byFamily[q.Source], series{text, values, x.Start})
		}
	}

	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range byFamily {
			if !yield(k) {
				return
			}
		}
	}) {
		all := byFamily[name]
		slices.SortFunc(all, func(a, b series) int { return strings.Compare(a.labels, b.labels) })
		counter := name == "node_cpu_seconds_total" || families[name].GetType() == dto.MetricType_COUNTER
		if counter {
			fmt.Fprintf(w, "# TYPE %s counter\n", strings.TrimSuffix(name, "_total"))
		} else {
			fmt.Fprintf(w, "# TYPE %s gauge\n", name)
		}
		for _, x := range all {
			c := 0.0
			for i, v := range x.values {
				if math.IsNaN(v) {
					continue
				}
				at := x.start.Add(time.Duration(i) * s.Step)
				if !counter {
					writeSample(w, name+x.labels, v, at)
					continue
				}
				// A counter grows linearly within the hour ending at "at".
				sub := history.QueryStep / counterSamples
				for k := 1; k <= counterSamples; k++ {
					writeSample(w, name+x.labels, c+float64(k)*v*sub.Seconds(), at.Add(-history.QueryStep+time.Duration(k)*sub))
				}
				c += counterSamples * v * sub.Seconds()
			}
		}
	}
	w.WriteString("# EOF\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// templateSeries are the recorded series of one cluster: among those
// whose kept labels (protocol) already have the history's values, or all
// when none has, the cluster serving the most (the first by name on a tie).
func templateSeries(f *dto.MetricFamily, kept map[string]string) []*dto.Metric {
	matches := func(m *dto.Metric) bool {
		n := 0
		for _, l := range m.Label {
			if v, ok := kept[l.GetName()]; ok && v == l.GetValue() {
				n++
			}
		}
		return n == len(kept)
	}
	candidates := f.Metric
	if slices.ContainsFunc(f.Metric, matches) {
		candidates = slices.DeleteFunc(slices.Clone(f.Metric), func(m *dto.Metric) bool { return !matches(m) })
	}
	byCluster := map[string][]*dto.Metric{}
	for _, m := range candidates {
		for _, l := range m.Label {
			if l.GetName() == metrics.LabelCluster {
				byCluster[l.GetValue()] = append(byCluster[l.GetValue()], m)
			}
		}
	}
	best := ""
	for c, ms := range byCluster {
		if best == "" || len(ms) > len(byCluster[best]) || len(ms) == len(byCluster[best]) && c < best {
			best = c
		}
	}
	return byCluster[best]
}

func zeroWhereSet(values []float64) []float64 {
	out := make([]float64, len(values))
	for i, v := range values {
		if math.IsNaN(v) {
			out[i] = v
		}
	}
	return out
}

// labelText renders {name="value",...} sorted by name, with OpenMetrics'
// escapes.
func labelText(labels map[string]string) string {
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	var parts []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range labels {
			if !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, k+`="`+esc.Replace(labels[k])+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// writeSample writes "series value seconds", with milliseconds only when
// the time has any.
func writeSample(w *bufio.Writer, series string, v float64, at time.Time) {
	w.WriteString(series + " " + strconv.FormatFloat(v, 'f', -1, 64) + " ")
	if ms := at.UnixMilli(); ms%1000 == 0 {
		w.WriteString(strconv.FormatInt(ms/1000, 10))
	} else {
		w.WriteString(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64))
	}
	w.WriteByte('\n')
}

// backfill writes the recorded series of the family each query reads,
// renamed to the history's cluster, the first with the history's values
// and the others with zeros, so that the query's sum gives them back.
func TestBackfillWritesTheRecordedSeries(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &history.Snapshot{Version: history.FormatVersion, Start: t0, End: t0.Add(2 * time.Hour), Step: time.Hour,
		Series: []history.Series{
			{Metric: "connections", Cluster: "gw", Labels: map[string]string{metrics.LabelProtocol: "mqtt"}, Start: t0, Step: time.Hour, Values: []float64{3, math.NaN()}},
			{Metric: "messages_published_per_second", Cluster: "gw", Start: t0, Step: time.Hour, Values: []float64{2, 0.5}},
		}}
	recorded := parseExposition(t, "recorded", `# TYPE rabbitfleet_cluster_messages_published_total counter
rabbitfleet_cluster_messages_published_total{cluster="backend",region="central",role="backend"} 41
rabbitfleet_cluster_messages_published_total{cluster="gw-01",region="us",role="gateway"} 42
# TYPE rabbitfleet_connections gauge
rabbitfleet_connections{cluster="backend",node="rabbit@backend-1",protocol="amqp091",protocol_version="0.9.1",region="central",role="backend",state="running",vhost="/"} 2
rabbitfleet_connections{cluster="gw-01",node="rabbit@gw-01-1",protocol="mqtt",protocol_version="3.1.1",region="us",role="gateway",state="running",vhost="/"} 5
rabbitfleet_connections{cluster="gw-01",node="rabbit@gw-01-2",protocol="mqtt",protocol_version="3.1.1",region="us",role="gateway",state="running",vhost="/"} 4
rabbitfleet_connections{cluster="gw-01",node="rabbit@gw-01-3",protocol="amqp091",protocol_version="0.9.1",region="us",role="gateway",state="running",vhost="/"} 1
rabbitfleet_connections{cluster="gw-01",node="rabbit@gw-01-3",protocol="mqtt",protocol_version="3.1.1",region="us",role="gateway",state="running",vhost="/"} 2
`)
	want := `# TYPE rabbitfleet_cluster_messages_published counter
rabbitfleet_cluster_messages_published_total{cluster="gw",region="central",role="backend"} 1800 1767222900
rabbitfleet_cluster_messages_published_total{cluster="gw",region="central",role="backend"} 3600 1767223800
rabbitfleet_cluster_messages_published_total{cluster="gw",region="central",role="backend"} 5400 1767224700
rabbitfleet_cluster_messages_published_total{cluster="gw",region="central",role="backend"} 7200 1767225600
rabbitfleet_cluster_messages_published_total{cluster="gw",region="central",role="backend"} 7650 1767226500
rabbitfleet_cluster_messages_published_total{cluster="gw",region="central",role="backend"} 8100 1767227400
rabbitfleet_cluster_messages_published_total{cluster="gw",region="central",role="backend"} 8550 1767228300
rabbitfleet_cluster_messages_published_total{cluster="gw",region="central",role="backend"} 9000 1767229200
# TYPE rabbitfleet_connections gauge
rabbitfleet_connections{cluster="gw",node="rabbit@gw-01-1",protocol="mqtt",protocol_version="3.1.1",region="us",role="gateway",state="running",vhost="/"} 3 1767225600
rabbitfleet_connections{cluster="gw",node="rabbit@gw-01-2",protocol="mqtt",protocol_version="3.1.1",region="us",role="gateway",state="running",vhost="/"} 0 1767225600
rabbitfleet_connections{cluster="gw",node="rabbit@gw-01-3",protocol="mqtt",protocol_version="3.1.1",region="us",role="gateway",state="running",vhost="/"} 0 1767225600
# EOF
`
	if got := string(backfill(t, recorded, s)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
