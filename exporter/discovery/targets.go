package discovery

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// TargetsPath is where the fleet is served for Prometheus's http_sd_configs.
const TargetsPath = "/discovery/targets"

// Source kinds in the __meta_rabbitfleet_source label.
const (
	KindStatic = "static"
	KindEC2    = "ec2"
)

// TargetGroup is one entry of Prometheus's HTTP service discovery format.
type TargetGroup struct {
	Targets []string          `json:"targets"`
	Labels  map[string]string `json:"labels"`
}

// TargetGroups lists every cluster as one target group, sorted by name. The
// target is the cluster name, for /probe?target=; the labels are meta
// labels, for relabelling, because the exporter already puts cluster, role
// and region on every series it serves.
func TargetGroups(clusters []config.Cluster) []TargetGroup {
	groups := make([]TargetGroup, 0, len(clusters))
	for _, cl := range clusters {
		labels := map[string]string{
			"__meta_rabbitfleet_cluster": cl.Name,
			"__meta_rabbitfleet_role":    string(cl.Role),
			"__meta_rabbitfleet_region":  cl.Region,
			"__meta_rabbitfleet_source":  kindOf(cl.Source),
		}
		if kind, region, ok := strings.Cut(cl.Source, "/"); ok && kind == KindEC2 {
			labels["__meta_rabbitfleet_ec2_region"] = region
		}
		groups = append(groups, TargetGroup{Targets: []string{cl.Name}, Labels: labels})
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Targets[0] < groups[j].Targets[0] })
	return groups
}

func kindOf(source string) string {
	if source == "" {
		return KindStatic
	}
	kind, _, _ := strings.Cut(source, "/")
	return kind
}

// targetFilters are the query parameters TargetsHandler accepts, with the
// values each allows and the label it selects on.
var targetFilters = map[string]struct {
	values []string
	label  string
}{
	"role":   {[]string{string(config.RoleBackend), string(config.RoleGateway)}, "__meta_rabbitfleet_role"},
	"source": {[]string{KindEC2, KindStatic}, "__meta_rabbitfleet_source"},
}

// TargetsHandler serves the clusters of the fleet in force for Prometheus's
// http_sd_configs, optionally only one role (?role=gateway) or source
// (?source=ec2). Anything else in the query is refused: a typo must not
// silently yield the whole fleet, nor nothing.
func TargetsHandler(clusters func() []config.Cluster) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			http.Error(w, "use GET", http.StatusMethodNotAllowed)
			return
		}
		want, err := parseFilters(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		groups := TargetGroups(clusters())
		kept := groups[:0]
		for _, g := range groups {
			ok := true
			for label, v := range want {
				ok = ok && g.Labels[label] == v
			}
			if ok {
				kept = append(kept, g)
			}
		}
		body, err := json.Marshal(kept)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(append(body, '\n'))
	})
}

// parseFilters returns label -> wanted value for the query's filters.
func parseFilters(r *http.Request) (map[string]string, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("bad query: %w", err)
	}
	want := map[string]string{}
	for name, values := range q {
		f, known := targetFilters[name]
		if !known {
			return nil, fmt.Errorf("unknown query parameter %q: %s accepts role and source only", name, TargetsPath)
		}
		if len(values) != 1 {
			return nil, fmt.Errorf("query parameter %s is given %d times: give it once", name, len(values))
		}
		v := values[0]
		if !slices.Contains(f.values, v) {
			// Quoted back only when harmless: a query may carry anything,
			// a password pasted in the wrong place included.
			if config.IsClusterName(v) {
				return nil, fmt.Errorf("%s=%q: must be one of %s", name, v, strings.Join(f.values, ", "))
			}
			return nil, fmt.Errorf("%s: the value given must be one of %s", name, strings.Join(f.values, ", "))
		}
		want[f.label] = v
	}
	return want, nil
}
