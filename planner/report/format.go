package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Number formats are fixed so that the same plan always gives the same
// bytes, whatever the locale.

// count rounds v to a whole number and groups thousands: "12,346".
func count(v float64) string {
	s := whole(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// whole rounds v to a whole number without grouping: "12346" (CSV).
func whole(v float64) string {
	r := math.Round(v)
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// cents formats dollars with two decimals without grouping (CSV).
func cents(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if s == "-0.00" {
		return "0.00"
	}
	return s
}

// usd formats a monthly cost in whole dollars: "$1,234".
func usd(v float64) string {
	return "$" + count(v)
}

// seconds formats a duration in seconds with one decimal: "12.5 s".
func seconds(v float64) string {
	return strconv.FormatFloat(v, 'f', 1, 64) + " s"
}

// millis formats a round trip: "142 ms".
func millis(v float64) string {
	return whole(v) + " ms"
}

// percent formats a fraction as a whole percentage: 0.3 -> "30%".
func percent(v float64) string {
	return whole(v*100) + "%"
}

// tenths formats a fraction as a percentage with one decimal: 0.046 ->
// "4.6%"; for errors too small for whole percents.
func tenths(v float64) string {
	return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
}

// decimal formats v with four significant digits (ratios, MASE, rates),
// whole and grouped from 1,000 on, where 'g' would switch to exponents.
func decimal(v float64) string {
	if math.Abs(v) >= 1000 {
		return count(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// score formats an accuracy score with three decimals: "0.620".
func score(v float64) string {
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// optional formats a nil-able number with f, "n/a" when nil.
func optional(v *float64, f func(float64) string) string {
	if v == nil {
		return "n/a"
	}
	return f(*v)
}

// interval formats bounds: "10,000 – 14,000".
func interval(lo, hi float64) string {
	return count(lo) + " – " + count(hi)
}

// month formats a month: "2025-07".
func month(t time.Time) string {
	return t.UTC().Format("2006-01")
}

// stamp formats an instant to the minute: "2025-07-01 00:00 UTC".
func stamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// step formats a sampling step in the largest whole unit: "1h", "5m", "30s".
func step(sec int64) string {
	switch {
	case sec > 0 && sec%3600 == 0:
		return fmt.Sprintf("%dh", sec/3600)
	case sec > 0 && sec%60 == 0:
		return fmt.Sprintf("%dm", sec/60)
	}
	return fmt.Sprintf("%ds", sec)
}

// months says a number of months: "1 month", "3 months".
func months(n int) string {
	if n == 1 {
		return "1 month"
	}
	return fmt.Sprintf("%d months", n)
}

// passFail is a check's verdict.
func passFail(ok bool) string {
	if ok {
		return "pass"
	}
	return "FAIL"
}

// yesNo is a yes/no cell.
func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// figure formats a capacity figure in its unit: bytes as kB, MB or GB
// (decimal), a share of RAM as a percentage, anything else as decimal.
func figure(v float64, unit string) string {
	switch {
	case strings.HasPrefix(unit, "bytes"):
		rest := strings.TrimPrefix(unit, "bytes")
		a := math.Abs(v)
		switch {
		case a >= 1e9:
			return strconv.FormatFloat(v/1e9, 'f', 2, 64) + " GB" + rest
		case a >= 1e6:
			return strconv.FormatFloat(v/1e6, 'f', 0, 64) + " MB" + rest
		case a >= 1e3:
			return strconv.FormatFloat(v/1e3, 'f', 1, 64) + " kB" + rest
		}
		return whole(v) + " B" + rest
	case unit == "share of RAM":
		return strconv.FormatFloat(v*100, 'f', 1, 64) + "% of RAM"
	}
	return decimal(v) + " " + unit
}
