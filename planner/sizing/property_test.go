package sizing

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
)

// On random catalogs and loads, the plan is the cheapest of every node
// count of every type that meets the design's rules, written out here
// afresh from the design rather than through assess:
//
//	(n − r)·C ≥ U·(1 + h)
//	(U/n) / ((n − 1)·v·a) ≤ T  and  U/(n − 1) ≤ A
//	N / (n·v·a) ≤ T            and  (U + N)/n ≤ A
func TestPlanIsCheapestPassing(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	prof := capacity.Default()
	limits := capacity.DefaultLimits()
	feasible := 0
	for trial := range 300 {
		cat := &catalog.Catalog{}
		for i := range 1 + rng.IntN(6) {
			cat.Types = append(cat.Types, catalog.InstanceType{
				Name: fmt.Sprintf("t%d", i), VCPU: 1 << rng.IntN(5), MemoryGiB: float64(int(2) << rng.IntN(6)),
				NetworkGbps:  float64(1 + rng.IntN(25)),
				PricePerHour: map[string]float64{"eu": math.Round(rng.Float64()*200) / 100},
			})
		}
		targets := fleet.Targets{Headroom: rng.Float64() * 0.5, Redundancy: rng.IntN(3), MaxReconnectSeconds: float64(5 + rng.IntN(300))}
		load := capacity.PerConnection{OpensPerSecond: rng.Float64() * 0.01, MessagesPerSecond: rng.Float64()}
		u, nb := rng.Float64()*200000, rng.Float64()*100000
		req := Request{
			Months: months(1), Targets: targets, Catalog: cat, Profile: prof, Limits: limits, MaxNodes: 24,
			Gateways: []Gateway{
				{Name: "a", AWSRegion: "eu", Upper: []float64{u}, Load: load},
				{Name: "b", AWSRegion: "eu", Upper: []float64{nb}, Load: load, FailoverTo: "a"},
			},
		}
		plans, err := Plan(req)
		if err != nil {
			t.Fatal(err)
		}
		var best *Assessment
		for _, typ := range cat.Types {
			if typ.PricePerHour["eu"] <= 0 {
				continue
			}
			c := capacity.PerNode(prof, typ, load, limits)
			alarm := math.Min(c.ByResource[capacity.Memory], c.ByResource[capacity.FD])
			rate := float64(typ.VCPU) * prof.AcceptsPerSecondPerCore
			for n := 2; n <= 24; n++ {
				nf, r := float64(n), float64(targets.Redundancy)
				T := targets.MaxReconnectSeconds
				slack := 1 + 1e-12 // the same rule, computed in another order
				pass := (nf-r)*c.Connections*slack >= u*(1+targets.Headroom) &&
					u/nf/((nf-1)*rate) <= T*slack && u/(nf-1) <= alarm*slack &&
					nb/(nf*rate) <= T*slack && (u+nb)/nf <= alarm*slack
				if !pass {
					continue
				}
				a := Assessment{Deployment: Deployment{typ.Name, n}, MonthlyCost: HoursPerMonth * typ.PricePerHour["eu"] * nf}
				if best == nil || cheaper(a, *best) {
					best = &a
				}
				break
			}
		}
		got := plans[0].Months[0].Best
		if got != nil {
			feasible++
		}
		switch {
		case best == nil && got != nil:
			t.Fatalf("trial %d: planned %s x%d, but nothing passes", trial, got.InstanceType, got.Nodes)
		case best != nil && got == nil:
			t.Fatalf("trial %d: no plan (%s), but %s x%d passes", trial, plans[0].Months[0].Reason, best.InstanceType, best.Nodes)
		case best != nil && (got.InstanceType != best.InstanceType || got.Nodes != best.Nodes):
			t.Fatalf("trial %d: planned %s x%d ($%.2f), cheapest passing is %s x%d ($%.2f)", trial,
				got.InstanceType, got.Nodes, got.MonthlyCost, best.InstanceType, best.Nodes, best.MonthlyCost)
		}
	}
	if feasible < 100 || feasible > 290 {
		t.Errorf("%d of 300 trials feasible: the generator should give both kinds", feasible)
	}
	t.Logf("%d of 300 trials feasible", feasible)
}
