package sales

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// HoleRule says what Read does with a hole: a month a region has no row
// for while the file covers it.
type HoleRule int

const (
	// HolesAreErrors: every hole is an error. A month without sales is a
	// row with new_customers 0; a missing row would otherwise read as 0
	// without anyone having said so.
	HolesAreErrors HoleRule = iota
	// InterpolateHoles fills a hole between two rows of its region by
	// linear interpolation and marks the rows it makes up
	// (Row.Interpolated) for the report's assumptions. A hole at the
	// file's start or end, or a region without any row, has nothing to
	// interpolate from on one side and stays an error.
	InterpolateHoles
)

// ErrHoles is wrapped by every error about holes.
var ErrHoles = errors.New("a month without sales needs a row with new_customers 0")

// maxHolesListed bounds an error's list: a file missing a whole region
// every other month should not print hundreds of lines.
const maxHolesListed = 10

// Hole is a run of months one region has no row for, within the file's
// span: its first month to its last, over every region.
type Hole struct {
	Region string
	// From and To are the first and the last month missing.
	From, To time.Time
	// Before and After are the months of the region's rows either side:
	// Before is zero when the hole starts the file, After when it ends it,
	// both when the region has no row at all.
	Before, After time.Time
	// First and Last are the file's span.
	First, Last time.Time
}

// Between says the region has rows on both sides of the hole, so that
// interpolation can fill it.
func (h Hole) Between() bool { return !h.Before.IsZero() && !h.After.IsZero() }

// String describes the hole without line numbers, for rows that did not
// come from a file.
func (h Hole) String() string { return h.text(nil) }

// text describes the hole; line, when given, is the line of the region's
// row for a month.
func (h Hole) text(line func(region string, month time.Time) int) string {
	missing := "no row for " + h.From.Format(monthLayout)
	if !h.To.Equal(h.From) {
		missing = fmt.Sprintf("no rows for %s to %s", h.From.Format(monthLayout), h.To.Format(monthLayout))
	}
	at := func(m time.Time) string {
		if line == nil {
			return m.Format(monthLayout)
		}
		return fmt.Sprintf("%s on line %d", m.Format(monthLayout), line(h.Region, m))
	}
	switch {
	case h.Before.IsZero() && h.After.IsZero():
		return fmt.Sprintf("region %s: no row at all (the file covers %s to %s)",
			h.Region, h.First.Format(monthLayout), h.Last.Format(monthLayout))
	case h.Before.IsZero():
		return fmt.Sprintf("region %s: %s (the file starts %s; the region's first row is %s)",
			h.Region, missing, h.First.Format(monthLayout), at(h.After))
	case h.After.IsZero():
		return fmt.Sprintf("region %s: %s (the file ends %s; the region's last row is %s)",
			h.Region, missing, h.Last.Format(monthLayout), at(h.Before))
	}
	return fmt.Sprintf("region %s: %s (between %s and %s)", h.Region, missing, at(h.Before), at(h.After))
}

// FindHoles lists the holes of rows, region by region in the order of
// regions, then by month. The span is the rows' first month to their last:
// every region of regions needs a row for each month of it, whether other
// regions begin or end there or not.
func FindHoles(rows []Row, regions []string) []Hole {
	if len(rows) == 0 {
		return nil
	}
	first, last := rows[0].Month, rows[0].Month
	has := map[string]map[int]bool{}
	for _, r := range rows {
		if r.Month.Before(first) {
			first = r.Month
		}
		if r.Month.After(last) {
			last = r.Month
		}
		if has[r.Region] == nil {
			has[r.Region] = map[int]bool{}
		}
		has[r.Region][monthIndex(r.Month)] = true
	}
	var out []Hole
	for _, region := range regions {
		var prev time.Time // the region's latest row so far
		var open *Hole
		for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
			if has[region][monthIndex(m)] {
				if open != nil {
					open.After = m
					out = append(out, *open)
					open = nil
				}
				prev = m
				continue
			}
			if open == nil {
				open = &Hole{Region: region, From: m, Before: prev, First: first, Last: last}
			}
			open.To = m
		}
		if open != nil {
			out = append(out, *open)
		}
	}
	return out
}

// CheckComplete is FindHoles as an error naming name (the sales file),
// every hole and the months around it; nil when there is none.
func CheckComplete(rows []Row, name string, regions []string) error {
	return holesError(name, FindHoles(rows, regions), nil, HolesAreErrors)
}

// fillHoles applies rule to the holes of rows (sorted), which stay sorted.
func fillHoles(rows []Row, regions []string, rule HoleRule, name string, line func(string, time.Time) int) ([]Row, error) {
	holes := FindHoles(rows, regions)
	if len(holes) == 0 {
		return rows, nil
	}
	if rule != InterpolateHoles {
		return nil, holesError(name, holes, line, rule)
	}
	type key struct {
		region string
		month  int
	}
	at := make(map[key]Row, len(rows))
	for _, r := range rows {
		at[key{r.Region, monthIndex(r.Month)}] = r
	}
	var left []Hole
	for _, h := range holes {
		if !h.Between() {
			left = append(left, h)
			continue
		}
		rows = append(rows, interpolate(at[key{h.Region, monthIndex(h.Before)}], at[key{h.Region, monthIndex(h.After)}])...)
	}
	if len(left) > 0 {
		return nil, holesError(name, left, line, rule)
	}
	sortRows(rows)
	return rows, nil
}

// interpolate makes up the rows of every month strictly between before
// and after (one region's): new customers on the straight line between
// theirs, devices per customer too where both rows give it (else the
// fleet's applies). The plan and the uncertainty are not given: nobody
// planned a month the file does not have, and its spread is the default.
func interpolate(before, after Row) []Row {
	n := monthIndex(after.Month) - monthIndex(before.Month)
	out := make([]Row, 0, n-1)
	for k := 1; k < n; k++ {
		f := float64(k) / float64(n)
		r := Row{
			Month: before.Month.AddDate(0, k, 0), Region: before.Region,
			NewCustomers: before.NewCustomers + f*(after.NewCustomers-before.NewCustomers),
			Interpolated: true,
		}
		if before.DevicesPerCustomer > 0 && after.DevicesPerCustomer > 0 {
			r.DevicesPerCustomer = before.DevicesPerCustomer + f*(after.DevicesPerCustomer-before.DevicesPerCustomer)
		}
		out = append(out, r)
	}
	return out
}

// holesError lists holes, one line each and at most maxHolesListed, then
// says what to do.
func holesError(name string, holes []Hole, line func(string, time.Time) int, rule HoleRule) error {
	if len(holes) == 0 {
		return nil
	}
	var b strings.Builder
	for i, h := range holes {
		if i == maxHolesListed {
			fmt.Fprintf(&b, "%s: and %d more holes\n", name, len(holes)-i)
			break
		}
		fmt.Fprintf(&b, "%s: %s\n", name, h.text(line))
	}
	if rule == InterpolateHoles {
		fmt.Fprintf(&b, "%s: interpolation fills only a hole between two rows of its region; ", name)
	} else {
		fmt.Fprintf(&b, "%s: ", name)
	}
	return fmt.Errorf("%s%w", b.String(), ErrHoles)
}

// monthIndex counts months from year 0, so that months compare as ints.
func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }
