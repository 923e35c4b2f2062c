package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// selectProfile is the capacity profile a cluster is sized with: the one
// given for every cluster, else the set's nearest to the version the
// cluster runs at the history's end.
func selectProfile(in Inputs, cluster string) capacity.Selection {
	sel := in.profileSet().Select(in.History.LastLabel(history.MetricRabbitMQVersion, cluster, history.LabelRabbitMQVersion))
	if in.ProfileSource != "" {
		sel.Named = capacity.Named{Name: in.ProfileSource, Version: capacity.Version{Text: in.Profile.RabbitMQVersion}, Profile: in.Profile}
		sel.Why, sel.Fallback = "given for every cluster", false
	}
	return sel
}

// profileSet is the set profiles are chosen from.
func (in Inputs) profileSet() capacity.Set {
	if in.Profiles != nil {
		return *in.Profiles
	}
	return capacity.Embedded()
}

// defaultProfile sizes what no cluster's version speaks for.
func (in Inputs) defaultProfile() capacity.Profile {
	if in.ProfileSource != "" {
		return in.Profile
	}
	return in.profileSet().Default().Profile
}

// profilesSource names where the profiles came from, for the report.
func (in Inputs) profilesSource() string {
	switch {
	case in.ProfileSource != "":
		return in.ProfileSource
	case in.ProfilesName != "":
		return "profiles in " + in.ProfilesName + " by RabbitMQ version"
	}
	return "embedded profiles by RabbitMQ version"
}

// profileVersions lists the versions the profiles used were measured on.
func profileVersions(sels []capacity.Selection) string {
	var vs []string
	for _, s := range sels {
		vs = append(vs, s.Version.Text)
	}
	slices.Sort(vs)
	return strings.Join(slices.Compact(vs), ", ")
}

// reportProfile is a selection for the report.
func reportProfile(s capacity.Selection) report.CapacityProfile {
	return report.CapacityProfile{Source: s.Name, RabbitMQVersion: s.Version.Text, Why: s.Why}
}

// profileAssumptions say which profile sized which gateways, by what rule,
// and where a gateway's version was missing.
func profileAssumptions(in Inputs, names []string, sels []capacity.Selection) []string {
	var out []string
	if in.ProfileSource == "" {
		out = append(out, "Capacity profile per gateway: the one measured on the RabbitMQ version nearest the version the "+
			"gateway reports at the history's end (the newer while an upgrade is under way): the same major.minor first, "+
			"never across 3.12, where MQTT became native and an MQTT connection several times cheaper in memory, while a "+
			"profile on the gateway's side exists.")
	}
	var order []string
	users := map[string][]string{}
	byName := map[string]capacity.Selection{}
	for i, s := range sels {
		if users[s.Name] == nil {
			order = append(order, s.Name)
			byName[s.Name] = s
		}
		users[s.Name] = append(users[s.Name], names[i])
	}
	for _, n := range order {
		p := byName[n].Profile
		on := p.MeasuredOn
		if !strings.Contains(on, p.RabbitMQVersion) {
			on = "RabbitMQ " + p.RabbitMQVersion + ", " + on
		}
		out = append(out, fmt.Sprintf("Sized with %s (measured on %s; %.4g accepts per second per core for the "+
			"reconnection storm): %s.", n, on, p.AcceptsPerSecondPerCore, strings.Join(users[n], ", ")))
	}
	for i, s := range sels {
		if s.Fallback {
			out = append(out, fmt.Sprintf("%s: %s; sized with %s. Check which version it runs: profiles of different "+
				"versions differ several-fold in memory and CPU per connection.", names[i], s.Why, s.Name))
		}
	}
	return out
}
