package capacity

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Version is a RabbitMQ version, MAJOR.MINOR.PATCH; Text is as written,
// suffix included.
type Version struct {
	Major, Minor, Patch int
	Text                string
}

// nativeMQTT is the first version whose MQTT connections are native: no
// AMQP channel behind each, a fraction of the memory (RabbitMQ's Native
// MQTT benchmark: 1M connections in 301 GiB on 3.11, 18.7 GiB on 3.12;
// the embedded profiles, a subscription queue per connection included:
// 423 kB on 3.10.8, 84 kB on 4.3.6).
var nativeMQTT = Version{Major: 3, Minor: 12}

// ParseVersion reads a version as RabbitMQ reports it, e.g. "3.10.8" or
// "4.1.0-beta.2". A pre-release or build suffix (after "-" or "+") is
// kept in Text and ignored in comparisons: a release candidate costs what
// its release does, as far as a plan can tell.
func ParseVersion(s string) (Version, error) {
	core := s
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		core = s[:i]
	}
	parts := strings.Split(core, ".")
	v := Version{Text: s}
	if len(parts) != 3 {
		return v, fmt.Errorf("%q is not a RabbitMQ version (MAJOR.MINOR.PATCH)", s)
	}
	for i, dst := range []*int{&v.Major, &v.Minor, &v.Patch} {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 || parts[i] != strconv.Itoa(n) {
			return v, fmt.Errorf("%q is not a RabbitMQ version (MAJOR.MINOR.PATCH)", s)
		}
		*dst = n
	}
	return v, nil
}

// Compare orders versions by major, minor and patch.
func (v Version) Compare(w Version) int {
	return cmp.Or(cmp.Compare(v.Major, w.Major), cmp.Compare(v.Minor, w.Minor), cmp.Compare(v.Patch, w.Patch))
}

// NativeMQTT says MQTT is native on v (3.12 and later).
func (v Version) NativeMQTT() bool { return v.Compare(nativeMQTT) >= 0 }

func (v Version) String() string { return v.Text }

// Core is MAJOR.MINOR.PATCH without any suffix.
func (v Version) Core() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }
