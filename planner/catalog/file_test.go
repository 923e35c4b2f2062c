package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The regions of the embedded latency table (planner/latency/default.csv):
// every one is a candidate site, so the snapshot must price types there.
var latencyRegions = []string{
	"af-south-1", "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "me-south-1",
	"sa-east-1", "us-east-1", "us-east-2", "us-west-2",
}

func TestDefaultSnapshot(t *testing.T) {
	c := Default()
	if len(c.Types) < 30 {
		t.Errorf("%d types, want at least 30", len(c.Types))
	}
	if !strings.HasPrefix(c.Source, "embedded snapshot, 2025-06: ") || !c.Fetched.Equal(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("source %q, fetched %v", c.Source, c.Fetched)
	}
	for _, region := range latencyRegions {
		if n := len(c.Offered(region)); n < 24 {
			t.Errorf("%s offers %d types, want at least 24", region, n)
		}
	}
	for _, fam := range DefaultFamilies {
		for _, size := range []string{"large", "xlarge", "2xlarge", "4xlarge"} {
			if _, ok := c.Lookup(fam + "." + size); !ok {
				t.Errorf("%s.%s missing", fam, size)
			}
		}
	}
	for _, ty := range c.Types {
		if fam, _, _ := strings.Cut(ty.Name, "."); !slices.Contains(DefaultFamilies, fam) {
			t.Errorf("%s is not of DefaultFamilies: a refresh would drop it", ty.Name)
		}
	}
	got, ok := c.Lookup("m6i.xlarge")
	want := InstanceType{Name: "m6i.xlarge", VCPU: 4, MemoryGiB: 16, NetworkGbps: 1.562, PricePerHour: got.PricePerHour}
	if !ok || !reflect.DeepEqual(got, want) || got.PricePerHour["us-east-1"] != 0.192 || got.PricePerHour["eu-west-1"] != 0.214 {
		t.Errorf("m6i.xlarge = %+v", got)
	}
	c7i, _ := c.Lookup("c7i.large")
	if _, ok := c7i.PricePerHour["af-south-1"]; ok {
		t.Error("c7i.large is priced in af-south-1; the snapshot says it is not offered there")
	}
}

// Prices grow with size within a family and memory per vCPU is what the
// family letter says: a guard against a mistyped row.
func TestDefaultSnapshotIsConsistent(t *testing.T) {
	perVCPU := map[byte]float64{'c': 2, 'm': 4, 'r': 8}
	c := Default()
	for i, ty := range c.Types {
		if ty.MemoryGiB != perVCPU[ty.Name[0]]*float64(ty.VCPU) {
			t.Errorf("%s: %v GiB for %d vCPU", ty.Name, ty.MemoryGiB, ty.VCPU)
		}
		if i == 0 || !sameFamily(c.Types[i-1].Name, ty.Name) {
			continue
		}
		prev := c.Types[i-1]
		for region, p := range ty.PricePerHour {
			if q, ok := prev.PricePerHour[region]; !ok || p <= q {
				t.Errorf("%s in %s costs %v, %s %v", ty.Name, region, p, prev.Name, q)
			}
		}
	}
}

func sameFamily(a, b string) bool {
	fa, _, _ := strings.Cut(a, ".")
	fb, _, _ := strings.Cut(b, ".")
	return fa == fb
}

// Write of the embedded snapshot gives back the embedded file byte for
// byte: the format is stable and Write's order is the file's order.
func TestWriteRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := Default().Write(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, snapshotJSON) {
		t.Error("Write(Default()) differs from snapshot.json")
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Error("Load(Write(Default())) differs from Default()")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".catalog.json.*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteSortsAndRefusesInvalid(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.json")
	c := &Catalog{Source: "test", Types: []InstanceType{
		{Name: "c5.2xlarge", VCPU: 8, MemoryGiB: 16, NetworkGbps: 2.5, PricePerHour: map[string]float64{"eu-west-1": 0.384}},
		{Name: "c5.large", VCPU: 2, MemoryGiB: 4, NetworkGbps: 0.75, PricePerHour: map[string]float64{"eu-west-1": 0.096}},
	}}
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Types[0].Name != "c5.large" || got.Types[1].Name != "c5.2xlarge" {
		t.Errorf("order %s, %s", got.Types[0].Name, got.Types[1].Name)
	}
	if c.Types[0].Name != "c5.2xlarge" {
		t.Error("Write reordered the caller's catalog")
	}

	c.Types[1].PricePerHour["eu-west-1"] = 0
	err = c.Write(path)
	if want := "catalog " + path + ": types[1] (c5.large): price_per_hour[eu-west-1] 0: must be positive"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	if again, err := Load(path); err != nil || len(again.Types) != 2 || again.Types[0].PricePerHour["eu-west-1"] != 0.096 {
		t.Errorf("the old file was touched: %+v, %v", again, err)
	}
}

