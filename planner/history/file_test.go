package history

import (
	"compress/gzip"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t2026 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // 1767225600

// small is a three-hour snapshot with a gap, labels and a value JSON
// writes with an exponent; its series are deliberately out of order.
func small() *Snapshot {
	nan := math.NaN()
	return &Snapshot{Version: FormatVersion, Start: t2026, End: t2026.Add(3 * time.Hour), Step: time.Hour,
		Series: []Series{
			{Metric: "memory_used_bytes", Cluster: "backend", Start: t2026, Step: time.Hour, Values: []float64{1.5e9, 2e9, 2.25}},
			{Metric: "connections", Cluster: "gw", Labels: map[string]string{"protocol": "stomp"}, Start: t2026, Step: time.Hour, Values: []float64{3, 4, 5}},
			{Metric: "connections", Cluster: "gw", Labels: map[string]string{"protocol": "mqtt"}, Start: t2026, Step: time.Hour, Values: []float64{10, nan, -0.5}},
		}}
}

const smallJSON = `{"version":1,"start":"2026-01-01T00:00:00Z","end":"2026-01-01T03:00:00Z","step":3600000000000,"series":[
{"metric":"connections","cluster":"gw","labels":{"protocol":"mqtt"},"start":"2026-01-01T00:00:00Z","step":3600000000000,"values":[10,null,-0.5]},
{"metric":"connections","cluster":"gw","labels":{"protocol":"stomp"},"start":"2026-01-01T00:00:00Z","step":3600000000000,"values":[3,4,5]},
{"metric":"memory_used_bytes","cluster":"backend","start":"2026-01-01T00:00:00Z","step":3600000000000,"values":[1500000000,2000000000,2.25]}
]}
`

func TestWriteExactText(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	s := small()
	before := s.Series[0].Metric
	if err := Write(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != smallJSON {
		t.Errorf("file\n%s\nwant\n%s", got, smallJSON)
	}
	if s.Series[0].Metric != before {
		t.Error("Write reordered the caller's series")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the snapshot", len(entries))
	}
}

func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"snap.json", "snap.json.gz"} {
		path := filepath.Join(t.TempDir(), name)
		if err := Write(path, small()); err != nil {
			t.Fatal(err)
		}
		got, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		want := small()
		SortSeries(want.Series)
		if !equalSnapshots(got, want) {
			t.Errorf("%s: read %+v, want %+v", name, got, want)
		}
		// Written twice, the same bytes (gzip carries no name or time).
		first, _ := os.ReadFile(path)
		if err := Write(path, got); err != nil {
			t.Fatal(err)
		}
		second, _ := os.ReadFile(path)
		if string(first) != string(second) {
			t.Errorf("%s: rewriting changed the bytes", name)
		}
	}
}

func TestGzipIsGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.json.gz")
	if err := Write(path, small()); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != smallJSON {
		t.Errorf("decompressed\n%s\nwant\n%s", b, smallJSON)
	}
}

func TestWriteInvalidLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := small()
	bad.Series[1].Values = bad.Series[1].Values[:2]
	err := Write(path, bad)
	want := "history: writing " + path + `: series 1 (connections gw {protocol="stomp"}): 2 values, want 3 (start to end at the step)`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	got, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(got) != "old" || len(entries) != 1 {
		t.Errorf("file %q and %d entries after a failed write", got, len(entries))
	}
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // JSON has no time past 9999
	bad = &Snapshot{Version: FormatVersion, Start: far, End: far.Add(time.Hour), Step: time.Hour,
		Series: []Series{{Metric: "nodes_running", Cluster: "gw", Start: far, Step: time.Hour, Values: []float64{1}}}}
	if err := Write(path, bad); err == nil || !strings.Contains(err.Error(), "year outside of range") {
		t.Errorf("year 10000: %v", err)
	}
	got, _ = os.ReadFile(path)
	entries, _ = os.ReadDir(dir)
	if string(got) != "old" || len(entries) != 1 {
		t.Errorf("file %q and %d entries after a failed encoding", got, len(entries))
	}
	bad = small()
	bad.Version = 2
	if err := Write(path, bad); err == nil || err.Error() != "history: writing "+path+": version 2, this planner writes version 1" {
		t.Errorf("error %v", err)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Snapshot)
		want   string
	}{
		{"zero step", func(s *Snapshot) { s.Step = 0 }, "step 0s is not positive"},
		{"end before start", func(s *Snapshot) { s.End = s.Start },
			"end 2026-01-01T00:00:00Z is not after start 2026-01-01T00:00:00Z"},
		{"no metric", func(s *Snapshot) { s.Series[2].Metric = "" }, "series 2: no metric"},
		{"no cluster", func(s *Snapshot) { s.Series[0].Cluster = "" }, "series 0 (memory_used_bytes): no cluster"},
		{"other start", func(s *Snapshot) { s.Series[0].Start = t2026.Add(time.Hour) },
			"series 0 (memory_used_bytes backend): start 2026-01-01T01:00:00Z differs from the snapshot's 2026-01-01T00:00:00Z"},
		{"other step", func(s *Snapshot) { s.Series[0].Step = time.Minute },
			"series 0 (memory_used_bytes backend): step 1m0s differs from the snapshot's 1h0m0s"},
		{"infinite", func(s *Snapshot) { s.Series[1].Values[2] = math.Inf(-1) },
			`series 1 (connections gw {protocol="stomp"}): value 2 (2026-01-01T02:00:00Z) is -Inf`},
		{"duplicate", func(s *Snapshot) { s.Series[2].Labels = map[string]string{"protocol": "stomp"} },
			`series 2 (connections gw {protocol="stomp"}): same metric, cluster and labels as series 1`},
		{"empty label name", func(s *Snapshot) { s.Series[0].Labels = map[string]string{"": "x"} },
			`series 0 (memory_used_bytes backend {="x"}): a label has no name`},
	} {
		s := small()
		tc.change(s)
		if err := s.Validate(); err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
	}
	if err := small().Validate(); err != nil {
		t.Errorf("valid snapshot: %v", err)
	}
}

