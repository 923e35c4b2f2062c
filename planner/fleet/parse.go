package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	// yaml.v3 rather than the exporter's v2: its node tree gives the line of
	// every field, so that validation errors can point into the file too.
	"gopkg.in/yaml.v3"
)

// Roles of a cluster.
const (
	RoleBackend = "backend"
	RoleGateway = "gateway"
)

// Targets used when the file leaves one out.
const (
	DefaultHeadroom            = 0.3
	DefaultRedundancy          = 1
	DefaultMaxReconnectSeconds = 300
	DefaultLatencyTargetMillis = 100
	DefaultInterval            = 95
	DefaultHorizonMonths       = 24
	// Devices that find their gateway by DNS name are re-pointed by
	// changing a record: nothing per device. A fleet whose devices hold
	// a fixed endpoint states its own figure.
	DefaultRepointUSDPerDevice = 0

	// A rolling migration of a gateway to another instance type: about a
	// day of an engineer's time and the overlap of old and new nodes.
	DefaultMigrationPriceUSD = 500
	// Adding or removing one node: an hour's work and a rebalance.
	DefaultNodeChangePriceUSD = 50
	DefaultPaybackMonths      = 6
	// Three nodes, odd: a RabbitMQ cluster keeps its quorum-queue and
	// metadata-store majority when one node dies.
	DefaultMinNodes               = 3
	DefaultOddNodes               = true
	DefaultNoDownsizeWithinMonths = 6
	DefaultLeadTimeMonths         = 1

	DefaultCapacitySource = CapacityAuto
	DefaultMinFitR2       = 0.8
	// A week of hourly samples.
	DefaultMinFitSamples = 168
)

// MaxHorizonMonths bounds horizon_months: past ten years a sales forecast
// says nothing.
const MaxHorizonMonths = 120

// MaxMinNodes bounds min_nodes: sizing searches up to 64 nodes.
const MaxMinNodes = 63

