// Package path chooses one migration path per gateway: the deployment
// (instance type x nodes) of every month of the horizon, chosen over the
// whole horizon at once rather than month by month, so that a plan does
// not hop between instance types or shrink a gateway it must grow again.
//
// # The problem
//
// Months m = 0 … M−1 each offer a set O_m of feasible deployments (sizing
// says which: every one carries that month's upper forecast within every
// target, with the minimum and odd node counts). A path is one o_m ∈ O_m
// per month, starting from today's deployment o_{−1} (none for a gateway
// still to open). Its cost is
//
//	C = Σ_m [ cost(o_m) + change(o_{m−1}, o_m, m) ]
//
//	change(a, b, m) = N·|nodes(b) − nodes(a)|                 same type
//	                = N·|nodes(b) − nodes(a)| + P                other type, same family
//	                = N·|nodes(b) − nodes(a)| + P·max(1, (M−m)/W)  other family
//
// with cost the month's instance cost, N the price per node added or
// removed, P the price of one rolling migration and W the payback window
// in months. The family factor makes a change of family pay for itself
// within W months: with a saving s a month over the R = M−m months left,
// s·R > P·R/W exactly when s·W > P. A change from no deployment (a new
// gateway) costs nothing.
//
// One rule is a constraint, not a price: an upsize and a downsize (the
// size, nodes x one node's capacity, strictly growing or shrinking) are
// never within D months of each other, in either order (D = 0 allows
// any). Changes of type at equal size are neither.
//
// # The solution
//
// Dynamic programming over months, the state being the deployment and the
// last up or down move while it is within D months: "free", or "up d" or
// "down d" months ago, d < D (2D + 1 tags). V_m(o, tag) is the cheapest
// cost of months 0 … m ending there:
//
//	V_m(b, up 0)   = cost_m(b) + min over a smaller than b, tag not "down d" with d+1 ≤ D,
//	                                of V_{m−1}(a, tag) + change(a, b, m)
//	V_m(b, down 0) = the same for a larger than b and tags not "up d" with d+1 ≤ D
//	V_m(b, t′)     = cost_m(b) + min over a of the same size as b (b itself among them),
//	                                of V_{m−1}(a, t) + change(a, b, m), t′ being t a month older
//
// and the path is read back from the cheapest V_{M−1}. Only the last move
// matters: a move of the same direction as the last one is always allowed,
// and one of the other direction would have been refused against an
// earlier move already if the last one was not. With S deployments a month
// it costs O(M·(S² + S·D)) time. Costs are compared in whole cents, then
// by the number of changes (fewer wins), then by the options' order.
package path

import (
	"errors"
	"fmt"
	"math"
)

// Option is one deployment the path may take in a month.
type Option struct {
	// Type is the instance type and Family its family ("r5" of "r5.large").
	Type   string
	Family string
	Nodes  int
	// Size orders deployments for the up and down rule: nodes x one
	// node's capacity in connections.
	Size float64
	// Cost is the month's instance cost in USD.
	Cost float64
}

// Prices are the change prices and rules of the path.
type Prices struct {
	// Migration is the price of one change of instance type, NodeChange of
	// each node added or removed, in USD.
	Migration, NodeChange float64
	// PaybackMonths is W: a change of family must pay back Migration
	// within it. At least 1.
	PaybackMonths int
	// NoDownsizeWithin is D: no upsize and downsize within D months of
	// each other.
	NoDownsizeWithin int
}

// Problem is one gateway's path to find.
type Problem struct {
	// Start is today's deployment; nil for a gateway still to open.
	Start *Option
	// Months are the feasible options of each month, at least one each.
	Months [][]Option
	Prices
}

// Result is the path found.
type Result struct {
	// Choice is, for each month, the index of the chosen option in
	// Problem.Months[m].
	Choice []int
	// InstanceCost is the sum of the chosen options' costs; ChangeCost the
	// sum of the change prices (the family factor included); Changes the
	// months whose deployment differs from the month before.
	InstanceCost, ChangeCost float64
	Changes                  int
	// RuleRelaxed says no path kept the up and down rule: this one
	// ignores it.
	RuleRelaxed bool
}

// value is a DP value: cents, then changes.
type value struct {
	cents   int64
	changes int
}

func (v value) less(w value) bool {
	if v.cents != w.cents {
		return v.cents < w.cents
	}
	return v.changes < w.changes
}

var infinite = value{cents: math.MaxInt64}

// back is where a state's best value came from.
type back struct{ opt, tag int }

