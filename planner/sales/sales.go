// Package sales reads the sales forecast: expected new customers per month
// and client region, optionally with the devices each customer brings, how
// uncertain the figure is, and (on past months) what the plan had said.
// Rows before the history's end are actuals, rows after it the plan; which
// is which is the caller's business. A file is complete or an error: a
// month missing for a region is never read as no sales (holes.go).
package sales

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Row is one month of one client region.
type Row struct {
	// Month is the first of the month, 00:00 UTC.
	Month  time.Time
	Region string
	// NewCustomers may be fractional: a forecast is an expectation.
	NewCustomers float64
	// DevicesPerCustomer is 0 when the row does not give it; the fleet's
	// value for the region applies then.
	DevicesPerCustomer float64
	// Uncertainty is the row's relative spread: the actual new customers
	// are within NewCustomers x (1 ± Uncertainty) 95 times in 100. 0 when
	// not given; the planner's default spread applies then.
	Uncertainty float64
	// PlannedNewCustomers is what the sales plan had said for this month,
	// given on past months so that the plan's error can be measured;
	// PlannedGiven says the cell was filled (a plan of 0 is a plan).
	PlannedNewCustomers float64
	PlannedGiven        bool
	// Interpolated says the file has no row for this month: Read made it
	// up under InterpolateHoles, and the report must say so.
	Interpolated bool
}

// Optional columns, after the three required ones, in any order.
const (
	colDevices     = "devices_per_customer"
	colUncertainty = "uncertainty"
	colPlanned     = "planned_new_customers"
)

var (
	header   = []string{"month", "region", "new_customers"}
	optional = []string{colDevices, colUncertainty, colPlanned}
)

// Read reads CSV whose header is "month,region,new_customers" followed by
// any of the optional columns devices_per_customer, uncertainty and
// planned_new_customers, in any order; months are YYYY-MM and regions from
// regions. Lines starting with # are comments. An empty optional cell means
// "not given". Every error names name (the file, or "stdin" when empty),
// the line, the column and the value; on error no rows are returned.
//
// The file must be complete: every region of regions has a row for every
// month from the file's first month to its last (see FindHoles). A hole
// is an error naming the region, the months and the rows around them,
// unless holes is InterpolateHoles and the hole lies between two rows of
// its region: then Read fills it (see interpolate). Rows come back sorted
// by month, then region.
func Read(r io.Reader, name string, regions []string, holes HoleRule) ([]Row, error) {
	if name == "" {
		name = "stdin"
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	cr.ReuseRecord = true

	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty: want the header %s", name, strings.Join(header, ","))
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	line, _ := cr.FieldPos(0)
	cols, err := checkHeader(head)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line, err)
	}

	known := make(map[string]bool, len(regions))
	for _, reg := range regions {
		known[reg] = true
	}
	type key struct {
		month  time.Time
		region string
	}
	seen := map[key]int{} // line of the first row for each (month, region)
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(cols) {
			return nil, fmt.Errorf("%s:%d: want %d columns (%s), got %d", name, line, len(cols), strings.Join(cols, ","), len(rec))
		}
		row, err := parseRow(rec, cols, known, regions)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		k := key{row.Month, row.Region}
		if first, dup := seen[k]; dup {
			return nil, fmt.Errorf("%s:%d: month %s, region %q: already given on line %d", name, line, row.Month.Format(monthLayout), row.Region, first)
		}
		seen[k] = line
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows after the header", name)
	}
	sortRows(rows)
	lineOf := func(region string, month time.Time) int { return seen[key{month, region}] }
	return fillHoles(rows, regions, holes, name, lineOf)
}

// sortRows orders rows by month, then region.
func sortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		if c := a.Month.Compare(b.Month); c != 0 {
			return c
		}
		return strings.Compare(a.Region, b.Region)
	})
}

const monthLayout = "2006-01"

func checkHeader(rec []string) ([]string, error) {
	if len(rec) < len(header) || len(rec) > len(header)+len(optional) {
		return nil, fmt.Errorf("header: want %s, then any of %s; got %d columns",
			strings.Join(header, ","), strings.Join(optional, ", "), len(rec))
	}
	cols := make([]string, len(rec))
	for i, got := range rec {
		if i == 0 {
			got = strings.TrimPrefix(got, "\ufeff") // spreadsheets' byte order mark
		}
		got = strings.TrimSpace(got)
		cols[i] = got
		switch {
		case i < len(header) && got != header[i]:
			return nil, fmt.Errorf("header: column %d is %q, want %q", i+1, got, header[i])
		case i >= len(header) && !slices.Contains(optional, got):
			return nil, fmt.Errorf("header: column %d is %q, want one of %s", i+1, got, strings.Join(optional, ", "))
		case i >= len(header) && slices.Index(cols, got) < i:
			return nil, fmt.Errorf("header: column %d: %q is already column %d", i+1, got, slices.Index(cols, got)+1)
		}
	}
	return cols, nil
}

func parseRow(rec, cols []string, known map[string]bool, regions []string) (Row, error) {
	var row Row
	month := strings.TrimSpace(rec[0])
	m, err := time.Parse(monthLayout, month)
	if err != nil {
		return row, fmt.Errorf("column %q: %q is not a month (YYYY-MM)", "month", month)
	}
	row.Month = m.UTC()

	row.Region = strings.TrimSpace(rec[1])
	if !known[row.Region] {
		return row, fmt.Errorf("column %q: %q is not a client region of the fleet (%s)", "region", row.Region, strings.Join(regions, ", "))
	}

	if row.NewCustomers, err = number("new_customers", rec[2]); err != nil {
		return row, err
	}
	for i := len(header); i < len(cols); i++ {
		cell := strings.TrimSpace(rec[i])
		if cell == "" {
			continue
		}
		v, err := number(cols[i], cell)
		if err != nil {
			return row, err
		}
		switch cols[i] {
		case colDevices:
			// 0 would read as "not given" and silently take the fleet's value.
			if v == 0 {
				return row, fmt.Errorf("column %q: %q must be positive (leave the cell empty to use the fleet's value)", cols[i], cell)
			}
			row.DevicesPerCustomer = v
		case colUncertainty:
			// Above 1 the low scenario would sell fewer than no customers.
			if v == 0 || v > 1 {
				return row, fmt.Errorf("column %q: %q must be above 0 and at most 1, a spread of ±100%% (leave the cell empty for the default spread)", cols[i], cell)
			}
			row.Uncertainty = v
		case colPlanned:
			row.PlannedNewCustomers, row.PlannedGiven = v, true
		}
	}
	return row, nil
}

// number parses a finite, non-negative value of column col.
func number(col, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("column %q: value is missing", col)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("column %q: %q is not a number", col, s)
	}
	if v < 0 {
		return 0, fmt.Errorf("column %q: %q is negative", col, s)
	}
	return v, nil
}

// csvError puts a CSV syntax error in the name:line:column form.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %w", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}
