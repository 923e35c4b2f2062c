package forecast

import "fmt"

// Model is a model fitted to a series, ready to forecast from the end of it.
type Model interface {
	// Forecast returns the point forecasts for the h steps after the last
	// observation the model has seen.
	Forecast(h int) []float64
}

// Updater is a Model whose state can take in new observations without
// re-estimating its parameters. The backtest uses it to move a model from
// one origin to the next in O(step) instead of refitting.
type Updater interface {
	Model
	Update(y []float64)
}

// Method fits one kind of model.
type Method interface {
	// Name identifies the method in results, e.g. "seasonal-naive" or
	// "ETS(A,Ad,A)".
	Name() string
	// MinLength is the shortest series Fit accepts.
	MinLength() int
	// Fit fits the model to y, which has no NaN.
	Fit(y []float64) (Model, error)
}

func errTooShort(m Method, n int) error {
	return fmt.Errorf("forecast: %s needs at least %d values, got %d", m.Name(), m.MinLength(), n)
}
