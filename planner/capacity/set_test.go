package capacity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every embedded profile parses strictly, is named after its version and
// says where it was measured; the default is the oldest, 3.10.8.
func TestEmbeddedProfiles(t *testing.T) {
	s := Embedded()
	files, err := embedded.ReadDir("profiles")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(s.Profiles()); got != len(files) || got < 2 {
		t.Fatalf("%d profiles from %d files, want one per file and at least two", got, len(files))
	}
	for _, p := range s.Profiles() {
		if want := "embedded profile rabbitmq-" + p.Version.Text + ".json"; p.Name != want {
			t.Errorf("%s: version %s, want the file named %s", p.Name, p.Version, want)
		}
		if !strings.Contains(p.Profile.MeasuredOn, p.Version.Text) && !strings.Contains(p.Profile.MeasuredOn, "rabbitmq-server "+p.Version.Text) {
			t.Errorf("%s: measured_on %q does not name the version", p.Name, p.Profile.MeasuredOn)
		}
		if len(p.Profile.Notes) == 0 {
			t.Errorf("%s: no notes on how the figures were obtained", p.Name)
		}
	}
	if d := s.Default(); d.Name != DefaultName || d.Version.Text != "3.10.8" {
		t.Errorf("default %s (%s), want %s", d.Name, d.Version, DefaultName)
	}
}

// The embedded set's choices, known answers: 3.10 and 3.11 keep the
// 3.10.8 profile, everything from 3.12 on takes 4.3.6's, across majors.
func TestEmbeddedKnownAnswers(t *testing.T) {
	s := Embedded()
	for v, want := range map[string]string{
		"3.10.8": "3.10.8", "3.10.0": "3.10.8", "3.11.28": "3.10.8", "3.11.2": "3.10.8", "3.9.29": "3.10.8",
		"3.12.0": "4.3.6", "3.13.7": "4.3.6", "4.0.5": "4.3.6", "4.3.6": "4.3.6", "4.2.1": "4.3.6", "5.0.0": "4.3.6",
	} {
		sel := s.Select([]string{v})
		if sel.Version.Text != want || sel.Fallback || sel.Name != "embedded profile rabbitmq-"+want+".json" {
			t.Errorf("%s: %s (%s, fallback %v), want rabbitmq-%s.json", v, sel.Name, sel.Why, sel.Fallback, want)
		}
	}
	for _, garbage := range [][]string{nil, {""}, {"4.3"}, {"unknown"}} {
		if sel := s.Select(garbage); !sel.Fallback || sel.Name != DefaultName {
			t.Errorf("%q: %s (fallback %v), want the default %s", garbage, sel.Name, sel.Fallback, DefaultName)
		}
	}
}

// The 4.3.6 profile is the lead engineer's calibration, copied verbatim,
// measured on a freshly started node with statistics every 5 s: memory per
// MQTT connection (with its subscription queue) about a fifth of 3.10.8's,
// as native MQTT promises, on a 2-processor node; every CPU figure
// measured, none kept from another profile.
func TestEmbedded436Measurements(t *testing.T) {
	var p Profile
	for _, n := range Embedded().Profiles() {
		if n.Version.Text == "4.3.6" {
			p = n.Profile
		}
	}
	if p.MemoryPerConnectionBytes != 84088.68571428572 || p.AcceptsPerSecondPerCore != 115.95727261877042 ||
		p.FDsPerConnection != 1 || p.CPUSecondsPerMessage != 0.0005455504226638461 ||
		p.CPUSecondsPerConnectionIdle != 5.895678214813887e-05 || p.CPUSecondsPerOpen != 0.007449209610502823 {
		t.Errorf("4.3.6 figures changed: %+v", p)
	}
	if r := Default().MemoryPerConnectionBytes / p.MemoryPerConnectionBytes; r < 4 || r > 6 {
		t.Errorf("3.10.8 over 4.3.6 memory per connection: %.2f, want about 5.0", r)
	}
	if !strings.Contains(p.MeasuredOn, "2 processors") || !strings.Contains(p.MeasuredOn, "planner calibrate") || len(p.Notes) != 9 {
		t.Errorf("measured_on %q, %d notes", p.MeasuredOn, len(p.Notes))
	}
}

