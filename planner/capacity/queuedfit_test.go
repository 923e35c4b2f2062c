package capacity

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A backend of 3 nodes, 300 connections at the profile's memory each,
// 900 MB a node idle and 1,500 bytes a queued message (a 512-byte body
// kept on three replicas, with its index), queues swinging between
// 100,000 and 2.1 million messages over a month, 1% noise: the fit finds
// 1,500 bytes and 900 MB within 5%, and sizing uses them.
func TestFitQueuedRecoversPlantedCost(t *testing.T) {
	p := testChoiceProfile()
	rng := rand.New(rand.NewPCG(7, 8))
	s := Samples{DefaultNodes: 3}
	for i := range 30 * 24 {
		c := 300 + 10*math.Sin(float64(i))
		q := 1.1e6 + 1e6*math.Sin(2*math.Pi*float64(i)/(3*24))
		s.Connections = append(s.Connections, c)
		s.Queued = append(s.Queued, q)
		s.MemoryUsed = append(s.MemoryUsed, (3*900e6+c*p.MemoryPerConnectionBytes+1500*q)*(1+0.01*rng.NormFloat64()))
	}
	s.Queued[10] = math.NaN() // a gap is left out
	l := FitQueued(s, p)
	if !within(l.PerConnection, 1500, 0.05) || !within(l.Base, 900e6, 0.05) || l.N != 30*24-1 || l.R2 < 0.9 {
		t.Fatalf("fit %+v, want 1,500 bytes a message and 900 MB a node within 5%%, R² ≥ 0.9", l)
	}
	c := Choice{Profile: p}
	c.ChooseQueued(l, Rule{Source: "auto", MinR2: 0.8, MinSamples: 168})
	if !within(c.BytesPerQueued, 1500, 0.05) || len(c.Figures) != 1 || c.Figures[0].Used != UsedObserved || !c.Figures[0].Differs() {
		t.Errorf("choice %+v, want the observed ~1,500 bytes, flagged against the profile's %v", c, p.BytesPerMessage)
	}
}

// Without queued messages in the history a queued message takes the
// profile's message size, and the figure says why.
func TestChooseQueuedFallsBack(t *testing.T) {
	p := testChoiceProfile()
	c := Choice{Profile: p}
	c.ChooseQueued(FitQueued(Samples{DefaultNodes: 3}, p), Rule{Source: "auto", MinR2: 0.8, MinSamples: 168})
	f := c.Figures[0]
	if c.BytesPerQueued != p.BytesPerMessage || f.Used != UsedProfile || f.HasObserved ||
		f.Why != "no queued messages in the history: the profile's message size, the body alone" {
		t.Errorf("choice %+v, figure %+v", c, f)
	}
}
