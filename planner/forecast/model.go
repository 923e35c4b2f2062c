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

// named is a fitted model that knows its name, e.g. "ETS(A,Ad,A)".
type named interface{ Name() string }

// specced is a fitted model that can give the method fitting the same kind
// of model again (the member an automatic method chose), so the backtest
// judges what will forecast.
type specced interface{ Spec() Method }

func modelName(m Model, fallback string) string {
	if n, ok := m.(named); ok {
		return n.Name()
	}
	return fallback
}

func modelSpec(m Model, fallback Method) Method {
	if s, ok := m.(specced); ok {
		return s.Spec()
	}
	return fallback
}
