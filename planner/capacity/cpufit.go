package capacity

import "math"

// FitCPU sets the profile's CPU costs against the broker hosts' own CPU.
// Per step, with n the nodes running, x is the busy cores the profile
// predicts for one node's share of the load,
//
//	(connections·idle + opens/s·cpu per open + msgs/s·cpu per message) / n
//
// and y the busy cores node_exporter shows per node. The least-squares
// line's slope is how many times the profile's costs the fleet pays, its
// intercept the cores a node spends with no clients. One scale rather
// than a cost per open and per message of its own: on a fleet those loads
// rise and fall together with the connections, so separate costs could
// not be told apart, while their sum is well fitted. Steps missing any
// series, or whose predicted load is not positive, are left out.
func FitCPU(s Samples, p Profile) Line {
	n := min(len(s.CPUBusy), len(s.Connections), len(s.OpensPerSecond), len(s.MessagesPerSecond))
	xs, ys := make([]float64, 0, n), make([]float64, 0, n)
	for i := range n {
		busy, nodes := s.CPUBusy[i], s.nodes(i)
		x := s.Connections[i]*p.CPUSecondsPerConnectionIdle + s.OpensPerSecond[i]*p.CPUSecondsPerOpen +
			s.MessagesPerSecond[i]*p.CPUSecondsPerMessage
		if math.IsNaN(busy) || math.IsNaN(x) || !(x > 0) || !(nodes > 0) || busy < 0 {
			continue
		}
		xs = append(xs, x/nodes)
		ys = append(ys, busy/nodes)
	}
	return leastSquares(xs, ys)
}
