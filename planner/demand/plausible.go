package demand

import "fmt"

// MinPerDevice is the fewest connections per device a fit may claim: below
// it a hundred devices would share one connection at peak, which no device
// fleet does; such a slope says the sales do not drive the connections.
const MinPerDevice = 0.01

// Flaws lists why the line cannot be trusted to turn sales into
// connections, empty when it can: a slope that is negative, below
// MinPerDevice or within two standard errors of zero (not told apart from
// no effect of sales), or an R² below minR2.
func (l *Line) Flaws(minR2 float64) []string {
	var out []string
	switch {
	case l.B < 0:
		out = append(out, fmt.Sprintf("connections per device %.4g is negative: more devices sold, fewer connections", l.B))
	case l.B < MinPerDevice:
		out = append(out, fmt.Sprintf("connections per device %.4g is below %g", l.B, MinPerDevice))
	case l.B < 2*l.SEB:
		out = append(out, fmt.Sprintf("connections per device %.4g is within two standard errors (%.4g) of zero", l.B, l.SEB))
	}
	if l.RSquared < minR2 {
		out = append(out, fmt.Sprintf("R² %.3f is below %g", l.RSquared, minR2))
	}
	return out
}
