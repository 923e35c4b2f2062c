package path

import (
	"fmt"
	"testing"
)

// BenchmarkSolveWorstCase is a gateway far past the usual: 30 types of 3
// families with every odd count from 3 to 63 feasible in all 24 months
// (960 options a month), start elsewhere, the default 6-month rule.
func BenchmarkSolveWorstCase(b *testing.B) {
	var opts []Option
	for t := range 30 {
		typ := fmt.Sprintf("f%d.t%d", t%3, t)
		for n := 3; n <= 63; n += 2 {
			opts = append(opts, opt(typ, n, float64(100+10*t), float64(10+t)))
		}
	}
	ms := make([][]Option, 24)
	for m := range ms {
		ms[m] = opts[m%7:] // the smallest drop out as demand grows
	}
	start := large(3)
	p := Problem{Start: &start, Months: ms, Prices: Prices{Migration: 500, NodeChange: 50, PaybackMonths: 6, NoDownsizeWithin: 6}}
	for b.Loop() {
		if _, err := Solve(p); err != nil {
			b.Fatal(err)
		}
	}
}
