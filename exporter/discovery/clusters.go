package discovery

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// Why an instance is left out.
const (
	ReasonMissingTag      = "missing_tag"
	ReasonBadTag          = "bad_tag"
	ReasonNoAddress       = "no_address"
	ReasonConflictingTags = "conflicting_tags"
)

var skipReasons = []string{ReasonBadTag, ReasonConflictingTags, ReasonMissingTag, ReasonNoAddress}

// Skip is an instance left out of discovery, and why.
type Skip struct {
	Instance string
	Reason   string
	Detail   string // names the tag or the address at fault
}

// ClustersOf groups instances by their cluster tag: each group is one
// cluster whose nodes are its instances' management URLs, sorted. The
// cluster's role and region come from its first instance by ID; an
// instance that disagrees is left out, as is one with a missing or bad tag
// or without the address asked for, without affecting the others.
func ClustersOf(instances []Instance, src *config.EC2Discovery) ([]config.Cluster, []Skip) {
	sorted := slices.Clone(instances)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	byName := map[string]*config.Cluster{}
	var skips []Skip
	for _, in := range sorted {
		n, skip := nodeOf(in, src)
		if skip != nil {
			skips = append(skips, *skip)
			continue
		}
		cl := byName[n.cluster]
		if cl == nil {
			cl = &config.Cluster{Name: n.cluster, Role: n.role, Region: n.region, Settings: src.Settings, Source: src.SourceName()}
			byName[n.cluster] = cl
		}
		if n.role != cl.Role || n.region != cl.Region {
			skips = append(skips, Skip{in.ID, ReasonConflictingTags, fmt.Sprintf(
				"cluster %s is %s in %s by its first instance, this one says %s in %s (tags %s, %s)",
				cl.Name, cl.Role, cl.Region, n.role, n.region, src.Tags.Role, src.Tags.Region)})
			continue
		}
		if !slices.Contains(cl.ManagementURLs, n.url) {
			cl.ManagementURLs = append(cl.ManagementURLs, n.url)
		}
	}
	clusters := make([]config.Cluster, 0, len(byName))
	for _, cl := range byName {
		sort.Strings(cl.ManagementURLs)
		clusters = append(clusters, *cl)
	}
	sort.Slice(clusters, func(i, j int) bool { return clusters[i].Name < clusters[j].Name })
	return clusters, skips
}

type node struct {
	cluster, region, url string
	role                 config.Role
}

func nodeOf(in Instance, src *config.EC2Discovery) (node, *Skip) {
	tags := src.Tags
	skip := func(reason, format string, args ...any) (node, *Skip) {
		return node{}, &Skip{in.ID, reason, fmt.Sprintf(format, args...)}
	}
	name, ok := in.Tags[tags.Cluster]
	if !ok || name == "" {
		return skip(ReasonMissingTag, "tag %s is missing", tags.Cluster)
	}
	if !config.IsClusterName(name) {
		return skip(ReasonBadTag, "tag %s=%q: use letters, digits, '.', '_' and '-' only", tags.Cluster, name)
	}
	role, ok := in.Tags[tags.Role]
	if !ok || role == "" {
		return skip(ReasonMissingTag, "tag %s is missing", tags.Role)
	}
	if r := config.Role(role); r != config.RoleBackend && r != config.RoleGateway {
		return skip(ReasonBadTag, "tag %s=%q: must be backend or gateway", tags.Role, role)
	}
	// Without a region tag the cluster is labelled with the AWS region.
	region := in.Tags[tags.Region]
	if region == "" {
		region = src.Region
	}
	port := src.Management.Port
	if v, ok := in.Tags[tags.ManagementPort]; ok {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return skip(ReasonBadTag, "tag %s=%q: not a port number", tags.ManagementPort, v)
		}
		port = p
	}
	var host string
	switch src.Management.Address {
	case config.AddressPrivateIP:
		host = in.PrivateIP
	case config.AddressPublicIP:
		host = in.PublicIP
	case config.AddressPrivateDNS:
		host = in.PrivateDNS
	}
	if host == "" {
		return skip(ReasonNoAddress, "the instance has no %s (management.address)", src.Management.Address)
	}
	// EC2 gives well-formed addresses; anything else (found by fuzzing)
	// would make a URL the configuration refuses.
	if !validHost(host, src.Management.Address) {
		return skip(ReasonNoAddress, "the instance's %s %q is not a usable address", src.Management.Address, host)
	}
	u := url.URL{Scheme: src.Management.Scheme, Host: net.JoinHostPort(host, strconv.Itoa(port))}
	return node{cluster: name, role: config.Role(role), region: region, url: u.String()}, nil
}

var hostnameRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$`)

func validHost(host, kind string) bool {
	if kind == config.AddressPrivateDNS {
		return len(host) <= 253 && hostnameRE.MatchString(host)
	}
	return net.ParseIP(host) != nil
}