// Load reads and validates the fleet file at path.
func Load(path string) (*Fleet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes YAML strictly (an unknown or repeated field is an error
// naming it and its line), fills in default targets and validates the
// whole: unique names, roles, every client region served by at most one
// gateway (one served by none is valid: see Unserved), failover_to naming another gateway, targets in range. Errors
// start with name (the file, or "stdin" when empty) and the line. Whether
// instance types and AWS regions exist is for Check.
func Parse(data []byte, name string) (*Fleet, error) {
	if name == "" {
		name = "stdin"
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: empty: a fleet needs client_regions and clusters", name)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f Fleet
	if err := dec.Decode(&f); err != nil {
		return nil, yamlError(name, err)
	}
	var more yaml.Node
	switch err := dec.Decode(&more); {
	case err == nil:
		return nil, fmt.Errorf("%s:%d: a fleet file holds one YAML document", name, more.Line)
	case !errors.Is(err, io.EOF):
		return nil, yamlError(name, err)
	}
	f.src = &source{name: name, pos: map[string]position{}}
	f.src.walk(&root, "")
	f.applyDefaults()
	if err := f.validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns yaml's "line N: ..." into "name:N: ...", one line per
// problem, without the Go type names yaml adds.
func yamlError(name string, err error) error {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	out := make([]string, len(msgs))
	for i, msg := range msgs {
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			text, _, _ := strings.Cut(m[2], " in type ")
			out[i] = name + ":" + m[1] + ": " + text
		} else {
			out[i] = name + ": " + strings.TrimPrefix(msg, "yaml: ")
		}
	}
	return errors.New(strings.Join(out, "\n"))
}

func (f *Fleet) applyDefaults() {
	t := &f.Targets
	set := func(field string, apply func()) {
		if !f.src.has("targets." + field) {
			apply()
		}
	}
	set("headroom", func() { t.Headroom = DefaultHeadroom })
	set("redundancy", func() { t.Redundancy = DefaultRedundancy })
	set("max_reconnect_seconds", func() { t.MaxReconnectSeconds = DefaultMaxReconnectSeconds })
	set("latency_target_ms", func() { t.LatencyTargetMillis = DefaultLatencyTargetMillis })
	set("interval", func() { t.Interval = DefaultInterval })
	set("horizon_months", func() { t.HorizonMonths = DefaultHorizonMonths })
	set("repoint_usd_per_device", func() { t.RepointUSDPerDevice = DefaultRepointUSDPerDevice })
	set("migration_price_usd", func() { t.MigrationPriceUSD = DefaultMigrationPriceUSD })
	set("node_change_price_usd", func() { t.NodeChangePriceUSD = DefaultNodeChangePriceUSD })
	set("payback_months", func() { t.PaybackMonths = DefaultPaybackMonths })
	set("min_nodes", func() { t.MinNodes = DefaultMinNodes })
	set("odd_nodes", func() { t.OddNodes = DefaultOddNodes })
	set("no_downsize_within_months", func() { t.NoDownsizeWithinMonths = DefaultNoDownsizeWithinMonths })
	set("lead_time_months", func() { t.LeadTimeMonths = DefaultLeadTimeMonths })
	set("capacity_source", func() { t.CapacitySource = DefaultCapacitySource })
	set("min_fit_r2", func() { t.MinFitR2 = DefaultMinFitR2 })
	set("min_fit_samples", func() { t.MinFitSamples = DefaultMinFitSamples })
}

var (
	// The exporter's rule for cluster names: they are its cluster label.
	clusterNameRE  = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)
	awsRegionRE    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	instanceTypeRE = regexp.MustCompile(`^[a-z0-9-]+\.[a-z0-9-]+$`)
)

func (f *Fleet) validate() error {
	if len(f.ClientRegions) == 0 {
		return f.errAt("client_regions", "client_regions: at least one client region is required")
	}
	regionAt := map[string]int{}
	for i, r := range f.ClientRegions {
		path := fmt.Sprintf("client_regions[%d]", i)
		switch first, dup := regionAt[r.Name]; {
		case r.Name == "":
			return f.errAt(path+".name", "%s: name is required", path)
		case dup:
			return f.errAt(path+".name", "%s: name %q is used by client_regions[%d]", path, r.Name, first)
		case !positive(r.DevicesPerCustomer):
			// Required: sales rows that leave it out would otherwise
			// bring no devices at all, silently.
			return f.errAt(path+".devices_per_customer", "%s (%s): devices_per_customer %v: must be positive", path, r.Name, r.DevicesPerCustomer)
		}
		regionAt[r.Name] = i
	}

	if len(f.Clusters) == 0 {
		return f.errAt("clusters", "clusters: at least one cluster is required")
	}
	clusterAt := map[string]int{}
	for i, c := range f.Clusters {
		if err := f.validateCluster(i, clusterAt); err != nil {
			return err
		}
		clusterAt[c.Name] = i
	}
	servedBy := map[string]string{}
	for i := range f.Clusters {
		if err := f.validateRouting(i, regionAt, servedBy); err != nil {
			return err
		}
	}
	if len(f.Gateways()) == 0 {
		return f.errAt("clusters", "clusters: at least one gateway is required")
	}
	return f.validateTargets()
}

func (f *Fleet) validateCluster(i int, clusterAt map[string]int) error {
	c := f.Clusters[i]
	path, where := clusterWhere(i, c.Name)
	first, dup := clusterAt[c.Name]
	switch {
	case c.Name == "":
		return f.errAt(path, "%s: name is required", where)
	case !clusterNameRE.MatchString(c.Name):
		return f.errAt(path+".name", "%s: name %q: letters, digits, '_', '.' and '-' only, starting with a letter or digit", where, c.Name)
	case dup:
		return f.errAt(path+".name", "%s: name %q is used by clusters[%d]", where, c.Name, first)
	case c.Role != RoleBackend && c.Role != RoleGateway:
		return f.errAt(path+".role", "%s: role %q: must be backend or gateway", where, c.Role)
	case !awsRegionRE.MatchString(c.AWSRegion):
		return f.errAt(path+".aws_region", "%s: aws_region %q: not an AWS region name (like eu-west-1)", where, c.AWSRegion)
	case !instanceTypeRE.MatchString(c.InstanceType):
		return f.errAt(path+".instance_type", "%s: instance_type %q: not an instance type name (like c6i.large)", where, c.InstanceType)
	case c.Nodes < 1:
		return f.errAt(path+".nodes", "%s: nodes %d: at least 1 node is required", where, c.Nodes)
	case c.Role == RoleBackend && len(c.Serves) > 0:
		return f.errAt(path+".serves", "%s: serves: a backend serves no client region (devices connect to gateways)", where)
	case c.Role == RoleBackend && c.FailoverTo != "":
		return f.errAt(path+".failover_to", "%s: failover_to: only a gateway fails over", where)
	}
	return nil
}

// validateRouting checks what a gateway serves and where it fails over to;
// servedBy collects which gateway serves each client region.
func (f *Fleet) validateRouting(i int, regionAt map[string]int, servedBy map[string]string) error {
	c := f.Clusters[i]
	path, where := clusterWhere(i, c.Name)
	for k, r := range c.Serves {
		at := fmt.Sprintf("%s.serves[%d]", path, k)
		if _, ok := regionAt[r]; !ok {
			return f.errAt(at, "%s: serves: client region %q is not declared in client_regions", where, r)
		}
		if other := servedBy[r]; other != "" {
			return f.errAt(at, "%s: serves: client region %q is already served by %s (a client region connects to one gateway)", where, r, other)
		}
		servedBy[r] = c.Name
	}
	if sel := c.NodeCPUSelector; sel != "" && (strings.ContainsAny(sel, "{}") || !strings.Contains(sel, "=")) {
		return f.errAt(path+".node_cpu_selector", "%s: node_cpu_selector %q: want PromQL label matchers without braces, like job=\"node\", instance=~\"gw-eu-.*\"", where, sel)
	}
	if c.FailoverTo == "" {
		return nil
	}
	to, ok := f.ClusterByName(c.FailoverTo)
	switch {
	case c.FailoverTo == c.Name:
		return f.errAt(path+".failover_to", "%s: failover_to %q: a gateway cannot fail over to itself", where, c.FailoverTo)
	case !ok || to.Role != RoleGateway:
		return f.errAt(path+".failover_to", "%s: failover_to %q: no gateway of that name", where, c.FailoverTo)
	}
	return nil
}

func (f *Fleet) validateTargets() error {
	t := f.Targets
	switch {
	case !(t.Headroom >= 0 && t.Headroom < 1):
		return f.errAt("targets.headroom", "targets: headroom %v: must be at least 0 and below 1", t.Headroom)
	case t.Redundancy < 0:
		return f.errAt("targets.redundancy", "targets: redundancy %d: must not be negative", t.Redundancy)
	case !positive(t.MaxReconnectSeconds):
		return f.errAt("targets.max_reconnect_seconds", "targets: max_reconnect_seconds %v: must be positive", t.MaxReconnectSeconds)
	case !positive(t.LatencyTargetMillis):
		return f.errAt("targets.latency_target_ms", "targets: latency_target_ms %v: must be positive", t.LatencyTargetMillis)
	case t.Interval != 80 && t.Interval != 95:
		return f.errAt("targets.interval", "targets: interval %d: must be 80 or 95", t.Interval)
	case t.HorizonMonths < 1 || t.HorizonMonths > MaxHorizonMonths:
		return f.errAt("targets.horizon_months", "targets: horizon_months %d: must be from 1 to %d", t.HorizonMonths, MaxHorizonMonths)
	case !(t.RepointUSDPerDevice >= 0) || math.IsInf(t.RepointUSDPerDevice, 0):
		return f.errAt("targets.repoint_usd_per_device", "targets: repoint_usd_per_device %v: must be a finite number of dollars, at least 0", t.RepointUSDPerDevice)
	}
	return f.validatePath()
}

// validatePath checks the migration path's and the capacity fit's
// settings.
func (f *Fleet) validatePath() error {
	t := f.Targets
	switch {
	case !(t.MigrationPriceUSD >= 0) || math.IsInf(t.MigrationPriceUSD, 0):
		return f.errAt("targets.migration_price_usd", "targets: migration_price_usd %v: must be a finite number of dollars, at least 0", t.MigrationPriceUSD)
	case !(t.NodeChangePriceUSD >= 0) || math.IsInf(t.NodeChangePriceUSD, 0):
		return f.errAt("targets.node_change_price_usd", "targets: node_change_price_usd %v: must be a finite number of dollars, at least 0", t.NodeChangePriceUSD)
	case t.PaybackMonths < 1 || t.PaybackMonths > MaxHorizonMonths:
		return f.errAt("targets.payback_months", "targets: payback_months %d: must be from 1 to %d", t.PaybackMonths, MaxHorizonMonths)
	case t.MinNodes < 1 || t.MinNodes > MaxMinNodes:
		return f.errAt("targets.min_nodes", "targets: min_nodes %d: must be from 1 to %d", t.MinNodes, MaxMinNodes)
	case t.MinNodes <= t.Redundancy:
		return f.errAt("targets.min_nodes", "targets: min_nodes %d: must exceed redundancy %d (a gateway must survive losing that many nodes)", t.MinNodes, t.Redundancy)
	case t.NoDownsizeWithinMonths < 0 || t.NoDownsizeWithinMonths > MaxHorizonMonths:
		return f.errAt("targets.no_downsize_within_months", "targets: no_downsize_within_months %d: must be from 0 to %d", t.NoDownsizeWithinMonths, MaxHorizonMonths)
	case t.LeadTimeMonths < 0 || t.LeadTimeMonths > MaxHorizonMonths:
		return f.errAt("targets.lead_time_months", "targets: lead_time_months %d: must be from 0 to %d", t.LeadTimeMonths, MaxHorizonMonths)
	case t.CapacitySource != CapacityAuto && t.CapacitySource != CapacityObserved && t.CapacitySource != CapacityProfile:
		return f.errAt("targets.capacity_source", "targets: capacity_source %q: must be %s, %s or %s", t.CapacitySource, CapacityAuto, CapacityObserved, CapacityProfile)
	case !(t.MinFitR2 >= 0 && t.MinFitR2 <= 1):
		return f.errAt("targets.min_fit_r2", "targets: min_fit_r2 %v: must be from 0 to 1", t.MinFitR2)
	case t.MinFitSamples < 3:
		return f.errAt("targets.min_fit_samples", "targets: min_fit_samples %d: must be at least 3 (a line through two points always fits)", t.MinFitSamples)
	}
	return nil
}

func positive(v float64) bool { return v > 0 && !math.IsInf(v, 0) }

func clusterWhere(i int, name string) (path, where string) {
	path = fmt.Sprintf("clusters[%d]", i)
	if name == "" {
		return path, path
	}
	return path, fmt.Sprintf("%s (%s)", path, name)
}

// source maps a field's path ("clusters[1].serves[0]") to where its value
// stands in the file.
type source struct {
	name string
	pos  map[string]position
}

type position struct{ line, column int }

func (s *source) walk(n *yaml.Node, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if path != "" && n.Tag != "!!null" {
		s.pos[path] = position{n.Line, n.Column}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			s.walk(c, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if path != "" {
				key = path + "." + key
			}
			s.walk(n.Content[i+1], key)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			s.walk(c, path+"["+strconv.Itoa(i)+"]")
		}
	}
}

// has says whether the file gives a (non-null) value at path.
func (s *source) has(path string) bool {
	if s == nil {
		return false
	}
	_, ok := s.pos[path]
	return ok
}

// at returns "name:line:column" for path or, when the file has no value
// there (a missing field), for the nearest enclosing one.
func (s *source) at(path string) string {
	if s == nil {
		return "fleet"
	}
	for {
		if p, ok := s.pos[path]; ok {
			return fmt.Sprintf("%s:%d:%d", s.name, p.line, p.column)
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut <= 0 {
			return s.name
		}
		path = path[:cut]
	}
}

func (f *Fleet) errAt(path, format string, args ...any) error {
	return fmt.Errorf("%s: %s", f.src.at(path), fmt.Sprintf(format, args...))
}
