package catalog

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/rabbitfleet/rabbitfleet/internal/atomicfile"
)

//go:embed snapshot.json
var snapshotJSON []byte

// DefaultFamilies are the families of the embedded snapshot (sizes large
// to 4xlarge): compute, general purpose and memory optimised, Intel, 5th
// to 7th generation.
var DefaultFamilies = []string{"c5", "c6i", "c7i", "m5", "m6i", "m7i", "r5", "r6i", "r7i"}

// Default returns the embedded snapshot, a fresh copy on each call (the
// caller may change it).
func Default() *Catalog {
	c, err := parse(snapshotJSON, "embedded catalog")
	if err != nil {
		panic(err) // a build defect, caught by the package's tests
	}
	return c
}

// Load reads a catalog written by Write (or by hand): strict JSON, every
// type complete and every price positive. Types come back sorted (see Write).
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return parse(data, path)
}

// Write writes c as indented JSON with its types sorted by family, then
// size, atomically: a reader sees the old file or the new one, never half.
// An invalid catalog is not written.
func (c *Catalog) Write(path string) error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("catalog %s: %w", path, err)
	}
	out := *c
	out.Types = slices.Clone(c.Types)
	sortTypes(out.Types)
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return fmt.Errorf("catalog %s: %w", path, err)
	}
	data = append(data, '\n')

	if err := atomicfile.WriteBytes(path, data); err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	return nil
}

// Lookup returns the instance type called name.
func (c *Catalog) Lookup(name string) (InstanceType, bool) {
	for _, t := range c.Types {
		if t.Name == name {
			return t, true
		}
	}
	return InstanceType{}, false
}

// Offered returns the types priced in awsRegion, in the catalog's order.
func (c *Catalog) Offered(awsRegion string) []InstanceType {
	var out []InstanceType
	for _, t := range c.Types {
		if _, ok := t.PricePerHour[awsRegion]; ok {
			out = append(out, t)
		}
	}
	return out
}

func parse(data []byte, name string) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s%s: %w", name, position(data, err), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s%s: data after the catalog object", name, lineCol(data, dec.InputOffset()))
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sortTypes(c.Types)
	return &c, nil
}

// position gives ":line:column" for the JSON errors that carry an offset.
func position(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return lineCol(data, syn.Offset)
	case errors.As(err, &typ):
		return lineCol(data, typ.Offset)
	}
	return ""
}

// lineCol gives ":line:column" of the last byte json read before it
// stopped at offset: the offending character of a syntax error, the end of
// a value of the wrong type.
func lineCol(data []byte, offset int64) string {
	before := data[:max(0, min(int(offset)-1, len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf(":%d:%d", line, col)
}

var (
	typeNameRE  = regexp.MustCompile(`^[a-z0-9-]+\.[a-z0-9-]+$`)
	awsRegionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

func (c *Catalog) validate() error {
	if len(c.Types) == 0 {
		return errors.New("types: at least one instance type is required")
	}
	seen := map[string]int{}
	for i, t := range c.Types {
		where := fmt.Sprintf("types[%d]", i)
		if t.Name != "" {
			where = fmt.Sprintf("types[%d] (%s)", i, t.Name)
		}
		if err := t.validate(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if first, dup := seen[t.Name]; dup {
			return fmt.Errorf("%s: name already used by types[%d]", where, first)
		}
		seen[t.Name] = i
	}
	return nil
}

func (t *InstanceType) validate() error {
	switch {
	case !typeNameRE.MatchString(t.Name):
		return fmt.Errorf("name %q: not an instance type name (like c6i.large)", t.Name)
	case t.VCPU <= 0:
		return fmt.Errorf("vcpu %d: must be positive", t.VCPU)
	case !positive(t.MemoryGiB):
		return fmt.Errorf("memory_gib %v: must be positive", t.MemoryGiB)
	case !positive(t.NetworkGbps):
		return fmt.Errorf("network_gbps %v: must be positive", t.NetworkGbps)
	case len(t.PricePerHour) == 0:
		return errors.New("price_per_hour: at least one region is required")
	}
	for _, region := range slices.Sorted(maps.Keys(t.PricePerHour)) {
		if !awsRegionRE.MatchString(region) {
			return fmt.Errorf("price_per_hour: %q is not an AWS region name (like eu-west-1)", region)
		}
		if p := t.PricePerHour[region]; !positive(p) {
			return fmt.Errorf("price_per_hour[%s] %v: must be positive", region, p)
		}
	}
	return nil
}

func positive(v float64) bool { return v > 0 && !math.IsInf(v, 0) }

// sortTypes orders by family, then size, so that c5.large comes before
// c5.2xlarge (a plain name sort would not).
func sortTypes(types []InstanceType) {
	slices.SortFunc(types, func(a, b InstanceType) int {
		fa, _, _ := strings.Cut(a.Name, ".")
		fb, _, _ := strings.Cut(b.Name, ".")
		return cmp.Or(strings.Compare(fa, fb), cmp.Compare(a.VCPU, b.VCPU),
			cmp.Compare(a.MemoryGiB, b.MemoryGiB), strings.Compare(a.Name, b.Name))
	})
}
