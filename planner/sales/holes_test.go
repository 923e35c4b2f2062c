package sales

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// india lacks 2026-03, between its rows on lines 5 and 8.
const oneHole = "month,region,new_customers\n" + // line 1
	"2026-01,japan,5\n" + // 2
	"2026-01,india,10\n" + // 3
	"2026-02,japan,5\n" + // 4
	"2026-02,india,12\n" + // 5
	"2026-03,japan,5\n" + // 6
	"2026-04,japan,5\n" + // 7
	"2026-04,india,18\n" // 8

func TestReadHoleIsAnError(t *testing.T) {
	rows, err := Read(strings.NewReader(oneHole), "sales.csv", []string{"japan", "india"}, HolesAreErrors)
	want := "sales.csv: region india: no row for 2026-03 (between 2026-02 on line 5 and 2026-04 on line 8)\n" +
		"sales.csv: a month without sales needs a row with new_customers 0"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
	if !errors.Is(err, ErrHoles) || rows != nil {
		t.Errorf("errors.Is(ErrHoles) %t, rows %v", errors.Is(err, ErrHoles), rows)
	}
}

// Every kind of hole at once: a run of months inside a region, a region
// starting after the file does, one ending before it, one without rows.
// The span is the whole file's, 2026-01 to 2026-05.
func TestReadHoleKinds(t *testing.T) {
	in := "month,region,new_customers\n" + // line 1
		"2026-01,japan,1\n" + // 2
		"2026-05,japan,1\n" + // 3
		"2026-02,india,1\n" + // 4
		"2026-03,india,1\n" + // 5
		"2026-04,india,1\n" + // 6
		"2026-05,india,1\n" + // 7
		"2026-01,brazil,1\n" + // 8
		"2026-02,brazil,1\n" // 9
	regions := []string{"japan", "india", "brazil", "canada"}
	want := "sales.csv: region japan: no rows for 2026-02 to 2026-04 (between 2026-01 on line 2 and 2026-05 on line 3)\n" +
		"sales.csv: region india: no row for 2026-01 (the file starts 2026-01; the region's first row is 2026-02 on line 4)\n" +
		"sales.csv: region brazil: no rows for 2026-03 to 2026-05 (the file ends 2026-05; the region's last row is 2026-02 on line 9)\n" +
		"sales.csv: region canada: no row at all (the file covers 2026-01 to 2026-05)\n" +
		"sales.csv: a month without sales needs a row with new_customers 0"
	_, err := Read(strings.NewReader(in), "sales.csv", regions, HolesAreErrors)
	if err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
	// Interpolation fills japan's run and nothing else.
	want = "sales.csv: region india: no row for 2026-01 (the file starts 2026-01; the region's first row is 2026-02 on line 4)\n" +
		"sales.csv: region brazil: no rows for 2026-03 to 2026-05 (the file ends 2026-05; the region's last row is 2026-02 on line 9)\n" +
		"sales.csv: region canada: no row at all (the file covers 2026-01 to 2026-05)\n" +
		"sales.csv: interpolation fills only a hole between two rows of its region; a month without sales needs a row with new_customers 0"
	rows, err := Read(strings.NewReader(in), "sales.csv", regions, InterpolateHoles)
	if err == nil || err.Error() != want || rows != nil {
		t.Errorf("interpolating: rows %v, error\n got %v\nwant %s", rows, err, want)
	}
}

