package history

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var t2024 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// call is one range query as the fake Prometheus received it.
type call struct {
	query      string
	start, end time.Time
	step       time.Duration
}

// fakeProm answers /api/v1/query_range the way Prometheus does: form or
// URL parameters, the 11,000-point refusal, and JSON matrix answers. answer writes the response for one
// call; nil serves series().
type fakeProm struct {
	mu     sync.Mutex
	calls  []call
	answer func(w http.ResponseWriter, c call)
}

func (f *fakeProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/query_range" {
		http.NotFound(w, r)
		return
	}
	r.ParseForm()
	sec := func(name string) float64 {
		v, _ := strconv.ParseFloat(r.Form.Get(name), 64)
		return v
	}
	c := call{
		query: r.Form.Get("query"),
		start: time.UnixMilli(int64(math.Round(sec("start") * 1000))).UTC(),
		end:   time.UnixMilli(int64(math.Round(sec("end") * 1000))).UTC(),
		step:  time.Duration(math.Round(sec("step")*1000)) * time.Millisecond,
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	// Prometheus's own check (web/api/v1/api.go, queryRange).
	if c.end.Sub(c.start)/c.step > 11000 {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}`)
		return
	}
	if f.answer != nil {
		f.answer(w, c)
		return
	}
	fmt.Fprint(w, matrix(series(c)))
}

func (f *fakeProm) sortedCalls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.calls)
	slices.SortFunc(out, func(a, b call) int {
		if c := strings.Compare(a.query, b.query); c != 0 {
			return c
		}
		return a.start.Compare(b.start)
	})
	return out
}

// stream is one result series: labels and [seconds, "value"] pairs.
type stream struct {
	labels string
	points []string
}

// series is the fake's data: for the connections query, gateway "gw" with
// mqtt and stomp, mqtt missing 2024-01-05 10:00-12:00, and cluster "late"
// appearing from point 12,000; for the others, one series of cluster "gw".
// A value is the hour number since 2024 plus an offset per series.
func series(c call) []stream {
	type def struct {
		labels string
		offset float64
		has    func(i int) bool
	}
	all := func(int) bool { return true }
	defs := []def{{`"cluster":"gw"`, 0.5, all}}
	if strings.Contains(c.query, "rabbitfleet_connections)") {
		defs = []def{
			{`"cluster":"late","protocol":"mqtt"`, 0.25, func(i int) bool { return i >= 12000 }},
			{`"cluster":"gw","protocol":"stomp"`, 0.75, all},
			{`"cluster":"gw","protocol":"mqtt"`, 0, func(i int) bool { return i < 106 || i > 108 }},
		}
	}
	var out []stream
	for _, d := range defs {
		s := stream{labels: d.labels}
		for t := c.start; !t.After(c.end); t = t.Add(c.step) {
			i := int(t.Sub(t2024) / time.Hour)
			if d.has(i) {
				s.points = append(s.points, fmt.Sprintf(`[%d,"%s"]`, t.Unix(), strconv.FormatFloat(float64(i)+d.offset, 'f', -1, 64)))
			}
		}
		if len(s.points) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func matrix(streams []stream) string {
	var parts []string
	for _, s := range streams {
		parts = append(parts, `{"metric":{`+s.labels+`},"values":[`+strings.Join(s.points, ",")+`]}`)
	}
	return `{"status":"success","data":{"resultType":"matrix","result":[` + strings.Join(parts, ",") + `]}}`
}

func newAPI(t *testing.T, h http.Handler) RangeQuerier {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Client{URL: srv.URL + "/"}
}

// Two years hourly is 17,520 points: two chunks, of 11,000 and 6,520.
func TestFetchTwoYearsHourly(t *testing.T) {
	fake := &fakeProm{}
	q := Queries()[:1]
	end := t2024.Add(17520 * time.Hour)
	s, err := Fetch(context.Background(), newAPI(t, fake), q, t2024, end, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantCalls := []call{
		{q[0].PromQL, t2024, t2024.Add(10999 * time.Hour), time.Hour},
		{q[0].PromQL, t2024.Add(11000 * time.Hour), t2024.Add(17519 * time.Hour), time.Hour},
	}
	if got := fake.sortedCalls(); !reflect.DeepEqual(got, wantCalls) {
		t.Errorf("calls\n%v\nwant\n%v", got, wantCalls)
	}
	if s.Version != FormatVersion || !s.Start.Equal(t2024) || !s.End.Equal(end) || s.Step != time.Hour {
		t.Errorf("snapshot header %d %v %v %v", s.Version, s.Start, s.End, s.Step)
	}
	var names []string
	for i := range s.Series {
		names = append(names, describe(&s.Series[i]))
	}
	if want := []string{`connections gw {protocol="mqtt"}`, `connections gw {protocol="stomp"}`, `connections late {protocol="mqtt"}`}; !reflect.DeepEqual(names, want) {
		t.Fatalf("series %q, want %q", names, want)
	}
	for k, offset := range []float64{0, 0.75, 0.25} {
		x := s.Series[k]
		if len(x.Values) != 17520 || !x.Start.Equal(t2024) || x.Step != time.Hour {
			t.Fatalf("%s: %d values from %v every %v", names[k], len(x.Values), x.Start, x.Step)
		}
		for i, v := range x.Values {
			missing := k == 0 && i >= 106 && i <= 108 || k == 2 && i < 12000
			if missing && !math.IsNaN(v) || !missing && v != float64(i)+offset {
				t.Errorf("%s: value %d = %v", names[k], i, v)
			}
		}
	}
	if err := s.Validate(); err != nil {
		t.Error(err)
	}
}

func TestFetchChunkBoundaries(t *testing.T) {
	for _, tc := range []struct {
		points int
		want   [][2]int // first and last point of each chunk
	}{
		{1, [][2]int{{0, 0}}},
		{11000, [][2]int{{0, 10999}}},
		{11001, [][2]int{{0, 10999}, {11000, 11000}}},
		{22000, [][2]int{{0, 10999}, {11000, 21999}}},
		{22001, [][2]int{{0, 10999}, {11000, 21999}, {22000, 22000}}},
	} {
		fake := &fakeProm{}
		step := 15 * time.Second
		_, err := Fetch(context.Background(), newAPI(t, fake), Queries()[4:5], t2024, t2024.Add(time.Duration(tc.points)*step), step, nil)
		if err != nil {
			t.Fatalf("%d points: %v", tc.points, err)
		}
		var got [][2]int
		for _, c := range fake.sortedCalls() {
			got = append(got, [2]int{int(c.start.Sub(t2024) / step), int(c.end.Sub(t2024) / step)})
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%d points: chunks %v, want %v", tc.points, got, tc.want)
		}
	}
}

// The fake holds every call until four are in flight at once; a fifth
// would show as a maximum above four.
func TestFetchConcurrencyBound(t *testing.T) {
	var mu sync.Mutex
	inFlight, most := 0, 0
	four := make(chan struct{})
	fake := &fakeProm{}
	fake.answer = func(w http.ResponseWriter, c call) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if inFlight == Concurrency && most == Concurrency {
			close(four)
		}
		mu.Unlock()
		select {
		case <-four:
		case <-time.After(5 * time.Second):
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		fmt.Fprint(w, matrix(series(c)))
	}
	end := t2024.Add(17520 * time.Hour)
	s, err := Fetch(context.Background(), newAPI(t, fake), Queries(), t2024, end, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	if most != Concurrency {
		t.Errorf("at most %d range queries in flight, want %d", most, Concurrency)
	}
	if n := len(fake.sortedCalls()); n != 26 {
		t.Errorf("%d range queries, want 26 (13 queries x 2 chunks)", n)
	}
	if len(s.Series) != 15 {
		t.Errorf("%d series, want 15", len(s.Series))
	}
}

// A literal answer in Prometheus's format: fractional timestamps, a NaN
// value, __name__ dropped, further labels kept.
func TestFetchDecodesPrometheusAnswer(t *testing.T) {
	start := time.Unix(1435781430, 781e6)
	fake := &fakeProm{answer: func(w http.ResponseWriter, c call) {
		fmt.Fprint(w, `{
   "status" : "success",
   "data" : {
      "resultType" : "matrix",
      "result" : [
         {
            "metric" : { "__name__" : "x", "cluster" : "gateway-eu", "protocol" : "mqtt" },
            "values" : [ [ 1435781430.781, "1" ], [ 1435781460.781, "NaN" ], [ 1435781475.781, "2.5e3" ] ]
         }
      ]
   }
}`)
	}}
	s, err := Fetch(context.Background(), newAPI(t, fake), Queries()[:1], start, start.Add(time.Minute), 15*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := s.Find("connections", "gateway-eu", map[string]string{"protocol": "mqtt"})
	if x == nil || len(s.Series) != 1 {
		t.Fatalf("series %+v", s.Series)
	}
	want := []float64{1, math.NaN(), math.NaN(), 2500}
	for i := range want {
		if math.Float64bits(x.Values[i]) != math.Float64bits(want[i]) && !(math.IsNaN(x.Values[i]) && math.IsNaN(want[i])) {
			t.Errorf("value %d = %v, want %v", i, x.Values[i], want[i])
		}
	}
}

// An optional query that finds nothing leaves its metric out of the
// snapshot; the rest is fetched as usual.
func TestFetchOptionalQueryEmpty(t *testing.T) {
	version, _ := queryFor(MetricRabbitMQVersion)
	if !version.Optional {
		t.Fatalf("last query %+v, want the optional version query", version)
	}
	fake := &fakeProm{answer: func(w http.ResponseWriter, c call) {
		if c.query == version.PromQL {
			fmt.Fprint(w, matrix(nil))
			return
		}
		fmt.Fprint(w, matrix(series(c)))
	}}
	s, err := Fetch(context.Background(), newAPI(t, fake), []Query{Queries()[4], version}, t2024, t2024.Add(48*time.Hour), time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Clusters(MetricRabbitMQVersion); len(got) != 0 || len(s.Series) != 1 {
		t.Errorf("version clusters %q, %d series; want none and 1", got, len(s.Series))
	}
}

func TestFetchErrors(t *testing.T) {
	q := Queries()[:1]
	end := t2024.Add(17520 * time.Hour)
	first := `query "connections" (sum by (cluster, protocol) (rabbitfleet_connections)) from 2024-01-01T00:00:00Z to 2025-04-03T07:00:00Z`
	second := `query "connections" (sum by (cluster, protocol) (rabbitfleet_connections)) from 2025-04-03T08:00:00Z to 2025-12-30T23:00:00Z`
	whole := `query "connections" (sum by (cluster, protocol) (rabbitfleet_connections)) from 2024-01-01T00:00:00Z to 2025-12-30T23:00:00Z`
	onSecond := func(answer func(w http.ResponseWriter)) func(w http.ResponseWriter, c call) {
		return func(w http.ResponseWriter, c call) {
			if c.start.Equal(t2024) {
				fmt.Fprint(w, matrix(series(c)))
				return
			}
			answer(w)
		}
	}
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter, c call)
		want   string
	}{
		{"error answer", onSecond(func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}`)
		}), "history: " + second + ": execution: query processing would load too many samples into memory in query execution"},
		{"server error", onSecond(func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "Service Unavailable")
		}), "history: " + second + `: server_error: server error: 503: "Service Unavailable"`},
		{"not Prometheus", onSecond(func(w http.ResponseWriter) {
			fmt.Fprint(w, "<html>proxy login</html>")
		}), "history: " + second + `: bad_response: invalid character '<' looking for beginning of value: "<html>proxy login</html>"`},
		{"warnings", onSecond(func(w http.ResponseWriter) {
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[]},"warnings":["PromQL info: a","b"]}`)
		}), "history: " + second + ": the answer has warnings: PromQL info: a; b"},
		{"not a matrix", onSecond(func(w http.ResponseWriter) {
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
		}), "history: " + second + ": result is a vector, want a matrix"},
		{"empty everywhere", func(w http.ResponseWriter, c call) {
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
		}, "history: " + whole + ": no series"},
		{"no cluster label", func(w http.ResponseWriter, c call) {
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"protocol":"mqtt"},"values":[[1704067200,"1"]]}]}}`)
		}, `history: ` + first + `: series {protocol="mqtt"} has no cluster label`},
		{"off the steps", func(w http.ResponseWriter, c call) {
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"cluster":"gw"},"values":[[1704067230,"1"]]}]}}`)
		}, `history: ` + first + `: series {cluster="gw"} sample at 2024-01-01T00:00:30Z is not on the chunk's steps`},
		{"outside the chunk", func(w http.ResponseWriter, c call) {
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"cluster":"gw"},"values":[[1767225600,"1"]]}]}}`)
		}, `history: ` + first + `: series {cluster="gw"} sample at 2026-01-01T00:00:00Z is not on the chunk's steps`},
		{"infinite", func(w http.ResponseWriter, c call) {
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"cluster":"gw"},"values":[[1704067200,"+Inf"]]}]}}`)
		}, `history: ` + first + `: series {cluster="gw"} value +Inf at 2024-01-01T00:00:00Z`},
	} {
		_, err := Fetch(context.Background(), newAPI(t, &fakeProm{answer: tc.answer}), q, t2024, end, time.Hour, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error\n%v\nwant\n%s", tc.name, err, tc.want)
		}
	}

	srv := httptest.NewServer(http.NotFoundHandler())
	down := &Client{URL: srv.URL}
	srv.Close()
	_, err := Fetch(context.Background(), down, q, t2024, end, time.Hour, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "history: "+first+": POST "+srv.URL+"/api/v1/query_range: dial tcp ") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("server down: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Fetch(ctx, newAPI(t, &fakeProm{}), q, t2024, end, time.Hour, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "history: "+first+": ") || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("canceled: %v", err)
	}

	a := newAPI(t, &fakeProm{})
	for _, tc := range []struct {
		name       string
		queries    []Query
		start, end time.Time
		step       time.Duration
		want       string
	}{
		{"no queries", nil, t2024, end, time.Hour, "history: fetch: no queries"},
		{"zero step", q, t2024, end, 0, "history: fetch: step 0s is not a positive whole number of milliseconds"},
		{"sub-millisecond step", q, t2024, end, 1500 * time.Microsecond, "history: fetch: step 1.5ms is not a positive whole number of milliseconds"},
		{"empty range", q, t2024, t2024, time.Hour, "history: fetch: end 2024-01-01T00:00:00Z is not after start 2024-01-01T00:00:00Z"},
	} {
		_, err := Fetch(context.Background(), a, tc.queries, tc.start, tc.end, tc.step, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestFetchProgress(t *testing.T) {
	var buf bytes.Buffer
	a := newAPI(t, &fakeProm{})
	end := t2024.Add(17520 * time.Hour)
	if _, err := fetch(context.Background(), a, Queries()[:1], t2024, end, time.Hour, &buf); err != nil {
		t.Fatal(err)
	}
	want := "\rfetching history [                              ] 0/2 range queries" +
		"\rfetching history [###############               ] 1/2 range queries" +
		"\rfetching history [##############################] 2/2 range queries\n"
	if buf.String() != want {
		t.Errorf("progress %q, want %q", buf.String(), want)
	}

	// Not a terminal: a buffer or a regular file gets nothing.
	buf.Reset()
	if _, err := Fetch(context.Background(), a, Queries()[:1], t2024, end, time.Hour, &buf); err != nil || buf.Len() != 0 {
		t.Errorf("buffer got %q (%v)", buf.String(), err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "progress"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&buf) || isTerminal(nil) {
		t.Error("a regular file, a buffer or nil taken for a terminal")
	}
	if _, err := Fetch(context.Background(), a, Queries()[:1], t2024, end, time.Hour, f); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Errorf("regular file got %d bytes", st.Size())
	}
}
