package report

import (
	"bytes"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// writeReport writes p to a fresh directory and returns its files.
func writeReport(t *testing.T, p *Plan) map[string][]byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "report")
	if err := Write(dir, p); err != nil {
		t.Fatal(err)
	}
	return testsupport.ReadDir(t, dir)
}

func TestGolden(t *testing.T) {
	got := writeReport(t, testPlan())
	want := []string{"planner.prom", "recommendations.csv", "report.html", "report.json", "report.md", "terraform.tfvars.json"}
	if !slices.Equal(Files(), want) {
		t.Fatalf("Files() = %v, want %v", Files(), want)
	}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) {
		t.Fatalf("report directory holds %v, want %v", keys, want)
	}
	for _, name := range want {
		golden := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s differs from %s; if the change is intended, run go test -update and review the diff", name, golden)
		}
	}
}

func TestWriteIsByteIdentical(t *testing.T) {
	first := writeReport(t, testPlan())
	second := writeReport(t, testPlan())
	for name, b := range first {
		if !bytes.Equal(b, second[name]) {
			t.Errorf("%s differs between two writes of the same plan", name)
		}
	}
}

func TestWriteReplacesPreviousReport(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, testPlan()); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !slices.Equal(got, Files()) {
		t.Errorf("report directory holds %v, want exactly %v", got, Files())
	}
	if got := names(t, parent); !slices.Equal(got, []string{"report"}) {
		t.Errorf("parent holds %v, want only report (no temporary or previous directory)", got)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o755 {
		t.Errorf("report directory mode %v, want 0755", perm)
	}
}

// failOnThird makes the third file written fail, after two succeeded.
func failOnThird(t *testing.T) {
	orig := writeFile
	t.Cleanup(func() { writeFile = orig })
	n := 0
	writeFile = func(path string, data []byte) error {
		n++
		if n == 3 {
			return errors.New("disk full")
		}
		return orig(path, data)
	}
}

func TestWriteFailureKeepsPreviousReport(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	if err := Write(dir, testPlan()); err != nil {
		t.Fatal(err)
	}
	before := testsupport.ReadDir(t, dir)

	failOnThird(t)
	changed := testPlan()
	changed.Assumptions = append(changed.Assumptions, "changed")
	err := Write(dir, changed)
	if err == nil || err.Error() != "report: writing report.html: disk full" {
		t.Fatalf("Write = %v, want report: writing report.html: disk full", err)
	}
	after := testsupport.ReadDir(t, dir)
	for name, b := range before {
		if !bytes.Equal(b, after[name]) {
			t.Errorf("%s changed by a failed write", name)
		}
	}
	if len(after) != len(before) {
		t.Errorf("failed write left %d files, want %d", len(after), len(before))
	}
	if got := names(t, parent); !slices.Equal(got, []string{"report"}) {
		t.Errorf("parent holds %v after a failed write, want only report", got)
	}
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	parent := t.TempDir()
	failOnThird(t)
	if err := Write(filepath.Join(parent, "report"), testPlan()); err == nil {
		t.Fatal("Write succeeded, want the injected failure")
	}
	if got := names(t, parent); len(got) != 0 {
		t.Errorf("parent holds %v after a failed first write, want nothing", got)
	}
}

func TestWriteReadOnlyParent(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	if err := Write(dir, testPlan()); err != nil {
		t.Fatal(err)
	}
	before := testsupport.ReadDir(t, dir)
	if err := os.Chmod(parent, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(parent, 0o755) })
	if err := Write(dir, testPlan()); err == nil {
		t.Fatal("Write into a read-only parent succeeded")
	}
	after := testsupport.ReadDir(t, dir)
	for name, b := range before {
		if !bytes.Equal(b, after[name]) {
			t.Errorf("%s changed by a failed write", name)
		}
	}
}

func TestWriteInvalidPlanWritesNothing(t *testing.T) {
	parent := t.TempDir()
	p := testPlan()
	p.Gateways[0].Current.CapacityConnections = -1
	err := Write(filepath.Join(parent, "report"), p)
	want := `report: invalid plan: gateways["gateway-eu"].current.capacity_connections: -1 is negative`
	if err == nil || err.Error() != want {
		t.Fatalf("Write = %v, want %s", err, want)
	}
	if got := names(t, parent); len(got) != 0 {
		t.Errorf("parent holds %v after an invalid plan, want nothing", got)
	}
}

func TestWriteOverFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(path, testPlan())
	if err == nil || !strings.Contains(err.Error(), "exists and is not a directory") {
		t.Fatalf("Write over a file = %v, want an error saying it is not a directory", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "x" {
		t.Errorf("the file was changed to %q", b)
	}
}

// Files lists the names of the files Write puts in the report directory.
func Files() []string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.name
	}
	return names
}
