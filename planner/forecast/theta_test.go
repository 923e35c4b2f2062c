package forecast

import (
	"math"
	"strings"
	"testing"
)

// The Theta forecast formula by hand: ℓ_n = 10, α = 0.5, b/2 = 1, n = 3.
// (1 - (1-α)^n)/α = (1 - 0.125)/0.5 = 1.75, so x̂_{n+h} = 10 + (h-1) + 1.75:
// 11.75, 12.75, 13.75.
func TestThetaForecastByHand(t *testing.T) {
	got := ThetaForecast(10, 0.5, 1, 3, 3)
	want := []float64{11.75, 12.75, 13.75}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("ThetaForecast = %v, want %v", got, want)
		}
	}
}

// A fitted Theta model is SES plus half the least-squares slope: on the
// non-seasonal oil series its forecast equals ThetaForecast from the SES
// fit's own level and α and half of line()'s slope, and an update moves
// the SES level exactly as ETS(A,N,N)'s recursion does.
func TestThetaIsSESWithHalfDrift(t *testing.T) {
	m, err := ThetaMethod{Period: 1}.Fit(oil)
	if err != nil {
		t.Fatal(err)
	}
	th := m.(*Theta)
	ses, err := FitETS(oil, NoTrend, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, b := line(oil)
	want := ThetaForecast(ses.Level, ses.Alpha, b/2, len(oil), 5)
	got := th.Forecast(5)
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("forecast %v, want %v", got, want)
		}
	}
	if th.Name() != "Theta" {
		t.Errorf("name %q, want Theta (no season)", th.Name())
	}
	l := ses.Level
	th.Update([]float64{500})
	if wantL := l + ses.Alpha*(500-l); math.Abs(th.ses.Level-wantL) > 1e-12 {
		t.Errorf("level after update %v, want %v", th.ses.Level, wantL)
	}
}

// A positive series with a strong season is adjusted multiplicatively and
// reseasonalised: a pure multiplicative pattern times a constant level is
// forecast as the same pattern.
func TestThetaSeasonalMultiplicative(t *testing.T) {
	pattern := []float64{0.8, 1.2, 1.0, 0.6, 1.4}
	y := make([]float64, 40)
	for i := range y {
		y[i] = 50 * pattern[i%5]
	}
	m, err := ThetaMethod{Period: 5}.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	if name := m.(*Theta).Name(); name != "Theta(5,mult)" {
		t.Errorf("name %q, want Theta(5,mult)", name)
	}
	f := m.Forecast(7)
	for k, v := range f {
		if want := 50 * pattern[(40+k)%5]; math.Abs(v-want) > 1e-6 {
			t.Fatalf("step %d: %v, want %v", k+1, v, want)
		}
	}
}

func TestThetaTooShort(t *testing.T) {
	_, err := ThetaMethod{Period: 12}.Fit([]float64{1, 2})
	if err == nil || !strings.Contains(err.Error(), "Theta needs at least 3 values, got 2") {
		t.Errorf("error %v", err)
	}
}

// seasonalIndices by hand, period 2, y = 1, 5, 3, 7, 5, 9: the 2×2 moving
// average at t = 1..4 is (½y₀ + y₁ + ½y₂)/2 = 3.5, 4.5, 5.5, 6.5, so the
// detrended values are 1.5, -1.5, 1.5, -1.5 at phases 1, 0, 1, 0: indices
// -1.5 and 1.5 (already centred). Multiplicatively: 5/3.5, 3/4.5, 7/5.5,
// 5/6.5; phase means (2/3 + 10/13)/2 and (10/7 + 14/11)/2, divided by
// their mean.
func TestSeasonalIndicesByHand(t *testing.T) {
	y := []float64{1, 5, 3, 7, 5, 9}
	add := seasonalIndices(y, 2, false)
	if add[0] != -1.5 || add[1] != 1.5 {
		t.Errorf("additive %v, want [-1.5 1.5]", add)
	}
	p0, p1 := (3/4.5+5/6.5)/2, (5/3.5+7/5.5)/2
	c := (p0 + p1) / 2
	mul := seasonalIndices(y, 2, true)
	if math.Abs(mul[0]-p0/c) > 1e-15 || math.Abs(mul[1]-p1/c) > 1e-15 {
		t.Errorf("multiplicative %v, want [%v %v]", mul, p0/c, p1/c)
	}
}

// centredMA by hand: order 3 on 1, 2, 6, 4: (1+2+6)/3 = 3 and (2+6+4)/3 =
// 4 in the middle, NaN at the ends.
func TestCentredMAByHand(t *testing.T) {
	got := centredMA([]float64{1, 2, 6, 4}, 3)
	if !math.IsNaN(got[0]) || got[1] != 3 || got[2] != 4 || !math.IsNaN(got[3]) {
		t.Errorf("centredMA = %v, want [NaN 3 4 NaN]", got)
	}
}

// R's forecast::thetaf (forecast 8.20, R 4.2.2) on the oil series:
//
//	thetaf(ts(oil), h = 3)$mean  # 500.498053044 504.069069154 507.640085263
//
// from ses's α = 0.891956, ℓ₀ = 447.4836 (final level 496.494474) and the
// least-squares slope 7.14203221853. Our SES optimum (α = 0.891997, final
// level 496.4936) differs in the sixth digit, so the forecasts agree to
// about 1e-3.
func TestThetaOilR(t *testing.T) {
	m, err := ThetaMethod{Period: 1}.Fit(oil)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "thetaf mean", m.Forecast(3), []float64{500.498053044, 504.069069154, 507.640085263}, 2e-3)
	if _, b := line(oil); math.Abs(b-7.14203221853) > 1e-9 {
		t.Errorf("slope %v, want R's lsfit 7.14203221853", b)
	}
}
