package plan

import "time"

// monthGrid is the horizon: n months from the first that begins at or
// after asOf, so a history ending at midnight on the 1st plans that month
// and one ending mid-month plans from the next.
func monthGrid(asOf time.Time, n int) []time.Time {
	first := monthStart(asOf)
	if first.Before(asOf) {
		first = first.AddDate(0, 1, 0)
	}
	out := make([]time.Time, n)
	for i := range out {
		out[i] = first.AddDate(0, i, 0)
	}
	return out
}

// monthStart is the first instant of t's calendar month, UTC.
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func monthLabel(t time.Time) string { return t.UTC().Format("2006-01") }
