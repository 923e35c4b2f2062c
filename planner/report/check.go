package report

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// checker collects Validate's findings; each helper reports whether the
// value passed so callers skip checks that would only repeat the problem.
type checker struct {
	errs []error
	more int
}

func (c *checker) fail(path, format string, args ...any) {
	if len(c.errs) == maxErrors {
		c.more++
		return
	}
	c.errs = append(c.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	errs := c.errs
	if c.more > 0 {
		errs = append(errs, fmt.Errorf("and %d more", c.more))
	}
	return fmt.Errorf("report: invalid plan: %w", errors.Join(errs...))
}

func (c *checker) text(path, s string) bool {
	if s == "" {
		c.fail(path, "empty")
		return false
	}
	return true
}

// unique records name in seen and reports a name already used elsewhere.
func (c *checker) unique(seen map[string]string, path, name string) {
	if name == "" {
		return
	}
	if first, dup := seen[name]; dup {
		c.fail(path+".name", "%q is also %s", name, first)
		return
	}
	seen[name] = path
}

func (c *checker) regions(path string, rs []string, required bool) {
	if required && len(rs) == 0 {
		c.fail(path, "empty, want at least one client region")
	}
	for i, r := range rs {
		c.text(index(path, i, ""), r)
	}
}

func (c *checker) number(path string, v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		c.fail(path, "%g is not a number", v)
		return false
	}
	return true
}

func (c *checker) nonNegative(path string, v float64) bool {
	if !c.number(path, v) {
		return false
	}
	if v < 0 {
		c.fail(path, "%g is negative", v)
		return false
	}
	return true
}

func (c *checker) positive(path string, v float64) {
	if c.nonNegative(path, v) && v == 0 {
		c.fail(path, "0, want above 0")
	}
}

// optional checks a nil-able number: when set, within [0, max].
func (c *checker) optional(path string, v *float64, max float64) {
	if v == nil || !c.nonNegative(path, *v) {
		return
	}
	if *v > max {
		c.fail(path, "%g is above %g", *v, max)
	}
}

// band checks a forecast's figures: finite, not negative, and the 95%
// interval around the 80% one. The point may lie outside the intervals,
// which come from biased backtest errors.
func (c *checker) band(path string, point, lo80, hi80, lo95, hi95 float64) {
	ok := c.nonNegative(path+".point", point)
	for _, b := range []struct {
		name string
		v    float64
	}{{"lo80", lo80}, {"hi80", hi80}, {"lo95", lo95}, {"hi95", hi95}} {
		ok = c.number(path+"."+b.name, b.v) && ok
	}
	if ok && !(lo95 <= lo80 && lo80 <= hi80 && hi80 <= hi95) {
		c.fail(path, "intervals out of order: want lo95 %g <= lo80 %g <= hi80 %g <= hi95 %g", lo95, lo80, hi80, hi95)
	}
}

func (c *checker) deployment(path string, d Deployment) {
	if d.Nodes < 1 {
		c.fail(path+".nodes", "%d, want at least 1", d.Nodes)
	}
	c.text(path+".instance_type", d.InstanceType)
}

func (c *checker) deploymentPtr(path string, d *Deployment, required bool) {
	if d == nil {
		if required {
			c.fail(path, "missing")
		}
		return
	}
	c.deployment(path, *d)
}

// instant checks a set UTC time: the JSON form must read back the same.
func (c *checker) instant(path string, t time.Time) bool {
	if t.IsZero() {
		c.fail(path, "not set")
		return false
	}
	if t.Location() != time.UTC {
		c.fail(path, "%s is not UTC", t)
		return false
	}
	return true
}

// month checks the first of a month at 00:00 UTC.
func (c *checker) month(path string, t time.Time) bool {
	if !c.instant(path, t) {
		return false
	}
	if t.Day() != 1 || t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
		c.fail(path, "%s is not the first of a month at 00:00", t.Format(time.RFC3339Nano))
		return false
	}
	return true
}

// ordered checks the i-th time of a series: UTC and after the previous one.
func (c *checker) ordered(path string, t, prev time.Time, i int) {
	if c.instant(path, t) && i > 0 && !t.After(prev) {
		c.fail(path, "%s is not after the previous point's %s", t.Format(time.RFC3339), prev.Format(time.RFC3339))
	}
}
