package capacity

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Samples are one cluster's hourly history, cluster totals as the
// exporter's metrics give them (sums over nodes), NaN where missing; any
// series may be nil when the history lacks it.
type Samples struct {
	Connections []float64
	// Nodes is the nodes running; nil or NaN steps fall back to
	// DefaultNodes (the fleet file's count).
	Nodes        []float64
	DefaultNodes float64
	MemoryUsed   []float64
	MemoryLimit  []float64
	FDUsed       []float64
	FDLimit      []float64
	// CPUBusy is the broker hosts' busy cores (node_exporter's CPU
	// seconds per second outside idle, iowait and steal); OpensPerSecond
	// and MessagesPerSecond the load the profile prices in CPU.
	CPUBusy           []float64
	OpensPerSecond    []float64
	MessagesPerSecond []float64
	// Queued is the messages waiting in the cluster's queues.
	Queued []float64
}

// Line is a least-squares line through per-node samples: y = Base +
// PerConnection·x, x being connections per node; R2 is its coefficient of
// determination and N the samples it was fitted on (0: no fit).
type Line struct {
	Base, PerConnection float64
	R2                  float64
	N                   int
}

// Observed is what a cluster's own history says about its nodes.
type Observed struct {
	// Memory is node memory used against connections per node; FD the
	// file descriptors. CPU is busy cores per node against the cores the
	// profile predicts for the node's load (FitCPU): its slope is the
	// profile's CPU costs' scale, its intercept the cores of a node with
	// no clients.
	Memory, FD, CPU Line
	// MemoryLimitBytes and FDLimit are one node's limits (the median over
	// the history of the cluster's total over its nodes); 0 when the
	// history has no such series.
	MemoryLimitBytes float64
	FDLimit          float64
}

// Fit fits memory and file descriptors per connection from a cluster's
// history. Per step, with n the nodes running, x = connections/n and y =
// used/n; the line through (x, y) by ordinary least squares gives the
// base per node (intercept) and the cost per connection (slope). Steps
// missing any of the three, or with no connections, are left out. A
// series with fewer than 3 usable steps, or none with a spread in
// connections, gives no line (N = 0).
func Fit(s Samples) Observed {
	var o Observed
	o.Memory = fitLine(s, s.MemoryUsed)
	o.FD = fitLine(s, s.FDUsed)
	o.MemoryLimitBytes = perNodeMedian(s, s.MemoryLimit)
	o.FDLimit = perNodeMedian(s, s.FDLimit)
	return o
}

func (s Samples) nodes(i int) float64 {
	if i < len(s.Nodes) && s.Nodes[i] > 0 {
		return s.Nodes[i]
	}
	return s.DefaultNodes
}

func fitLine(s Samples, used []float64) Line {
	n := min(len(s.Connections), len(used))
	xs, ys := make([]float64, 0, n), make([]float64, 0, n)
	for i := range n {
		c, u, nodes := s.Connections[i], used[i], s.nodes(i)
		if math.IsNaN(c) || math.IsNaN(u) || !(c > 0) || !(nodes > 0) {
			continue
		}
		xs = append(xs, c/nodes)
		ys = append(ys, u/nodes)
	}
	return leastSquares(xs, ys)
}

