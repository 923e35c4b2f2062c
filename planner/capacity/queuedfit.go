package capacity

import "math"

// FigureMemoryPerQueued names the memory one queued message takes.
const FigureMemoryPerQueued = "memory per queued message"

// FitQueued fits the memory a queued message takes on a backend, whose
// memory per connection is the profile's: per step, with n the nodes
// running, y = (memory used − connections·p's memory per connection)/n
// and x = queued messages/n. The slope is bytes per queued message (its
// body, index entry and any replicas, as the nodes really hold them), the
// intercept a node's memory with none. Steps missing a series, or with
// nothing queued, are left out.
func FitQueued(s Samples, p Profile) Line {
	n := min(len(s.Queued), len(s.MemoryUsed), len(s.Connections))
	xs, ys := make([]float64, 0, n), make([]float64, 0, n)
	for i := range n {
		q, used, c, nodes := s.Queued[i], s.MemoryUsed[i], s.Connections[i], s.nodes(i)
		if math.IsNaN(q) || math.IsNaN(used) || math.IsNaN(c) || !(q > 0) || !(nodes > 0) {
			continue
		}
		xs = append(xs, q/nodes)
		ys = append(ys, (used-c*p.MemoryPerConnectionBytes)/nodes)
	}
	return leastSquares(xs, ys)
}

// ChooseQueued sets BytesPerQueued from the fit when the rule accepts it,
// from the profile's message size (the body alone, the least a queued
// message can take) otherwise, and adds the figure.
func (c *Choice) ChooseQueued(l Line, rule Rule) {
	use, why := judge(l, rule.forLoad())
	if l.N == 0 && rule.forLoad().Source != "profile" {
		why = "no queued messages in the history: the profile's message size, the body alone"
	}
	c.Figures = append(c.Figures, Figure{Name: FigureMemoryPerQueued, Unit: "bytes/message", Observed: l.PerConnection,
		HasObserved: l.N > 0, R2: l.R2, N: l.N, Profile: c.Profile.BytesPerMessage, Used: use, Why: why})
	c.BytesPerQueued = c.Profile.BytesPerMessage
	if use == UsedObserved {
		c.BytesPerQueued = l.PerConnection
	}
}
