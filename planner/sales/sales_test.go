package sales

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var regions = []string{"western-europe", "us-east", "japan"}

func month(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

func TestReadSortsAndParses(t *testing.T) {
	in := "\ufeffmonth,region,new_customers,devices_per_customer\n" +
		"# the plan from the sales team\n" +
		"2026-02,us-east,12.5,\n" +
		"2026-01, western-europe ,40,3\n" +
		"\n" +
		"2026-01,japan,0,2.5\n" +
		"2026-02,japan,7,\n" +
		"2026-02,western-europe,41,3\n" +
		"2026-01,us-east,11,\n"
	rows, err := Read(strings.NewReader(in), "sales.csv", regions, HolesAreErrors)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Month: month(2026, 1), Region: "japan", NewCustomers: 0, DevicesPerCustomer: 2.5},
		{Month: month(2026, 1), Region: "us-east", NewCustomers: 11},
		{Month: month(2026, 1), Region: "western-europe", NewCustomers: 40, DevicesPerCustomer: 3},
		{Month: month(2026, 2), Region: "japan", NewCustomers: 7},
		{Month: month(2026, 2), Region: "us-east", NewCustomers: 12.5},
		{Month: month(2026, 2), Region: "western-europe", NewCustomers: 41, DevicesPerCustomer: 3},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %+v\nwant %+v", rows, want)
	}
}

func TestReadShortHeader(t *testing.T) {
	rows, err := Read(strings.NewReader("month,region,new_customers\n2025-12,us-east,3\n"), "", []string{"us-east"}, HolesAreErrors)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{Month: month(2025, 12), Region: "us-east", NewCustomers: 3}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got %+v, want %+v", rows, want)
	}
}

func TestReadErrorsNameLineColumnAndValue(t *testing.T) {
	const h = "month,region,new_customers\n"
	const h4 = "month,region,new_customers,devices_per_customer\n"
	const hu = "month,region,new_customers,uncertainty,planned_new_customers\n"
	cases := []struct{ name, in, want string }{
		{"empty", "", `sales.csv: empty: want the header month,region,new_customers`},
		{"no rows", h, `sales.csv: no rows after the header`},
		{"misspelt header", "month,regoin,new_customers\n", `sales.csv:1: header: column 2 is "regoin", want "region"`},
		{"header too wide", "month,region,new_customers,devices_per_customer,uncertainty,planned_new_customers,notes\n",
			`sales.csv:1: header: want month,region,new_customers, then any of devices_per_customer, uncertainty, planned_new_customers; got 7 columns`},
		{"unknown column", "month,region,new_customers,notes\n", `sales.csv:1: header: column 4 is "notes", want one of devices_per_customer, uncertainty, planned_new_customers`},
		{"column twice", "month,region,new_customers,uncertainty,uncertainty\n", `sales.csv:1: header: column 5: "uncertainty" is already column 4`},
		{"uncertainty not a number", hu + "2026-01,us-east,1,0.2,3\n2026-02,us-east,1,high,\n", `sales.csv:3: column "uncertainty": "high" is not a number`},
		{"uncertainty zero", hu + "2026-01,us-east,1,0,\n", `sales.csv:2: column "uncertainty": "0" must be above 0 and at most 1, a spread of ±100% (leave the cell empty for the default spread)`},
		{"uncertainty above 1", hu + "2026-01,us-east,1,1.5,\n", `sales.csv:2: column "uncertainty": "1.5" must be above 0 and at most 1, a spread of ±100% (leave the cell empty for the default spread)`},
		{"uncertainty negative", hu + "2026-01,us-east,1,-0.1,\n", `sales.csv:2: column "uncertainty": "-0.1" is negative`},
		{"planned negative", hu + "2026-01,us-east,1,,-4\n", `sales.csv:2: column "planned_new_customers": "-4" is negative`},
		{"negative", h + "2026-01,us-east,1\n2026-02,us-east,-3\n", `sales.csv:3: column "new_customers": "-3" is negative`},
		{"missing", h + "2026-01,us-east,\n", `sales.csv:2: column "new_customers": value is missing`},
		{"not a number", h + "2026-01,us-east,twelve\n", `sales.csv:2: column "new_customers": "twelve" is not a number`},
		{"NaN", h + "2026-01,us-east,NaN\n", `sales.csv:2: column "new_customers": "NaN" is not a number`},
		{"infinite", h + "2026-01,us-east,+Inf\n", `sales.csv:2: column "new_customers": "+Inf" is not a number`},
		{"bad month", h + "2026-13,us-east,1\n", `sales.csv:2: column "month": "2026-13" is not a month (YYYY-MM)`},
		{"full date", h + "2026-01-01,us-east,1\n", `sales.csv:2: column "month": "2026-01-01" is not a month (YYYY-MM)`},
		{"unknown region", h + "2026-01,mars,1\n", `sales.csv:2: column "region": "mars" is not a client region of the fleet (western-europe, us-east, japan)`},
		{"duplicate", h + "2026-01,us-east,1\n2026-02,us-east,1\n2026-01,us-east,2\n", `sales.csv:4: month 2026-01, region "us-east": already given on line 2`},
		{"too few columns", h + "2026-01,us-east\n", `sales.csv:2: want 3 columns (month,region,new_customers), got 2`},
		{"zero devices", h4 + "2026-01,us-east,1,0\n", `sales.csv:2: column "devices_per_customer": "0" must be positive (leave the cell empty to use the fleet's value)`},
		{"negative devices", h4 + "2026-01,us-east,1,-2\n", `sales.csv:2: column "devices_per_customer": "-2" is negative`},
		{"bare quote", h + "2026-01,us\"east,1\n", `sales.csv:2:11: bare " in non-quoted-field`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := Read(strings.NewReader(c.in), "sales.csv", regions, HolesAreErrors)
			if err == nil {
				t.Fatalf("no error; rows %+v", rows)
			}
			if err.Error() != c.want {
				t.Errorf("error\n got %s\nwant %s", err, c.want)
			}
			if rows != nil {
				t.Errorf("rows returned with an error: %+v", rows)
			}
		})
	}
}