func TestReadErrors(t *testing.T) {
	ok := strings.Replace(smallJSON, `"values":[3,4,5]`, `"values":[3, 4 ,5 ]`, 1)
	for _, tc := range []struct {
		name, text, want string
	}{
		{"newer version", strings.Replace(smallJSON, `"version":1`, `"version":2`, 1),
			"version 2 is not supported (this planner reads version 1)"},
		{"newer version, other shape", `{"version":3,"step":"1h","series":{}}`,
			"version 3 is not supported (this planner reads version 1)"},
		{"no version", `{"series":[]}`, "no version: not a snapshot file (this planner reads version 1)"},
		{"syntax", strings.Replace(smallJSON, `"values":[3,4,5]`, `"values":[3,4,,5]`, 1),
			"3:136: invalid character ',' looking for beginning of value"},
		{"type", strings.Replace(smallJSON, `"step":3600000000000,"values":[3`, `"step":"1h","values":[3`, 1),
			`3:111: field "series.step": cannot read a JSON string as time.Duration`},
		{"string value", strings.Replace(smallJSON, `[3,4,5]`, `[3,"4",5]`, 1),
			`series 1 (connections gw {protocol="stomp"}): values: value 1: "\"4\",5" is not a number or null`},
		{"values not an array", strings.Replace(smallJSON, `[3,4,5]`, `{}`, 1),
			`series 1 (connections gw {protocol="stomp"}): values: not an array`},
		{"out of range", strings.Replace(smallJSON, `[3,4,5]`, `[3,4,1e999]`, 1),
			`series 1 (connections gw {protocol="stomp"}): values: value 2: "1e999" is not a number`},
		{"short series", strings.Replace(smallJSON, `[3,4,5]`, `[3,4]`, 1),
			`series 1 (connections gw {protocol="stomp"}): 2 values, want 3 (start to end at the step)`},
	} {
		path := filepath.Join(t.TempDir(), "snap.json")
		os.WriteFile(path, []byte(tc.text), 0o644)
		_, err := Read(path)
		want := "history: " + path + ": " + tc.want
		if strings.HasPrefix(tc.want, "3:") {
			want = "history: " + path + ":" + tc.want
		}
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v\nwant %s", tc.name, err, want)
		}
	}
	path := filepath.Join(t.TempDir(), "spaced.json")
	os.WriteFile(path, []byte(ok), 0o644)
	if s, err := Read(path); err != nil || !reflect.DeepEqual(s.Series[1].Values, []float64{3, 4, 5}) {
		t.Errorf("white space inside values: %v, %v", s, err)
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json: no such file") {
		t.Errorf("missing file: %v", err)
	}
	gz := filepath.Join(t.TempDir(), "plain.json.gz")
	os.WriteFile(gz, []byte(smallJSON), 0o644)
	if _, err := Read(gz); err == nil || err.Error() != "history: "+gz+": gzip: invalid header" {
		t.Errorf("not gzip: %v", err)
	}
}

func TestPoints(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		step time.Duration
		want int
	}{
		{17520 * time.Hour, time.Hour, 17520},
		{90 * time.Minute, time.Hour, 2}, // 0:00 and 1:00 are before 1:30
		{time.Hour, time.Hour, 1},
		{0, time.Hour, 0},
		{-time.Hour, time.Hour, 0},
		{time.Hour, 0, 0},
	} {
		if got := Points(t2026, t2026.Add(tc.d), tc.step); got != tc.want {
			t.Errorf("Points(%v, %v) = %d, want %d", tc.d, tc.step, got, tc.want)
		}
	}
}

// equalSnapshots compares values bit for bit, so that NaN equals NaN.
func equalSnapshots(a, b *Snapshot) bool {
	if a.Version != b.Version || !a.Start.Equal(b.Start) || !a.End.Equal(b.End) || a.Step != b.Step || len(a.Series) != len(b.Series) {
		return false
	}
	for i := range a.Series {
		x, y := &a.Series[i], &b.Series[i]
		if x.Metric != y.Metric || x.Cluster != y.Cluster || labelsKey(x.Labels) != labelsKey(y.Labels) ||
			!x.Start.Equal(y.Start) || x.Step != y.Step || len(x.Values) != len(y.Values) {
			return false
		}
		for j := range x.Values {
			if math.Float64bits(x.Values[j]) != math.Float64bits(y.Values[j]) {
				return false
			}
		}
	}
	return true
}
