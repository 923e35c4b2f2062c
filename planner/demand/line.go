// Package demand turns history and sales into the connections each gateway
// must carry: a least-squares line from devices to monthly p95 connections
// with its uncertainty and prediction intervals, monthly and daily p95s of
// hourly series, per-connection rates, and a time-series fallback for
// histories too short to fit a line.
package demand

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// MinMonths is the fewest monthly points FitLine accepts: with two, the
// line passes through both and leaves no degree of freedom for its error.
const MinMonths = 3

// Line is y = A + B·x fitted by least squares: for the planner, x is a
// gateway's devices in a month and y its p95 connections, so B is
// connections per device (peak concurrency) and A the devices-independent
// rest.
type Line struct {
	A, B float64
	// SEA and SEB are the standard errors of A and B.
	SEA, SEB float64
	// Sigma is the residual standard error, √(SSE/(N−2)).
	Sigma float64
	// RSquared is the share of y's variance the line explains.
	RSquared float64
	// N is the number of points; MeanX and Sxx = Σ(x−x̄)² shape the
	// prediction intervals.
	N          int
	MeanX, Sxx float64
}

// FitLine fits y = a + b·x (gonum's stat.LinearRegression) and the
// classical standard errors:
//
//	σ² = Σ(y − a − bx)²/(n−2),  SE(b) = σ/√Sxx,  SE(a) = σ·√(1/n + x̄²/Sxx).
//
// It needs MinMonths points, finite values and at least two distinct x.
func FitLine(x, y []float64) (*Line, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("demand: %d x values but %d y values", len(x), len(y))
	}
	if len(x) < MinMonths {
		return nil, fmt.Errorf("demand: %d points, need at least %d to fit a line with an error estimate", len(x), MinMonths)
	}
	for i := range x {
		if !finite(x[i]) {
			return nil, fmt.Errorf("demand: x[%d] is %v", i, x[i])
		}
		if !finite(y[i]) {
			return nil, fmt.Errorf("demand: y[%d] is %v", i, y[i])
		}
	}
	n := float64(len(x))
	mean := stat.Mean(x, nil)
	var sxx float64
	for _, v := range x {
		sxx += (v - mean) * (v - mean)
	}
	if sxx == 0 {
		return nil, fmt.Errorf("demand: every x is %v: a slope needs at least two distinct values", x[0])
	}
	a, b := stat.LinearRegression(x, y, nil, false)
	var sse float64
	for i := range x {
		r := y[i] - a - b*x[i]
		sse += r * r
	}
	sigma := math.Sqrt(sse / (n - 2))
	return &Line{
		A: a, B: b,
		SEA:      sigma * math.Sqrt(1/n+mean*mean/sxx),
		SEB:      sigma / math.Sqrt(sxx),
		Sigma:    sigma,
		RSquared: stat.RSquared(x, y, nil, a, b),
		N:        len(x), MeanX: mean, Sxx: sxx,
	}, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Prediction is a point forecast with its 80% and 95% prediction
// intervals. Bounds are not clipped at zero: a negative lower bound says
// the data cannot rule out none.
type Prediction struct {
	Point, Lo80, Hi80, Lo95, Hi95 float64
}

// Upper is the upper bound of the interval sized for (fleet's interval:
// 80 or 95).
func (p Prediction) Upper(interval int) (float64, error) {
	switch interval {
	case 80:
		return p.Hi80, nil
	case 95:
		return p.Hi95, nil
	}
	return 0, fmt.Errorf("demand: interval %d: want 80 or 95", interval)
}

// Predict forecasts y at x0 with intervals from Student's t on N−2 degrees
// of freedom (distuv.StudentsT):
//
//	ŷ ± t(1−α/2, n−2)·σ·√(1 + 1/n + (x0 − x̄)²/Sxx).
//
// A line FitLine did not return predicts NaN.
func (l *Line) Predict(x0 float64) Prediction {
	if !l.valid() {
		nan := math.NaN()
		return Prediction{nan, nan, nan, nan, nan}
	}
	point := l.A + l.B*x0
	se := l.Sigma * math.Sqrt(1+1/float64(l.N)+(x0-l.MeanX)*(x0-l.MeanX)/l.Sxx)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(l.N - 2)}
	h80, h95 := t.Quantile(0.9)*se, t.Quantile(0.975)*se
	return Prediction{Point: point, Lo80: point - h80, Hi80: point + h80, Lo95: point - h95, Hi95: point + h95}
}

// PredictAll predicts at each future x; a non-finite x is an error naming
// its index.
func (l *Line) PredictAll(future []float64) ([]Prediction, error) {
	if !l.valid() {
		return nil, errors.New("demand: predict with a line FitLine did not return")
	}
	out := make([]Prediction, len(future))
	for i, x := range future {
		if !finite(x) {
			return nil, fmt.Errorf("demand: future x[%d] is %v", i, x)
		}
		out[i] = l.Predict(x)
	}
	return out, nil
}

// valid guards against a zero or hand-made Line: the t quantile needs
// N−2 > 0 degrees of freedom and the interval Sxx > 0.
func (l *Line) valid() bool { return l != nil && l.N >= MinMonths && l.Sxx > 0 }