// Solve finds the cheapest path. It fails only on a bad problem: a month
// without options, a negative price, a payback window below 1. When the
// options leave no path within the up and down rule (a month whose every
// option is larger than all of the month before's, then one whose every
// option is smaller), it solves again without the rule and says so in
// Result.RuleRelaxed.
func Solve(p Problem) (Result, error) {
	if err := p.validate(); err != nil {
		return Result{}, err
	}
	if r, ok := p.solve(); ok {
		return r, nil
	}
	p.NoDownsizeWithin = 0
	r, _ := p.solve() // without the rule every sequence of options is a path
	r.RuleRelaxed = true
	return r, nil
}

func (p Problem) solve() (Result, bool) {
	M, D := len(p.Months), p.NoDownsizeWithin
	tags := 2*D + 1 // 0 free; 1+d up d months ago; 1+D+d down d months ago
	upTag := func(d int) int { return 1 + d }
	downTag := func(d int) int { return 1 + D + d }
	older := func(t int) int { // the tag a month later, with no move
		switch {
		case t == 0:
			return 0
		case t <= D:
			if t < D {
				return t + 1
			}
			return 0
		default:
			if t-D < D {
				return t + 1
			}
			return 0
		}
	}

	// prev holds V_{m−1}; month −1 is the start, alone and free.
	var prevOpts []Option
	var prev []value
	if p.Start != nil {
		prevOpts = []Option{*p.Start}
		prev = make([]value, tags)
		for t := range prev {
			prev[t] = infinite
		}
		prev[0] = value{}
	}
	backs := make([][]back, M) // backs[m][j*tags+t]
	ids := map[string]int{}
	var cur []value
	for m, opts := range p.Months {
		cur = make([]value, len(opts)*tags)
		for k := range cur {
			cur[k] = infinite
		}
		bk := make([]back, len(opts)*tags)
		for k := range bk {
			bk[k] = back{-1, -1}
		}
		backs[m] = bk
		if prevOpts == nil { // a new gateway: its first month is free to choose
			for j, o := range opts {
				cur[j*tags] = value{cents: cents(o.Cost)}
			}
			prevOpts, prev = opts, cur
			continue
		}
		// For each previous option, its best value with an up move
		// allowed and with a down move allowed.
		upOK := make([]value, len(prevOpts))
		upFrom := make([]int, len(prevOpts))
		downOK := make([]value, len(prevOpts))
		downFrom := make([]int, len(prevOpts))
		for i := range prevOpts {
			upOK[i], downOK[i] = infinite, infinite
			for t := range tags {
				v := prev[i*tags+t]
				if v == infinite {
					continue
				}
				isUp, isDown := t >= 1 && t <= D, t > D
				if !isDown && v.less(upOK[i]) { // a recent down move forbids an up move
					upOK[i], upFrom[i] = v, t
				}
				if !isUp && v.less(downOK[i]) {
					downOK[i], downFrom[i] = v, t
				}
			}
		}
		// The previous month's options as plain arrays, types and
		// families as ids, for the S² loop below.
		pk := keys(prevOpts, ids)
		migSame := p.Migration
		migFamily := p.Migration * math.Max(1, float64(M-m)/float64(p.PaybackMonths))
		for j, b := range opts {
			own := cents(b.Cost)
			bk1 := keyOf(b, ids)
			tol := 1e-9 * math.Abs(b.Size)
			bestUp, bestDown := infinite, infinite
			var fromUp, fromDown back
			for i := range pk {
				a := &pk[i]
				dn := a.nodes - bk1.nodes
				if dn < 0 {
					dn = -dn
				}
				price := p.NodeChange * float64(dn)
				moved := 0
				if a.typ != bk1.typ {
					moved = 1
					if a.fam != bk1.fam {
						price += migFamily
					} else {
						price += migSame
					}
				} else if dn != 0 {
					moved = 1
				}
				ch := int64(price*100 + 0.5) // cents(price): price is not negative
				t := math.Max(tol, 1e-9*math.Abs(a.size))
				switch {
				case bk1.size > a.size+t: // up
					if src := upOK[i]; src != infinite {
						if v := (value{src.cents + ch + own, src.changes + moved}); v.less(bestUp) {
							bestUp, fromUp = v, back{i, upFrom[i]}
						}
					}
				case bk1.size < a.size-t: // down
					if src := downOK[i]; src != infinite {
						if v := (value{src.cents + ch + own, src.changes + moved}); v.less(bestDown) {
							bestDown, fromDown = v, back{i, downFrom[i]}
						}
					}
				default: // same size: no move in the rule's sense, the tag ages
					for t := range tags {
						src := prev[i*tags+t]
						if src == infinite {
							continue
						}
						v := value{src.cents + ch + own, src.changes + moved}
						if k := j*tags + older(t); v.less(cur[k]) {
							cur[k], bk[k] = v, back{i, t}
						}
					}
				}
			}
			upK, downK := j*tags+upTag(0), j*tags+downTag(0)
			if D == 0 {
				upK, downK = j*tags, j*tags
			}
			if bestUp.less(cur[upK]) {
				cur[upK], bk[upK] = bestUp, fromUp
			}
			if bestDown.less(cur[downK]) {
				cur[downK], bk[downK] = bestDown, fromDown
			}
		}
		prevOpts, prev = opts, cur
	}

	best, bestK := infinite, -1
	for k, v := range prev {
		if v.less(best) {
			best, bestK = v, k
		}
	}
	if bestK < 0 {
		return Result{}, false
	}
	res := Result{Choice: make([]int, M)}
	j, t := bestK/tags, bestK%tags
	for m := M - 1; m >= 0; m-- {
		res.Choice[m] = j
		b := backs[m][j*tags+t]
		j, t = b.opt, b.tag
	}
	for m, j := range res.Choice {
		o := p.Months[m][j]
		res.InstanceCost += o.Cost
		var a *Option
		if m > 0 {
			a = &p.Months[m-1][res.Choice[m-1]]
		} else {
			a = p.Start
		}
		if a != nil {
			res.ChangeCost += float64(p.change(*a, o, m, M)) / 100
			if a.Type != o.Type || a.Nodes != o.Nodes {
				res.Changes++
			}
		}
	}
	return res, true
}

