package capacity

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// The embedded profiles, one per RabbitMQ version measured, named
// rabbitmq-<version>.json.
//
//go:embed profiles/*.json
var embedded embed.FS

// DefaultName names the embedded set's default profile: the oldest, 3.10.8.
const DefaultName = "embedded profile rabbitmq-3.10.8.json"

// Named is a profile, the file it came from and its parsed version.
type Named struct {
	Name    string
	Version Version
	Profile Profile
}

// Set is a set of profiles, at most one per version, to choose from by a
// cluster's version.
type Set struct {
	profiles []Named // oldest first
}

// Embedded returns the embedded profiles. A test parses them, so the
// panic below can only follow a broken build, never user input.
func Embedded() Set {
	s, err := readSet(embedded, "profiles", func(file string) string { return "embedded profile " + file })
	if err != nil {
		panic(err)
	}
	return s
}

// Default returns the embedded set's default profile, measured on
// RabbitMQ 3.10.8 (its MeasuredOn and Notes say how).
func Default() Profile { return Embedded().Default().Profile }

// LoadSet reads every *.json file of dir as a profile.
func LoadSet(dir string) (Set, error) {
	if st, err := os.Stat(dir); err != nil {
		return Set{}, err
	} else if !st.IsDir() {
		return Set{}, fmt.Errorf("%s: not a directory of capacity profiles", dir)
	}
	return readSet(os.DirFS(dir), ".", func(file string) string { return filepath.Join(dir, file) })
}

// readSet parses every *.json file of dir in fsys strictly; errors name
// the file as name(file) does. Every profile's version must parse, and no
// two may share one.
func readSet(fsys fs.FS, dir string, name func(file string) string) (Set, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return Set{}, err
	}
	if len(files) == 0 {
		return Set{}, fmt.Errorf("%s: no capacity profile (*.json)", name(""))
	}
	var s Set
	for _, f := range files {
		n := name(path.Base(f))
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return Set{}, fmt.Errorf("%s: %w", n, err)
		}
		p, err := Parse(data, n)
		if err != nil {
			return Set{}, err
		}
		v, err := ParseVersion(p.RabbitMQVersion)
		if err != nil {
			return Set{}, fmt.Errorf("%s: field \"rabbitmq_version\": %w", n, err)
		}
		s.profiles = append(s.profiles, Named{Name: n, Version: v, Profile: p})
	}
	slices.SortStableFunc(s.profiles, func(a, b Named) int { return a.Version.Compare(b.Version) })
	for i := 1; i < len(s.profiles); i++ {
		if a, b := s.profiles[i-1], s.profiles[i]; a.Version.Compare(b.Version) == 0 {
			return Set{}, fmt.Errorf("%s and %s: both measured on RabbitMQ %s; keep one", a.Name, b.Name, b.Version.Core())
		}
	}
	return s, nil
}

// Profiles returns the set's profiles, oldest first.
func (s Set) Profiles() []Named { return slices.Clone(s.profiles) }

// Default is the profile for a cluster whose version is unknown: the
// oldest. For the embedded set that is 3.10.8, the profile the planner
// used before it read versions, so that a history without them (a
// snapshot taken before) plans as it did. It is no safe bound: it costs
// more memory per MQTT connection than any later version, but less CPU per
// message and per idle connection than 4.3.6 measured.
func (s Set) Default() Named { return s.profiles[0] }

// Nearest returns the profile nearest to v, and why in a few words:
//
//  1. only profiles on v's side of 3.12's native MQTT, if any: crossing
//     it changes an MQTT connection's memory several-fold, more than any
//     distance between versions on one side;
//  2. among those, only the same major.minor, if any (patch releases are
//     fixes, minors change defaults and features);
//  3. of the profiles just older and just newer than v, the one sharing
//     v's major, then the fewer minors apart, then the fewer patches (a
//     minor of another major says nothing about distance, so beyond v's
//     major only release order counts: 5.0 takes 4.3 over 4.0);
//  4. a tie goes to the newer profile: clusters are upgraded more often
//     than downgraded, so it stays right for longer.
func (s Set) Nearest(v Version) (Named, string) {
	cands := s.profiles
	why := "nearest to the cluster's " + v.Text
	switch side := filter(cands, func(p Named) bool { return p.Version.NativeMQTT() == v.NativeMQTT() }); {
	case len(side) == 0:
		why += ", across 3.12's native MQTT: no profile on the cluster's side"
	case len(side) < len(cands):
		why += " on its side of 3.12's native MQTT"
		cands = side
	}
	if same := filter(cands, func(p Named) bool { return p.Version.Major == v.Major && p.Version.Minor == v.Minor }); len(same) > 0 {
		cands = same
	}
	lo, hi := -1, -1 // the newest not newer than v, the oldest newer
	for i, p := range cands {
		if p.Version.Compare(v) <= 0 {
			lo = i
		} else if hi < 0 {
			hi = i
		}
	}
	switch {
	case lo >= 0 && cands[lo].Version.Compare(v) == 0:
		return cands[lo], "measured on the cluster's version"
	case hi < 0:
		return cands[lo], why
	case lo < 0:
		return cands[hi], why
	case compareDistance(distance(cands[lo].Version, v), distance(cands[hi].Version, v)) < 0:
		return cands[lo], why
	}
	return cands[hi], why
}

// distance is how far p is from v, compared lexicographically: another
// major, then minors apart within v's major, then patches within its minor.
func distance(p, v Version) [3]int {
	var d [3]int
	switch {
	case p.Major != v.Major:
		d[0] = 1
	case p.Minor != v.Minor:
		d[1] = abs(p.Minor - v.Minor)
	default:
		d[2] = abs(p.Patch - v.Patch)
	}
	return d
}

func compareDistance(a, b [3]int) int { return slices.Compare(a[:], b[:]) }

func abs(n int) int { return max(n, -n) }

func filter(ps []Named, keep func(Named) bool) []Named {
	var out []Named
	for _, p := range ps {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// Selection is the profile chosen for one cluster and why.
type Selection struct {
	Named
	// ClusterVersion is the version the history shows for the cluster,
	// as written; "" when it shows none.
	ClusterVersion string
	// Why says why this profile, in a few words.
	Why string
	// Fallback is true when the history gave no readable version and the
	// set's default was taken.
	Fallback bool
}

// Select chooses the profile for a cluster whose history shows versions
// at its last sample (more than one while a rolling upgrade is under way,
// in no order): the newest that parses, which the cluster is moving to,
// and its nearest profile. With none that parses, the default.
func (s Set) Select(versions []string) Selection {
	var newest *Version
	for _, t := range versions {
		if v, err := ParseVersion(t); err == nil && (newest == nil || v.Compare(*newest) > 0) {
			newest = &v
		}
	}
	if newest == nil {
		sel := Selection{Named: s.Default(), Fallback: true}
		sel.Why = "no RabbitMQ version in the history: the default profile, as before the planner read versions"
		if len(versions) > 0 {
			sel.ClusterVersion = strings.Join(versions, ", ")
			sel.Why = fmt.Sprintf("the history's version %q is not MAJOR.MINOR.PATCH: the default profile, as before the planner read versions", sel.ClusterVersion)
		}
		return sel
	}
	n, why := s.Nearest(*newest)
	return Selection{Named: n, ClusterVersion: newest.Text, Why: why}
}
