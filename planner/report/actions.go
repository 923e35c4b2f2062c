package report

import (
	"fmt"
	"strings"
)

// label renders a deployment as "3 x c6i.xlarge". (Not String: Current and
// MonthPlan embed Deployment, and %v of them must show every field.)
func (d Deployment) label() string {
	return fmt.Sprintf("%d x %s", d.Nodes, d.InstanceType)
}

// Text renders an action as one sentence, e.g. "scale gateway-eu from 3 x
// c6i.xlarge to 4 x c6i.xlarge" or "open gateway-ap in ap-south-1 for
// india with 3 x c6i.large".
func (a Action) Text() string {
	var s string
	switch a.Kind {
	case ActionScale:
		s = fmt.Sprintf("scale %s from %s to %s", a.Gateway, deploymentText(a.From), deploymentText(a.To))
	case ActionOpen:
		s = fmt.Sprintf("open %s in %s for %s", a.Gateway, a.AWSRegion, strings.Join(a.ClientRegions, ", "))
		if a.To != nil {
			s += " with " + a.To.label()
		}
	default:
		return a.Reason
	}
	if a.Reason != "" {
		s += ": " + a.Reason
	}
	return s
}

// deploymentText is d's text, or "?" for a missing one (Validate rejects
// that; Text must not panic on an unvalidated action).
func deploymentText(d *Deployment) string {
	if d == nil {
		return "?"
	}
	return d.label()
}