func TestLoadErrors(t *testing.T) {
	const okType = `{"name": "c5.large", "vcpu": 2, "memory_gib": 4, "network_gbps": 0.75, "price_per_hour": {"eu-west-1": 0.096}}`
	cases := []struct{ name, in, want string }{
		{"syntax", "{\n  \"source\": \"x\",\n  \"types\": [}\n", `:3:13: invalid character '}' looking for beginning of value`},
		{"unknown field", `{"source": "x", "colour": "blue", "types": [` + okType + `]}`, `: json: unknown field "colour"`},
		{"wrong type", "{\"types\": [\n{\"name\": \"c5.large\", \"vcpu\": \"two\"}]}", `:2:34: json: cannot unmarshal string into Go struct field InstanceType.types.vcpu of type int`},
		{"trailing data", `{"types": [` + okType + `]} {}`, `:1:125: data after the catalog object`},
		{"no types", `{"source": "x", "types": []}`, `: types: at least one instance type is required`},
		{"bad name", `{"types": [{"name": "large", "vcpu": 2, "memory_gib": 4, "network_gbps": 1, "price_per_hour": {"eu-west-1": 1}}]}`, `: types[0] (large): name "large": not an instance type name (like c6i.large)`},
		{"no vcpu", `{"types": [{"name": "c5.large", "memory_gib": 4, "network_gbps": 1, "price_per_hour": {"eu-west-1": 1}}]}`, `: types[0] (c5.large): vcpu 0: must be positive`},
		{"negative memory", `{"types": [{"name": "c5.large", "vcpu": 2, "memory_gib": -4, "network_gbps": 1, "price_per_hour": {"eu-west-1": 1}}]}`, `: types[0] (c5.large): memory_gib -4: must be positive`},
		{"no network", `{"types": [{"name": "c5.large", "vcpu": 2, "memory_gib": 4, "price_per_hour": {"eu-west-1": 1}}]}`, `: types[0] (c5.large): network_gbps 0: must be positive`},
		{"no prices", `{"types": [{"name": "c5.large", "vcpu": 2, "memory_gib": 4, "network_gbps": 1}]}`, `: types[0] (c5.large): price_per_hour: at least one region is required`},
		{"bad region", `{"types": [{"name": "c5.large", "vcpu": 2, "memory_gib": 4, "network_gbps": 1, "price_per_hour": {"Ireland": 1}}]}`, `: types[0] (c5.large): price_per_hour: "Ireland" is not an AWS region name (like eu-west-1)`},
		{"duplicate", `{"types": [` + okType + `, ` + okType + `]}`, `: types[1] (c5.large): name already used by types[0]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "catalog.json")
			if err := os.WriteFile(path, []byte(c.in), 0o600); err != nil {
				t.Fatal(err)
			}
			cat, err := Load(path)
			if err == nil {
				t.Fatalf("no error; catalog %+v", cat)
			}
			if want := path + c.want; err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
		})
	}
}

func TestOffered(t *testing.T) {
	c := &Catalog{Types: []InstanceType{
		{Name: "c5.large", PricePerHour: map[string]float64{"eu-west-1": 0.096, "us-east-1": 0.085}},
		{Name: "c7i.large", PricePerHour: map[string]float64{"us-east-1": 0.089}},
	}}
	var names []string
	for _, ty := range c.Offered("eu-west-1") {
		names = append(names, ty.Name)
	}
	if !reflect.DeepEqual(names, []string{"c5.large"}) {
		t.Errorf("Offered(eu-west-1) = %v", names)
	}
	if got := c.Offered("mars-1"); got != nil {
		t.Errorf("Offered(mars-1) = %v", got)
	}
}
