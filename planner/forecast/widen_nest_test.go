package forecast

import (
	"math/rand/v2"
	"testing"
)

// The widened 95% band always holds the widened 80% one. Each level has
// its own factor, applied to both sides of its band, so a factor set by
// one side can push the other side of the 80% band past the 95% band's:
// here the chosen model's errors are mostly small and positive with one
// in twelve far below (its 10% quantile near 0, its 2.5% one near -1.5),
// and the re-chosen models err about 0.9 below: the 80% band must grow
// many times below, the 95% band not at all.
func TestWidenedBandsNest(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const origins, steps = 60, 8
	errs, judged := make([][]float64, origins), make([][]float64, origins)
	for j := range origins {
		errs[j], judged[j] = make([]float64, steps), make([]float64, steps)
		for k := range steps {
			errs[j][k] = rng.ExpFloat64() - 0.05
			if rng.IntN(12) == 0 {
				errs[j][k] = -1.5 + 0.1*rng.NormFloat64()
			}
			judged[j][k] = -0.9 + 0.05*rng.NormFloat64()
		}
	}
	b := widenedBands(errs, judged, steps)
	for k := range steps {
		if !(b.lo95[k] <= b.lo80[k] && b.lo80[k] <= 0 && 0 <= b.hi80[k] && b.hi80[k] <= b.hi95[k]) {
			t.Errorf("step %d: lo95 %v, lo80 %v, hi80 %v, hi95 %v: not nested", k, b.lo95[k], b.lo80[k], b.hi80[k], b.hi95[k])
		}
	}
}
