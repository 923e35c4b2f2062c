package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"time"

	"github.com/prometheus/common/model"
	yaml "go.yaml.in/yaml/v2"
)

// Discovery finds clusters besides the static clusters list. The clusters it
// finds are merged with the static ones by Merge.
type Discovery struct {
	// RefreshInterval is how often every source is asked again.
	RefreshInterval model.Duration `yaml:"refresh_interval"`
	EC2             []EC2Discovery `yaml:"ec2"`
}

// EC2Discovery finds clusters among the running EC2 instances of one region:
// instances sharing a cluster tag are the nodes of one cluster.
type EC2Discovery struct {
	Region string `yaml:"region"`
	// Endpoint replaces the regional EC2 endpoint, e.g. a VPC interface endpoint.
	Endpoint string `yaml:"endpoint"`
	// Filters narrow DescribeInstances further (EC2's filter names, e.g. vpc-id).
	Filters    []EC2Filter `yaml:"filters"`
	Tags       EC2Tags     `yaml:"tags"`
	Management EC2Address  `yaml:"management"`
	// Settings apply to every cluster found here, inheriting the defaults block.
	Settings `yaml:",inline"`
}

// EC2Filter is one DescribeInstances filter: any of Values matches.
type EC2Filter struct {
	Name   string   `yaml:"name"`
	Values []string `yaml:"values"`
}

// EC2Tags names the instance tags discovery reads.
type EC2Tags struct {
	Cluster string `yaml:"cluster"`
	Role    string `yaml:"role"`
	// Region is optional on an instance: without it the cluster's region is the AWS region.
	Region string `yaml:"region"`
	// ManagementPort is optional on an instance: it overrides management.port.
	ManagementPort string `yaml:"management_port"`
}

// EC2Address says how a node's management URL is built from its instance.
type EC2Address struct {
	Scheme  string `yaml:"scheme"`
	Port    int    `yaml:"port"`
	Address string `yaml:"address"`
}

// Ways to address an instance.
const (
	AddressPrivateIP  = "private_ip"
	AddressPublicIP   = "public_ip"
	AddressPrivateDNS = "private_dns"
)

// Discovery defaults.
const (
	DefaultDiscoveryRefresh  = 60 * time.Second
	DefaultClusterTag        = "rabbitfleet:cluster"
	DefaultRoleTag           = "rabbitfleet:role"
	DefaultRegionTag         = "rabbitfleet:region"
	DefaultManagementPortTag = "rabbitfleet:management-port"
	DefaultManagementPort    = 15672
)

var awsRegionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// SourceName names an EC2 source in metrics and logs: one source per region.
func (e *EC2Discovery) SourceName() string { return "ec2/" + e.Region }

func (d *Discovery) validate(c *Config) error {
	if d.RefreshInterval == 0 {
		d.RefreshInterval = model.Duration(DefaultDiscoveryRefresh)
	}
	if len(d.EC2) == 0 {
		return errors.New("discovery: at least one source is required (ec2)")
	}
	regions := map[string]int{}
	for i := range d.EC2 {
		e := &d.EC2[i]
		where := fmt.Sprintf("discovery.ec2[%d]", i)
		if e.Region != "" {
			where = fmt.Sprintf("discovery.ec2[%d] (%s)", i, e.Region)
		}
		if err := e.validate(c); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		// The region names the source in metrics; filters of one region combine in one source.
		if j, dup := regions[e.Region]; dup {
			return fmt.Errorf("%s: region %s is already discovered by discovery.ec2[%d]; one source per region", where, e.Region, j)
		}
		regions[e.Region] = i
	}
	return nil
}

