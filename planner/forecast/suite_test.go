package forecast

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeLine writes n values of a line of the given slope at step into
// dir/set/name.csv.
func writeLine(t *testing.T, dir, set, name string, n int, step time.Duration, slope float64) {
	t.Helper()
	var b strings.Builder
	b.WriteString("timestamp,value\n")
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(&b, "%s,%g\n", t0.Add(time.Duration(i)*step).Format(time.RFC3339), 100+slope*float64(i))
	}
	if err := os.MkdirAll(filepath.Join(dir, set), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, set, name+".csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The total pools a monthly and a quarterly line, on seasonal naive,
// whose figures are known. Monthly (h 18, m 12): errors of 12 slopes at
// steps 1-12 and 24 at 13-18 against a scale of 12 slopes, MASE 4/3; its
// bands are ±z·12 slopes·√(⌊(k-1)/12⌋+1), so the 80% band (z 1.28) holds
// steps 1-12 and misses 13-18 (24 > 1.28·√2·12), the 95% band holds all.
// Quarterly (h 8, m 4): MASE (4·1 + 4·2)/8 = 3/2, the 80% band holds
// steps 1-4 of 8, the 95% band all. Total: MASE the mean over the two
// series, coverage over their 26 held-out values: 80% 16/26.
func TestRunSuiteTotal(t *testing.T) {
	dir := t.TempDir()
	writeLine(t, dir, "monthly", "line", 60, 30*24*time.Hour, 3)
	writeLine(t, dir, "quarterly", "line", 40, 91*24*time.Hour, 5)
	scores, err := RunSuite(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 6 {
		t.Fatalf("%d scores, want 6 (engine and seasonal naive for 2 sets and the total): %+v", len(scores), scores)
	}
	for _, c := range []struct {
		i                      int
		set                    string
		series, horizon        int
		mase, cover80, cover95 float64
	}{
		{1, "monthly", 1, 18, 4.0 / 3, 12.0 / 18, 1},
		{3, "quarterly", 1, 8, 1.5, 4.0 / 8, 1},
		{5, "total", 2, 0, (4.0/3 + 1.5) / 2, 16.0 / 26, 1},
	} {
		s := scores[c.i]
		if s.Set != c.set || s.Method != "seasonal-naive" || s.Series != c.series || s.Horizon != c.horizon ||
			math.Abs(s.MASE-c.mase) > 1e-9 || math.Abs(s.Coverage80-c.cover80) > 1e-12 || s.Coverage95 != c.cover95 {
			t.Errorf("score %d: %+v; want set %s, seasonal naive, %d series, horizon %d, MASE %.4f, coverage %.4f and %v",
				c.i, s, c.set, c.series, c.horizon, c.mase, c.cover80, c.cover95)
		}
	}
	if tot, eng := scores[4], scores[0]; tot.Set != "total" || tot.Method != "engine" || tot.Series != 2 ||
		math.Abs(tot.MASE-(eng.MASE+scores[2].MASE)/2) > 1e-12 {
		t.Errorf("engine total %+v: want the mean of the sets' MASE %v and %v over 2 series", tot, eng.MASE, scores[2].MASE)
	}
	text := FormatSuite(scores)
	if !strings.Contains(text, "\ntotal  ") || strings.Contains(text, " \n") {
		t.Errorf("FormatSuite: want a total row and no trailing blanks:\n%s", text)
	}
}

// A series whose held-out values are all missing has nothing to score: it
// is left out of its set, and the next series keeps its own name.
func TestRunSuiteSkipsUnscorableSeries(t *testing.T) {
	dir := t.TempDir()
	writeLine(t, dir, "monthly", "a", 60, 30*24*time.Hour, 3)
	writeLine(t, dir, "monthly", "c", 60, 30*24*time.Hour, 5)
	path := filepath.Join(dir, "monthly", "b.csv")
	writeLine(t, dir, "monthly", "b", 60, 30*24*time.Hour, 1)
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	for i := len(lines) - 18; i < len(lines); i++ {
		lines[i] = strings.Split(lines[i], ",")[0] + "," // held-out part missing
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	scores, err := RunSuite(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The same set without b: the scores must be the same, row by row.
	without := t.TempDir()
	writeLine(t, without, "monthly", "a", 60, 30*24*time.Hour, 3)
	writeLine(t, without, "monthly", "c", 60, 30*24*time.Hour, 5)
	want, err := RunSuite(without, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range scores {
		var names []string
		for _, ss := range s.PerSeries {
			names = append(names, ss.Name)
		}
		if s.Series != 2 || strings.Join(names, " ") != "a.csv c.csv" {
			t.Errorf("%s %s: %d series named %v, want a.csv and c.csv", s.Set, s.Method, s.Series, names)
			continue
		}
		for j, ss := range s.PerSeries {
			if w := want[i].PerSeries[j]; ss != w {
				t.Errorf("%s %s: row %+v, want %+v as without b.csv", s.Set, s.Method, ss, w)
			}
		}
	}
}

// The committed suite (generated series and R's classics, 153 in all):
// the engine beats seasonal naive on MASE in every set and on MSIS over
// the whole, and its intervals meet issue 13's targets over the whole
// suite, 77-83% of the held-out values inside the 80% intervals and 93-97%
// inside the 95% ones. docs/benchmarks.md section 7 has every figure.
func TestTeamSuiteMeetsTargets(t *testing.T) {
	scores, err := RunSuite("testdata", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 12 {
		t.Fatalf("%d scores, want engine and seasonal naive for 5 sets and the total", len(scores))
	}
	for i := 0; i < len(scores); i += 2 {
		eng, snv := scores[i], scores[i+1]
		t.Logf("%s: MASE %.3f (seasonal naive %.3f), coverage %.3f / %.3f, MSIS %.3f (%.3f)",
			eng.Set, eng.MASE, snv.MASE, eng.Coverage80, eng.Coverage95, eng.MSIS, snv.MSIS)
		if eng.Method != "engine" || snv.Method != "seasonal-naive" || eng.Series != snv.Series || eng.Series == 0 {
			t.Fatalf("scores %d and %d: %s %s (%d series) and %s %s (%d)", i, i+1, eng.Set, eng.Method, eng.Series, snv.Set, snv.Method, snv.Series)
		}
		if eng.MASE >= snv.MASE {
			t.Errorf("%s: MASE %.3f, not below seasonal naive's %.3f", eng.Set, eng.MASE, snv.MASE)
		}
	}
	total := scores[10]
	if total.Set != "total" || total.Series != 153 {
		t.Fatalf("last engine row %s with %d series, want the total of 153", total.Set, total.Series)
	}
	if total.Coverage80 < 0.77 || total.Coverage80 > 0.83 || total.Coverage95 < 0.93 || total.Coverage95 > 0.97 {
		t.Errorf("whole suite: coverage %.3f and %.3f, want 0.77-0.83 and 0.93-0.97", total.Coverage80, total.Coverage95)
	}
	if total.MSIS >= scores[11].MSIS {
		t.Errorf("whole suite: MSIS %.3f, not below seasonal naive's %.3f", total.MSIS, scores[11].MSIS)
	}
}
