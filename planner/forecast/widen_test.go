package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCoverageBlocks(t *testing.T) {
	got := coverageBlocks(12)
	want := [][2]int{{0, 2}, {2, 4}, {4, 7}, {7, 9}, {9, 12}}
	if !slices.Equal(got, want) {
		t.Errorf("coverageBlocks(12) = %v, want %v", got, want)
	}
	if got := coverageBlocks(3); !slices.Equal(got, [][2]int{{0, 1}, {1, 2}, {2, 3}}) {
		t.Errorf("coverageBlocks(3) = %v", got)
	}
}

func randomErrs(origins, steps int, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	errs := make([][]float64, origins)
	for j := range errs {
		errs[j] = make([]float64, steps)
		for k := range errs[j] {
			errs[j][k] = r.NormFloat64() * math.Sqrt(float64(k+1))
		}
	}
	return errs
}

func scaledErrs(errs [][]float64, c float64) [][]float64 {
	out := make([][]float64, len(errs))
	for j, row := range errs {
		out[j] = make([]float64, len(row))
		for k, e := range row {
			out[j][k] = c * e
		}
	}
	return out
}

// The factors are linear in the judged errors: errors twice as large need
// bands exactly twice as wide.
func TestCVWideningIsLinearInJudged(t *testing.T) {
	errs := randomErrs(60, 12, 3)
	a80, a95 := cvWidening(errs, errs)
	b80, b95 := cvWidening(errs, scaledErrs(errs, 2))
	if math.Abs(b80-2*a80) > 1e-12 || math.Abs(b95-2*a95) > 1e-12 {
		t.Errorf("factors %v, %v for doubled errors; want 2 × %v, %v", b80, b95, a80, a95)
	}
	// Errors of one distribution throughout: the bands from four blocks
	// fit the fifth, give or take the noise of 144 errors a block.
	if a80 < 0.85 || a80 > 1.15 || a95 < 0.85 || a95 > 1.25 {
		t.Errorf("factors %v, %v for exchangeable errors, want about 1", a80, a95)
	}
	if f80, f95 := cvWidening(errs[:1], errs[:1]); !math.IsNaN(f80) || !math.IsNaN(f95) {
		t.Errorf("one origin: factors %v, %v, want NaN", f80, f95)
	}
}

// widenedBands widens by the factors and never narrows.
func TestWidenedBands(t *testing.T) {
	errs := randomErrs(60, 12, 4)
	plain := errorBands(errs, 12)
	narrow := widenedBands(errs, scaledErrs(errs, 0.5), 12)
	if !slices.Equal(narrow.hi95, plain.hi95) || !slices.Equal(narrow.lo80, plain.lo80) {
		t.Errorf("bands narrowed for smaller judged errors")
	}
	_, f95 := cvWidening(errs, scaledErrs(errs, 3))
	wide := widenedBands(errs, scaledErrs(errs, 3), 12)
	for k := range wide.hi95 {
		if math.Abs(wide.hi95[k]-f95*plain.hi95[k]) > 1e-9*math.Abs(plain.hi95[k]) {
			t.Fatalf("step %d: hi95 %v, want %v × %v", k, wide.hi95[k], f95, plain.hi95[k])
		}
	}
}

// Errors all positive but in one block: the bands drawn without that block
// lie above the point forecast, no factor reaches its negative errors, and
// the block is left out of the means instead of making them NaN or
// infinite (M4 weekly series W211, a steady climb forecast too low).
func TestCVWideningOneSidedBlock(t *testing.T) {
	errs := randomErrs(50, 6, 5)
	for j, row := range errs {
		for k, e := range row {
			row[k] = math.Abs(e) + 0.5
			if j >= 20 && j < 30 {
				row[k] = -row[k]
			}
		}
	}
	f80, f95 := cvWidening(errs, errs)
	if math.IsNaN(f80) || math.IsInf(f80, 0) || math.IsNaN(f95) || math.IsInf(f95, 0) {
		t.Fatalf("factors %v, %v, want finite", f80, f95)
	}
	b := widenedBands(errs, errs, 8)
	for k := range b.hi95 {
		for _, v := range []float64{b.lo80[k], b.hi80[k], b.lo95[k], b.hi95[k]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("step %d: offsets %v %v %v %v", k, b.lo80[k], b.hi80[k], b.lo95[k], b.hi95[k])
			}
		}
	}
}

func TestBoundRatio(t *testing.T) {
	for _, c := range []struct{ e, lo, hi, want float64 }{
		{2, -1, 4, 0.5},
		{-3, -1, 4, 3},
		{0, 0, 0, 0},
		{1, -1, 0, math.Inf(1)},
	} {
		if got := boundRatio(c.e, c.lo, c.hi); got != c.want {
			t.Errorf("boundRatio(%v, %v, %v) = %v, want %v", c.e, c.lo, c.hi, got, c.want)
		}
	}
}

// The finite-sample level of split conformal: ⌈(n+1)p⌉/n, and no level
// at all when that passes 1.
func TestFiniteLevel(t *testing.T) {
	for _, c := range []struct {
		p    float64
		n    int
		want float64
		ok   bool
	}{
		{0.95, 19, 1, true},            // ⌈19⌉/19: the largest of 19
		{0.95, 18, 0, false},           // ⌈18.05⌉ = 19 > 18
		{0.95, 10, 0, false},           // ⌈10.45⌉ = 11 > 10
		{0.80, 9, 8.0 / 9, true},       // ⌈8⌉/9
		{0.80, 3, 0, false},            // ⌈3.2⌉ = 4 > 3
		{0.80, 0, 0, false},            // nothing to read
		{0.95, 208, 199.0 / 208, true}, // ⌈198.55⌉/208: a weekly block, 16 origins × 13 steps
		{0.80, 208, 168.0 / 208, true}, // ⌈167.2⌉/208
	} {
		got, ok := finiteLevel(c.p, c.n)
		if ok != c.ok || (ok && math.Abs(got-c.want) > 1e-15) {
			t.Errorf("finiteLevel(%v, %d) = %v, %v; want %v, %v", c.p, c.n, got, ok, c.want, c.ok)
		}
	}
}