// writeSet writes one profile per version into a new directory, each the
// default profile with its version changed, and loads it.
func writeSet(t *testing.T, versions ...string) Set {
	t.Helper()
	dir := t.TempDir()
	for _, v := range versions {
		p := Default()
		p.RabbitMQVersion = v
		if err := p.Write(filepath.Join(dir, "rabbitmq-"+v+".json")); err != nil {
			t.Fatal(err)
		}
	}
	s, err := LoadSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// nearest is the version of the profile Nearest picks for v.
func nearest(t *testing.T, s Set, v string) string {
	t.Helper()
	pv, err := ParseVersion(v)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := s.Nearest(pv)
	return n.Version.Text
}

// The rules of Nearest, each on a set built to tell it apart.
func TestNearestRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		set     []string
		version string
		want    string
	}{
		{"exact", []string{"3.10.8", "4.3.6"}, "4.3.6", "4.3.6"},
		{"same minor: nearest patch", []string{"3.13.0", "3.13.7", "4.0.5"}, "3.13.2", "3.13.0"},
		{"same minor beats the release just before", []string{"4.0.99", "4.1.30"}, "4.1.0", "4.1.30"},
		{"patch tie goes to the newer", []string{"3.13.1", "3.13.7"}, "3.13.4", "3.13.7"},
		{"fewer minors apart", []string{"4.0.5", "4.3.6"}, "4.1.2", "4.0.5"},
		{"minor tie goes to the newer", []string{"4.0.5", "4.2.1"}, "4.1.0", "4.2.1"},
		{"same major beats another", []string{"3.12.14", "4.0.5"}, "3.13.7", "3.12.14"},
		{"beyond the newest: the newest, not the nearest minor", []string{"4.0.5", "4.3.6"}, "5.0.1", "4.3.6"},
		{"before the oldest: the oldest", []string{"3.10.8", "3.11.28"}, "3.9.29", "3.10.8"},
		{"no crossing 3.12 up", []string{"3.10.8", "3.12.0"}, "3.11.9", "3.10.8"},
		{"no crossing 3.12 down", []string{"3.11.28", "4.3.6"}, "3.12.0", "4.3.6"},
		{"crossing when nothing is on the cluster's side", []string{"3.12.0", "4.0.5"}, "3.11.9", "3.12.0"},
		{"a suffix is ignored", []string{"4.0.5", "4.1.0"}, "4.1.0-beta.2", "4.1.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nearest(t, writeSet(t, tc.set...), tc.version); got != tc.want {
				t.Errorf("%s among %v: %s, want %s", tc.version, tc.set, got, tc.want)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	s := writeSet(t, "3.10.8", "4.0.5")
	for _, tc := range []struct {
		name     string
		versions []string
		want     string
		cluster  string
		fallback bool
		why      string
	}{
		{"exact", []string{"4.0.5"}, "4.0.5", "4.0.5", false, "measured on the cluster's version"},
		{"nearest", []string{"4.3.6"}, "4.0.5", "4.3.6", false, "nearest to the cluster's 4.3.6"},
		{"across the boundary avoided", []string{"3.11.28"}, "3.10.8", "3.11.28", false,
			"nearest to the cluster's 3.11.28 on its side of 3.12's native MQTT"},
		{"mid-upgrade: the newer", []string{"4.0.5", "3.10.8"}, "4.0.5", "4.0.5", false, "measured on the cluster's version"},
		{"garbage beside a version", []string{"unknown", "3.10.8"}, "3.10.8", "3.10.8", false, "measured on the cluster's version"},
		{"none", nil, "3.10.8", "", true, "no RabbitMQ version in the history"},
		{"garbage", []string{"4.x"}, "3.10.8", "4.x", true, `the history's version "4.x" is not MAJOR.MINOR.PATCH`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Select(tc.versions)
			if got.Version.Text != tc.want || got.ClusterVersion != tc.cluster || got.Fallback != tc.fallback || !strings.HasPrefix(got.Why, tc.why) {
				t.Errorf("got profile %s for cluster %q (fallback %v, %q)\nwant %s for %q (fallback %v, %q...)",
					got.Version, got.ClusterVersion, got.Fallback, got.Why, tc.want, tc.cluster, tc.fallback, tc.why)
			}
			if !strings.HasSuffix(got.Name, "rabbitmq-"+tc.want+".json") {
				t.Errorf("name %s", got.Name)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	for _, ok := range []string{"3.10.8", "4.3.6", "10.0.0", "4.1.0-beta.2", "4.0.0+2.g1a2b3c"} {
		if _, err := ParseVersion(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	v, _ := ParseVersion("4.1.0-rc.1")
	if v.Major != 4 || v.Minor != 1 || v.Patch != 0 || v.Text != "4.1.0-rc.1" || v.Core() != "4.1.0" {
		t.Errorf("4.1.0-rc.1: %+v", v)
	}
	for _, bad := range []string{"", "4", "4.3", "4.3.x", "v4.3.6", "04.3.6", "4.3.6.1", "-1.2.3", "4..6", "+4.3.6", "4.3.-6"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("%q parsed", bad)
		} else if want := "is not a RabbitMQ version (MAJOR.MINOR.PATCH)"; !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// A bad file in a set is an error naming it; the strict parser's line and
// column survive.
func TestLoadSetErrors(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("profiles", "rabbitmq-3.10.8.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // after the directory and a separator
	}{
		{"unparsable version", map[string]string{"a.json": strings.Replace(string(valid), `"3.10.8"`, `"three"`, 1)},
			`a.json: field "rabbitmq_version": "three" is not a RabbitMQ version (MAJOR.MINOR.PATCH)`},
		{"empty version", map[string]string{"a.json": strings.Replace(string(valid), `"3.10.8"`, `""`, 1)},
			`a.json: field "rabbitmq_version" is empty`},
		{"same version twice", map[string]string{"a.json": string(valid), "b.json": strings.Replace(string(valid), `"3.10.8"`, `"3.10.8-1"`, 1)},
			`a.json and DIR/b.json: both measured on RabbitMQ 3.10.8; keep one`},
		{"misspelt field", map[string]string{"a.json": strings.Replace(string(valid), `"measured_on"`, `"measured_at"`, 1)},
			`a.json: json: unknown field "measured_at"`},
		{"wrong type", map[string]string{"a.json": strings.Replace(string(valid), `"fds_per_connection": 1.02`, `"fds_per_connection": "1.02"`, 1)},
			`a.json:6:25: field "fds_per_connection": string is not a float64`},
		{"no profile", map[string]string{"notes.txt": "not a profile"}, `: no capacity profile (*.json)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := LoadSet(dir)
			want := dir + string(filepath.Separator) + strings.ReplaceAll(tc.want, "DIR", dir)
			if strings.HasPrefix(tc.want, ":") {
				want = dir + tc.want
			}
			if err == nil || err.Error() != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
	if _, err := LoadSet(filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Error("missing directory: no error")
	}
}