// key is an option as the inner loop reads it.
type key struct {
	typ, fam, nodes int
	size            float64
}

func keyOf(o Option, ids map[string]int) key {
	return key{typ: id(ids, "t:"+o.Type), fam: id(ids, "f:"+o.Family), nodes: o.Nodes, size: o.Size}
}

func keys(opts []Option, ids map[string]int) []key {
	out := make([]key, len(opts))
	for i, o := range opts {
		out[i] = keyOf(o, ids)
	}
	return out
}

func id(ids map[string]int, s string) int {
	if v, ok := ids[s]; ok {
		return v
	}
	ids[s] = len(ids)
	return len(ids) - 1
}

// change is the price in cents of going from a to b at month m of M.
func (p Problem) change(a, b Option, m, M int) int64 {
	c := p.NodeChange * math.Abs(float64(b.Nodes-a.Nodes))
	if a.Type != b.Type {
		factor := 1.0
		if a.Family != b.Family {
			factor = math.Max(1, float64(M-m)/float64(p.PaybackMonths))
		}
		c += p.Migration * factor
	}
	return cents(c)
}

// direction is +1 when b is larger than a, −1 when smaller, 0 when of the
// same size (to a relative 1e-9, so that float noise is no move).
func direction(a, b Option) int {
	tol := 1e-9 * math.Max(math.Abs(a.Size), math.Abs(b.Size))
	switch {
	case b.Size > a.Size+tol:
		return 1
	case b.Size < a.Size-tol:
		return -1
	}
	return 0
}

func cents(usd float64) int64 { return int64(math.Round(usd * 100)) }

func (p Problem) validate() error {
	finite := func(v float64) bool { return v >= 0 && !math.IsInf(v, 0) }
	switch {
	case !finite(p.Migration):
		return fmt.Errorf("path: migration price %v must be finite and not negative", p.Migration)
	case !finite(p.NodeChange):
		return fmt.Errorf("path: node change price %v must be finite and not negative", p.NodeChange)
	case p.PaybackMonths < 1:
		return fmt.Errorf("path: payback window %d months must be at least 1", p.PaybackMonths)
	case p.NoDownsizeWithin < 0:
		return fmt.Errorf("path: no-downsize window %d months must not be negative", p.NoDownsizeWithin)
	case len(p.Months) == 0:
		return errors.New("path: no month to plan")
	}
	for m, opts := range p.Months {
		if len(opts) == 0 {
			return fmt.Errorf("path: month %d has no feasible deployment", m)
		}
		for _, o := range opts {
			if !finite(o.Cost) || !(o.Size >= 0) || math.IsInf(o.Size, 0) || o.Nodes < 1 {
				return fmt.Errorf("path: month %d: option %d x %s: cost %v, size %v: must be finite, not negative, with a node", m, o.Nodes, o.Type, o.Cost, o.Size)
			}
		}
	}
	return nil
}

// Family is the family of an instance type name: what comes before the
// first dot ("r5" of "r5.large"), the whole name when it has none.
func Family(instanceType string) string {
	for i := range len(instanceType) {
		if instanceType[i] == '.' {
			return instanceType[:i]
		}
	}
	return instanceType
}