func (e *EC2Discovery) validate(c *Config) error {
	if e.Region == "" {
		return errors.New("region is required")
	}
	if !awsRegionRE.MatchString(e.Region) {
		return fmt.Errorf("region %q is not an AWS region name (like eu-west-1)", e.Region)
	}
	if e.Endpoint != "" {
		u, err := url.Parse(e.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("endpoint %q is not an http(s) URL with a host", redactURL(e.Endpoint))
		}
		if u.User != nil {
			return errors.New("endpoint: credentials in the URL are not allowed; AWS credentials come from the standard chain")
		}
	}
	for j, f := range e.Filters {
		switch {
		case f.Name == "":
			return fmt.Errorf("filters[%d]: name is required", j)
		case f.Name == "instance-state-name":
			return fmt.Errorf("filters[%d]: instance-state-name is set by the exporter (running instances only)", j)
		case len(f.Values) == 0:
			return fmt.Errorf("filters[%d] (%s): at least one value is required", j, f.Name)
		}
	}
	t := &e.Tags
	setDefault(&t.Cluster, DefaultClusterTag)
	setDefault(&t.Role, DefaultRoleTag)
	setDefault(&t.Region, DefaultRegionTag)
	setDefault(&t.ManagementPort, DefaultManagementPortTag)
	m := &e.Management
	setDefault(&m.Scheme, "http")
	setDefault(&m.Address, AddressPrivateIP)
	if m.Port == 0 {
		m.Port = DefaultManagementPort
	}
	if m.Scheme != "http" && m.Scheme != "https" {
		return fmt.Errorf("management.scheme %q: must be http or https", m.Scheme)
	}
	if m.Port < 1 || m.Port > 65535 {
		return fmt.Errorf("management.port %d: must be between 1 and 65535", m.Port)
	}
	switch m.Address {
	case AddressPrivateIP, AddressPublicIP, AddressPrivateDNS:
	default:
		return fmt.Errorf("management.address %q: must be %s, %s or %s", m.Address, AddressPrivateIP, AddressPublicIP, AddressPrivateDNS)
	}
	// Federation settings name clusters, which a source cannot know in advance.
	if len(e.Federation.ExpectedLinks) > 0 || len(e.Federation.UpstreamClusters) > 0 {
		return errors.New("federation.expected_links and upstream_clusters belong to static clusters, not to a discovery source")
	}
	// Check the settings now, as every cluster found here will have them,
	// so that a mistake fails the load instead of every refresh.
	sample := Cluster{Name: "sample", Role: RoleBackend, Region: e.Region,
		ManagementURLs: []string{m.Scheme + "://127.0.0.1:1"}, Settings: e.Settings}
	c.applyDefaults(&sample)
	return sample.validate()
}

func setDefault(s *string, def string) {
	if *s == "" {
		*s = def
	}
}

// Merge returns the configuration in force: c's static clusters followed by
// the discovered ones, which inherit the defaults and are validated like
// static clusters. A discovered cluster that is invalid, or whose name is
// taken by a static cluster or an earlier discovered one, is left out and
// reported in the returned errors; the rest are kept.
func (c *Config) Merge(discovered []Cluster) (*Config, []error) {
	merged := *c
	merged.Clusters = append(make([]Cluster, 0, len(c.Clusters)+len(discovered)), c.Clusters...)
	owner := map[string]string{}
	for _, cl := range c.Clusters {
		owner[cl.Name] = "static configuration"
	}
	var errs []error
	for _, cl := range discovered {
		if o, taken := owner[cl.Name]; taken {
			errs = append(errs, fmt.Errorf("cluster %s found by %s is ignored: the %s already has a cluster of that name", cl.Name, cl.Source, o))
			continue
		}
		c.applyDefaults(&cl)
		if err := cl.validate(); err != nil {
			errs = append(errs, fmt.Errorf("cluster %s found by %s is ignored: %w", cl.Name, cl.Source, err))
			continue
		}
		owner[cl.Name] = cl.Source
		merged.Clusters = append(merged.Clusters, cl)
	}
	return &merged, errs
}

// Same reports whether two clusters have the same effective configuration,
// so that the scraper of one may serve the other.
func (cl *Cluster) Same(other *Cluster) bool {
	a, b := *cl, *other
	// The compiled patterns follow from Include and Exclude.
	a.Queues.include, a.Queues.exclude = nil, nil
	b.Queues.include, b.Queues.exclude = nil, nil
	return reflect.DeepEqual(a, b)
}

// locateDiscovery names the part of the discovery block that an error without
// a line comes from, or returns "" when the discovery block decodes.
func locateDiscovery(data []byte) string {
	var raw struct {
		Discovery struct {
			EC2 []yaml.MapSlice `yaml:"ec2"`
		} `yaml:"discovery"`
	}
	if yaml.Unmarshal(data, &raw) != nil {
		return ""
	}
	for i, item := range raw.Discovery.EC2 {
		b, err := yaml.Marshal(item)
		if err != nil {
			continue
		}
		var e EC2Discovery
		if yaml.UnmarshalStrict(b, &e) != nil {
			if e.Region != "" {
				return fmt.Sprintf("discovery.ec2[%d] (%s)", i, e.Region)
			}
			return fmt.Sprintf("discovery.ec2[%d]", i)
		}
	}
	var whole struct {
		Discovery *Discovery `yaml:"discovery"`
	}
	if yaml.Unmarshal(data, &whole) != nil {
		return "discovery"
	}
	return ""
}
