package report

import (
	"fmt"
	"strings"
	"time"
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
	case ActionLater:
		s = fmt.Sprintf("%s: %s", monthPtr(a.Start), a.what())
		if a.Month != nil {
			s += ", in place by " + month(*a.Month)
		}
	case ActionScale, ActionOpen:
		s = a.what()
	default:
		return a.Reason
	}
	if a.Reason != "" {
		s += ": " + a.Reason
	}
	return s
}

// deadlineText is the action without its reason, led by when it is due,
// for the summary: "now: scale gateway-eu from ...", "start by 2027-09,
// in place by 2027-10: scale gateway-eu from ...".
func (a Action) deadlineText() string {
	switch a.Kind {
	case ActionScale, ActionOpen:
		return "now: " + a.what()
	case ActionLater:
		when := "start by ?"
		if a.Start != nil {
			when = "start by " + month(*a.Start)
		}
		if a.Month != nil {
			when += ", in place by " + month(*a.Month)
		}
		return when + ": " + a.what()
	}
	return a.Reason
}

// what is the change an action makes, without when or why.
func (a Action) what() string {
	if a.Kind == ActionOpen {
		s := fmt.Sprintf("open %s in %s for %s", a.Gateway, a.AWSRegion, strings.Join(a.ClientRegions, ", "))
		if a.To != nil {
			s += " with " + a.To.label()
		}
		return s
	}
	return fmt.Sprintf("scale %s from %s to %s", a.Gateway, deploymentText(a.From), deploymentText(a.To))
}

// monthPtr is a month's text, or "?" for a missing one.
func monthPtr(t *time.Time) string {
	if t == nil {
		return "?"
	}
	return "start " + month(*t)
}

// deploymentText is d's text, or "?" for a missing one (Validate rejects
// that; Text must not panic on an unvalidated action).
func deploymentText(d *Deployment) string {
	if d == nil {
		return "?"
	}
	return d.label()
}
