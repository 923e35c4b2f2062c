package calibrate

import (
	"fmt"

	"github.com/rabbitfleet/rabbitfleet/planner/demand"
)

// Fit is a least-squares line y = Intercept + Slope·x with the classical
// standard errors: the slope is the per-connection or per-event figure.
type Fit struct {
	Intercept, Slope     float64
	InterceptSE, SlopeSE float64
	RSquared             float64
	N                    int
}

// fitLine fits y on x (gonum's stat.LinearRegression, through demand's
// line, which adds the standard errors); what names the figure in errors.
func fitLine(what string, x, y []float64) (Fit, error) {
	l, err := demand.FitLine(x, y)
	if err != nil {
		return Fit{}, fmt.Errorf("fitting %s: %w", what, err)
	}
	return Fit{Intercept: l.A, Slope: l.B, InterceptSE: l.SEA, SlopeSE: l.SEB, RSquared: l.RSquared, N: l.N}, nil
}