// The optional columns come in any order; an empty cell is "not given",
// and a planned 0 is a plan of no customers, not a missing plan.
func TestReadOptionalColumns(t *testing.T) {
	in := "month,region,new_customers,planned_new_customers,uncertainty,devices_per_customer\n" +
		"2026-01,us-east,12,10,,\n" +
		"2026-01,japan,3,0,,2\n" +
		"2026-02,us-east,15,,0.3,\n" +
		"2026-02,japan,4,,,\n"
	rows, err := Read(strings.NewReader(in), "sales.csv", []string{"us-east", "japan"}, HolesAreErrors)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Month: month(2026, 1), Region: "japan", NewCustomers: 3, DevicesPerCustomer: 2, PlannedGiven: true},
		{Month: month(2026, 1), Region: "us-east", NewCustomers: 12, PlannedNewCustomers: 10, PlannedGiven: true},
		{Month: month(2026, 2), Region: "japan", NewCustomers: 4},
		{Month: month(2026, 2), Region: "us-east", NewCustomers: 15, Uncertainty: 0.3},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %+v\nwant %+v", rows, want)
	}
}

func TestReadNamesStdin(t *testing.T) {
	_, err := Read(strings.NewReader(""), "", regions, HolesAreErrors)
	if err == nil || !strings.HasPrefix(err.Error(), "stdin: ") {
		t.Errorf("error %v does not name stdin", err)
	}
}

func TestExampleSalesReads(t *testing.T) {
	f, err := os.Open("../../examples/planner/sales.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := Read(f, "sales.csv", []string{
		"western-europe", "northern-europe", "middle-east", "south-africa", "us-east", "us-west",
		"canada", "brazil", "southeast-asia", "japan", "australia", "india",
	}, HolesAreErrors)
	if err != nil {
		t.Fatal(err)
	}
	// 39 months (2025-10 to 2028-12) of 12 regions.
	if len(rows) != 39*12 {
		t.Errorf("%d rows, want %d", len(rows), 39*12)
	}
	first, last := Row{Month: month(2025, 10), Region: "australia", NewCustomers: 28},
		Row{Month: month(2028, 12), Region: "western-europe", NewCustomers: 210}
	if rows[0] != first || rows[len(rows)-1] != last {
		t.Errorf("first %+v, last %+v; want %+v, %+v", rows[0], rows[len(rows)-1], first, last)
	}
}
