package latency

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultTable(t *testing.T) {
	tab := Default()
	wantRegions := []string{
		"af-south-1", "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
		"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "me-south-1",
		"sa-east-1", "us-east-1", "us-east-2", "us-west-2",
	}
	if got := tab.AWSRegions(); !reflect.DeepEqual(got, wantRegions) {
		t.Errorf("AWSRegions = %v, want %v", got, wantRegions)
	}
	wantClients := []string{
		"australia", "brazil", "canada", "france", "germany", "india", "japan", "middle-east", "nordics",
		"northern-europe", "singapore", "south-africa", "southeast-asia", "uk", "us-east", "us-west", "western-europe",
	}
	if got := tab.ClientRegions(); !reflect.DeepEqual(got, wantClients) {
		t.Errorf("ClientRegions = %v, want %v", got, wantClients)
	}
	for _, c := range []struct {
		client, region string
		want           float64
	}{
		{"western-europe", "eu-west-1", 20},
		{"us-east", "us-east-1", 12},
		{"southeast-asia", "ap-southeast-1", 8},
		{"australia", "eu-north-1", 290},
	} {
		if got, ok := tab.Millis(c.client, c.region); !ok || got != c.want {
			t.Errorf("Millis(%s, %s) = %v, %v; want %v", c.client, c.region, got, ok, c.want)
		}
	}
	if _, ok := tab.Millis("mars", "eu-west-1"); ok {
		t.Error("unknown client region found")
	}
}

// Every client region is closest to an AWS region on its own continent:
// a cheap guard against a row typed into the wrong column.
func TestDefaultTableNearestRegions(t *testing.T) {
	want := map[string]string{
		"western-europe": "eu-central-1", "northern-europe": "eu-north-1", "us-east": "us-east-1",
		"us-west": "us-west-2", "canada": "ca-central-1", "brazil": "sa-east-1", "india": "ap-south-1",
		"japan": "ap-northeast-1", "southeast-asia": "ap-southeast-1", "australia": "ap-southeast-2",
		"south-africa": "af-south-1", "middle-east": "me-south-1",
		"uk": "eu-west-1", "france": "eu-central-1", "germany": "eu-central-1", "nordics": "eu-north-1", "singapore": "ap-southeast-1",
	}
	tab := Default()
	for _, c := range tab.ClientRegions() {
		best, bestMs := "", 0.0
		for _, r := range tab.AWSRegions() {
			if ms, _ := tab.Millis(c, r); best == "" || ms < bestMs {
				best, bestMs = r, ms
			}
		}
		if best != want[c] {
			t.Errorf("%s is nearest to %s, want %s", c, best, want[c])
		}
	}
}

func TestAWSRegionsIsACopy(t *testing.T) {
	tab := Default()
	tab.AWSRegions()[0] = "changed"
	if tab.AWSRegions()[0] != "af-south-1" {
		t.Error("caller changed the shared table")
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "latency.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	path := writeFile(t, "# measured\nclient_region,aws_region,rtt_ms\nhome,eu-west-1,9.5\nhome,us-east-1,81\naway,eu-west-1,30\naway,us-east-1,60\n")
	tab, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := tab.Millis("home", "eu-west-1"); !ok || got != 9.5 {
		t.Errorf("Millis = %v, %v; want 9.5", got, ok)
	}
	if got := tab.AWSRegions(); !reflect.DeepEqual(got, []string{"eu-west-1", "us-east-1"}) {
		t.Errorf("AWSRegions = %v", got)
	}
	if got := tab.ClientRegions(); !reflect.DeepEqual(got, []string{"away", "home"}) {
		t.Errorf("ClientRegions = %v", got)
	}
}

func TestLoadErrors(t *testing.T) {
	const h = "client_region,aws_region,rtt_ms\n"
	cases := []struct{ name, in, want string }{
		{"empty", "", `: empty: want the header client_region,aws_region,rtt_ms`},
		{"no rows", h, `: no rows after the header`},
		{"bad header", "client,aws_region,rtt_ms\n", `:1: header: want client_region,aws_region,rtt_ms, got client,aws_region,rtt_ms`},
		{"short header", "client_region,aws_region\n", `:1: header: want client_region,aws_region,rtt_ms, got client_region,aws_region`},
		{"columns", h + "home,eu-west-1\n", `:2: want 3 columns (client_region,aws_region,rtt_ms), got 2`},
		{"no client", h + ",eu-west-1,3\n", `:2: column "client_region": value is missing`},
		{"bad aws region", h + "home,eu-west1,3\n", `:2: column "aws_region": "eu-west1" is not an AWS region name (like eu-west-1)`},
		{"missing rtt", h + "home,eu-west-1,\n", `:2: column "rtt_ms": value is missing`},
		{"not a number", h + "home,eu-west-1,fast\n", `:2: column "rtt_ms": "fast" is not a number`},
		{"zero", h + "home,eu-west-1,0\n", `:2: column "rtt_ms": "0" must be positive`},
		{"negative", h + "home,eu-west-1,-4\n", `:2: column "rtt_ms": "-4" must be positive`},
		{"duplicate", h + "home,eu-west-1,3\n# again\nhome,eu-west-1,4\n", `:4: client region "home" to "eu-west-1": already given on line 2`},
		{"hole", h + "home,eu-west-1,3\nhome,us-east-1,80\naway,eu-west-1,30\n", `: client region "away" has no row for aws_region "us-east-1" (every client region needs every AWS region of the table)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, c.in)
			tab, err := Load(path)
			if err == nil {
				t.Fatalf("no error; table %+v", tab)
			}
			if want := path + c.want; err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.csv"))
	if err == nil || !strings.HasPrefix(err.Error(), "latency table: open ") {
		t.Errorf("error = %v", err)
	}
}