// A one-month hole takes the mean of its neighbours; a three-month one
// the points a quarter, half and three quarters of the way, devices per
// customer too where both neighbours give it. Made-up rows say so and
// carry no plan or uncertainty.
func TestReadInterpolates(t *testing.T) {
	rows, err := Read(strings.NewReader(oneHole), "sales.csv", []string{"japan", "india"}, InterpolateHoles)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 || rows[4] != (Row{Month: month(2026, 3), Region: "india", NewCustomers: 15, Interpolated: true}) {
		t.Errorf("rows %+v: want india's 2026-03 at 15, interpolated, fifth", rows)
	}

	in := "month,region,new_customers,devices_per_customer,uncertainty,planned_new_customers\n" +
		"2026-01,japan,10,20,0.1,9\n" +
		"2026-05,japan,18,28,0.3,20\n" +
		"2026-01,india,4,,,\n" +
		"2026-03,india,8,25,,\n" +
		"2026-05,india,12,25,,\n"
	rows, err = Read(strings.NewReader(in), "sales.csv", []string{"japan", "india"}, InterpolateHoles)
	if err != nil {
		t.Fatal(err)
	}
	var made []Row
	for _, r := range rows {
		if r.Interpolated {
			made = append(made, r)
		}
	}
	want := []Row{
		{Month: month(2026, 2), Region: "india", NewCustomers: 6, Interpolated: true},
		{Month: month(2026, 2), Region: "japan", NewCustomers: 12, DevicesPerCustomer: 22, Interpolated: true},
		{Month: month(2026, 3), Region: "japan", NewCustomers: 14, DevicesPerCustomer: 24, Interpolated: true},
		{Month: month(2026, 4), Region: "india", NewCustomers: 10, DevicesPerCustomer: 25, Interpolated: true},
		{Month: month(2026, 4), Region: "japan", NewCustomers: 16, DevicesPerCustomer: 26, Interpolated: true},
	}
	if !reflect.DeepEqual(made, want) {
		t.Errorf("interpolated\n got %+v\nwant %+v", made, want)
	}
	if len(rows) != 5+len(want) || rows[0].Region != "india" || !rows[len(rows)-1].Month.Equal(month(2026, 5)) {
		t.Errorf("rows not all there or not sorted: %+v", rows)
	}
	// A complete file reads the same either way, nothing interpolated.
	complete := strings.Replace(oneHole, "2026-04,india", "2026-03,india,15\n2026-04,india", 1)
	a, errA := Read(strings.NewReader(complete), "sales.csv", []string{"japan", "india"}, HolesAreErrors)
	b, errB := Read(strings.NewReader(complete), "sales.csv", []string{"japan", "india"}, InterpolateHoles)
	if errA != nil || errB != nil || !reflect.DeepEqual(a, b) || len(a) != 8 || a[4].Interpolated {
		t.Errorf("complete file: %v, %v\n%+v\n%+v", errA, errB, a, b)
	}
}

// Rows that come from elsewhere are checked without line numbers.
func TestCheckComplete(t *testing.T) {
	rows := []Row{
		{Month: month(2026, 1), Region: "a", NewCustomers: 1},
		{Month: month(2026, 4), Region: "a", NewCustomers: 1},
		{Month: month(2026, 4), Region: "b", NewCustomers: 1},
		{Month: month(2026, 3), Region: "b", NewCustomers: 1},
		{Month: month(2026, 2), Region: "b", NewCustomers: 1},
		{Month: month(2026, 1), Region: "b", NewCustomers: 1},
	}
	err := CheckComplete(rows, "sales.csv", []string{"a", "b"})
	want := "sales.csv: region a: no rows for 2026-02 to 2026-03 (between 2026-01 and 2026-04)\n" +
		"sales.csv: a month without sales needs a row with new_customers 0"
	if err == nil || err.Error() != want || !errors.Is(err, ErrHoles) {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
	if err := CheckComplete(rows[2:], "sales.csv", []string{"b"}); err != nil {
		t.Errorf("complete rows: %v", err)
	}
	if holes := FindHoles(nil, []string{"a"}); holes != nil {
		t.Errorf("no rows: holes %v", holes)
	}
}

// At most ten holes are listed.
func TestHolesListBounded(t *testing.T) {
	regions := []string{"a"}
	for i := range 12 {
		regions = append(regions, fmt.Sprintf("z%02d", i))
	}
	err := CheckComplete([]Row{{Month: month(2026, 1), Region: "a"}}, "s.csv", regions)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 12 || lines[0] != "s.csv: region z00: no row at all (the file covers 2026-01 to 2026-01)" ||
		lines[10] != "s.csv: and 2 more holes" {
		t.Errorf("error %q", err)
	}
}