// leastSquares is the ordinary least-squares line through (xs, ys), in two
// passes (means, then centred sums): slope Sxy/Sxx, intercept ȳ − slope·x̄,
// R² = Sxy²/(Sxx·Syy). Fewer than 3 points or no spread in x give no line.
func leastSquares(xs, ys []float64) Line {
	if len(xs) < 3 {
		return Line{}
	}
	mx, my := stat.Mean(xs, nil), stat.Mean(ys, nil)
	var sxx, sxy, syy float64
	for i, x := range xs {
		dx, dy := x-mx, ys[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return Line{}
	}
	beta := sxy / sxx
	r2 := 1.0
	if syy > 0 {
		r2 = min(sxy*sxy/(sxx*syy), 1) // rounding can put an exact line a hair above 1
	}
	return Line{Base: my - beta*mx, PerConnection: beta, R2: r2, N: len(xs)}
}

func perNodeMedian(s Samples, total []float64) float64 {
	v := make([]float64, 0, len(total))
	for i, t := range total {
		if n := s.nodes(i); !math.IsNaN(t) && t > 0 && n > 0 {
			v = append(v, t/n)
		}
	}
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// Rule says which figures drive sizing.
type Rule struct {
	// Source is "auto" (observed where the fit is good), "observed" (any
	// usable fit) or "profile".
	Source string
	// MinR2 and MinSamples make a fit good.
	MinR2      float64
	MinSamples int
	// LoadSource, when set, replaces Source for the fits of what a
	// cluster's load costs beyond its connections, CPU and memory per
	// queued message: a backend's memory per connection cannot be told
	// from its queues', so it stays the profile's, while these are read
	// from its history.
	LoadSource string
}

func (r Rule) forLoad() Rule {
	if r.LoadSource != "" {
		r.Source = r.LoadSource
	}
	return r
}

// MismatchShare is how far (relative to the profile or default) an
// observed figure may differ before the report warns.
const MismatchShare = 0.2

// Figure is one capacity figure, observed against the profile.
type Figure struct {
	Name, Unit string
	// Observed is the history's figure; HasObserved false when it has
	// none. R2 and N are the fit's (N 0 for a limit, which is read, not
	// fitted).
	Observed    float64
	HasObserved bool
	R2          float64
	N           int
	// Profile is the capacity profile's figure or the default limit.
	Profile float64
	// Used says which of the two sizing uses: "observed" or "profile".
	Used string
	// Why says why, in a few words.
	Why string
}

// Differs says the observed figure is more than MismatchShare away from
// the profile's: for the costs per connection and the limits (a base per
// idle node is shown, not judged: the profile measures one node of one
// size, and a fit's intercept is the least certain figure).
func (f Figure) Differs() bool {
	if f.Name == FigureMemoryBase || f.Name == FigureFDBase || f.Name == FigureCPUBase {
		return false
	}
	return f.HasObserved && f.Profile > 0 && math.Abs(f.Observed-f.Profile) > MismatchShare*f.Profile
}

// Figure names.
const (
	FigureMemoryPerConnection = "memory per connection"
	FigureMemoryBase          = "memory per node with no clients"
	FigureFDsPerConnection    = "file descriptors per connection"
	FigureFDBase              = "file descriptors per node with no clients"
	FigureCPUScale            = "CPU against the profile's costs"
	FigureCPUBase             = "CPU per node with no clients"
	FigureWatermark           = "memory high watermark"
	FigureFDLimit             = "file descriptor limit per node"
)

// Sources of a figure.
const (
	UsedObserved = "observed"
	UsedProfile  = "profile"
)

// Choice is the profile and limits one cluster is sized with, and each
// figure observed against the profile's.
type Choice struct {
	Profile Profile
	Limits  Limits
	Figures []Figure
	// BytesPerQueued is a queued message's memory, set by ChooseQueued
	// (backends only).
	BytesPerQueued float64
}

// Choose applies rule to a cluster's observed figures: memory and file
// descriptors per connection (with their bases per node) come from the
// fit when the rule accepts it, from p otherwise; the memory watermark
// (the observed limit over ramBytes, the RAM of the cluster's instance
// type) and the fd limit come from the history whenever it has them,
// from def otherwise. The profile's CPU costs are scaled by the CPU fit
// when the rule accepts it (FitCPU), its node's idle cores then taken off
// the CPU target; network figures always come from p.
func Choose(p Profile, def Limits, ramBytes float64, o Observed, rule Rule) Choice {
	c := Choice{Profile: p, Limits: def}
	line := func(l Line, name, baseName, unit string, perConn, base *float64, profPerConn, profBase float64) {
		use, why := judge(l, rule)
		f := Figure{Name: name, Unit: unit + "/connection", Observed: l.PerConnection, HasObserved: l.N > 0, R2: l.R2, N: l.N,
			Profile: profPerConn, Used: use, Why: why}
		b := Figure{Name: baseName, Unit: unit, Observed: l.Base, HasObserved: l.N > 0, R2: l.R2, N: l.N,
			Profile: profBase, Used: use, Why: why}
		if use == UsedObserved {
			*perConn, *base = l.PerConnection, math.Max(l.Base, 0)
		}
		c.Figures = append(c.Figures, f, b)
	}
	fdBase := 0.0
	line(o.Memory, FigureMemoryPerConnection, FigureMemoryBase, "bytes",
		&c.Profile.MemoryPerConnectionBytes, &c.Profile.MemoryBaseBytes, p.MemoryPerConnectionBytes, p.MemoryBaseBytes)
	line(o.FD, FigureFDsPerConnection, FigureFDBase, "descriptors",
		&c.Profile.FDsPerConnection, &fdBase, p.FDsPerConnection, 0)
	c.Limits.FDBase = fdBase
	c.chooseCPU(o.CPU, rule.forLoad())

	wm := Figure{Name: FigureWatermark, Unit: "share of RAM", Profile: def.MemoryHighWatermark, Used: UsedProfile,
		Why: "no memory limit in the history: the default"}
	if o.MemoryLimitBytes > 0 && ramBytes > 0 {
		wm.Observed, wm.HasObserved = o.MemoryLimitBytes/ramBytes, true
		if wm.Observed > 0 && wm.Observed <= 1 {
			wm.Used, wm.Why = UsedObserved, fmt.Sprintf("the nodes' memory limit, %.3g GB, over their %.3g GB of RAM", o.MemoryLimitBytes/1e9, ramBytes/1e9)
			c.Limits.MemoryHighWatermark = wm.Observed
		} else {
			wm.Why = "the observed limit is not a share of the instance type's RAM: the default"
		}
	}
	fl := Figure{Name: FigureFDLimit, Unit: "descriptors", Profile: def.FDLimit, Used: UsedProfile,
		Why: "no fd limit in the history: the default"}
	if o.FDLimit > 0 {
		fl.Observed, fl.HasObserved = o.FDLimit, true
		fl.Used, fl.Why = UsedObserved, "the nodes' limit in the history"
		c.Limits.FDLimit = o.FDLimit
	}
	c.Figures = append(c.Figures, wm, fl)
	return c
}

// chooseCPU scales the profile's CPU costs by the CPU fit's slope when the
// rule accepts the fit, and takes its intercept as the cores an idle node
// uses. Without broker-host CPU in the history it says so.
func (c *Choice) chooseCPU(l Line, rule Rule) {
	use, why := judge(l, rule)
	if l.N == 0 && rule.Source != "profile" {
		why = "no broker-host CPU in the history (node_cpu_selector): the profile's costs"
	}
	c.Figures = append(c.Figures,
		Figure{Name: FigureCPUScale, Unit: "x profile", Observed: l.PerConnection, HasObserved: l.N > 0, R2: l.R2, N: l.N,
			Profile: 1, Used: use, Why: why},
		Figure{Name: FigureCPUBase, Unit: "cores", Observed: l.Base, HasObserved: l.N > 0, R2: l.R2, N: l.N,
			Used: use, Why: why})
	if use != UsedObserved {
		return
	}
	c.Profile.CPUSecondsPerConnectionIdle *= l.PerConnection
	c.Profile.CPUSecondsPerOpen *= l.PerConnection
	c.Profile.CPUSecondsPerMessage *= l.PerConnection
	c.Limits.CPUBase = math.Max(l.Base, 0)
}

// judge applies the rule to one fit.
func judge(l Line, rule Rule) (use, why string) {
	switch {
	case rule.Source == "profile":
		return UsedProfile, "capacity_source is profile"
	case l.N == 0:
		return UsedProfile, "no usable samples in the history"
	case !(l.PerConnection > 0):
		return UsedProfile, fmt.Sprintf("the fit's slope %.3g is not positive", l.PerConnection)
	case rule.Source == "observed":
		return UsedObserved, fmt.Sprintf("capacity_source is observed (R² %.2f, %d samples)", l.R2, l.N)
	case l.R2 < rule.MinR2:
		return UsedProfile, fmt.Sprintf("R² %.2f below %.2f", l.R2, rule.MinR2)
	case l.N < rule.MinSamples:
		return UsedProfile, fmt.Sprintf("%d samples, fewer than %d", l.N, rule.MinSamples)
	}
	return UsedObserved, fmt.Sprintf("R² %.2f over %d samples", l.R2, l.N)
}
