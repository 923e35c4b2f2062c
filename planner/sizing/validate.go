package sizing

import (
	"errors"
	"fmt"
	"math"
)

// validate checks a request before anything is sized, so that no plan is
// drawn from bad input; errors name the gateway and month at fault.
func validate(req Request) error {
	if req.Catalog == nil {
		return errors.New("sizing: no instance catalog")
	}
	if err := req.Profile.Validate(); err != nil {
		return fmt.Errorf("sizing: capacity profile: %w", err)
	}
	if err := req.Limits.Validate(); err != nil {
		return fmt.Errorf("sizing: limits: %w", err)
	}
	t := req.Targets
	if !(t.Headroom >= 0) || math.IsInf(t.Headroom, 0) {
		return fmt.Errorf("sizing: headroom %v must be finite and not negative", t.Headroom)
	}
	if t.Redundancy < 0 {
		return fmt.Errorf("sizing: redundancy %d must not be negative", t.Redundancy)
	}
	if !(t.MaxReconnectSeconds > 0) || math.IsInf(t.MaxReconnectSeconds, 0) {
		return fmt.Errorf("sizing: max_reconnect_seconds %v must be positive and finite", t.MaxReconnectSeconds)
	}
	if t.MinNodes < 0 {
		return fmt.Errorf("sizing: min_nodes %d must not be negative", t.MinNodes)
	}
	if req.MaxNodes < 0 {
		return fmt.Errorf("sizing: max nodes %d must not be negative", req.MaxNodes)
	}
	names := map[string]bool{}
	for _, g := range req.Gateways {
		if g.Name == "" {
			return errors.New("sizing: a gateway has no name")
		}
		if names[g.Name] {
			return fmt.Errorf("sizing: gateway %q appears twice", g.Name)
		}
		names[g.Name] = true
	}
	for _, g := range req.Gateways {
		if err := validateGateway(req, g, names); err != nil {
			return fmt.Errorf("sizing: gateway %q: %w", g.Name, err)
		}
	}
	return nil
}

func validateGateway(req Request, g Gateway, names map[string]bool) error {
	if len(g.Upper) != len(req.Months) {
		return fmt.Errorf("%d upper forecasts for %d months", len(g.Upper), len(req.Months))
	}
	for m, u := range g.Upper {
		if !(u >= 0) || math.IsInf(u, 0) {
			return fmt.Errorf("month %s: upper forecast %v must be finite and not negative", req.Months[m].Format("2006-01"), u)
		}
	}
	if err := g.Load.Validate(); err != nil {
		return err
	}
	if g.Profile != nil {
		if err := g.Profile.Validate(); err != nil {
			return fmt.Errorf("capacity profile: %w", err)
		}
	}
	if g.Limits != nil {
		if err := g.Limits.Validate(); err != nil {
			return fmt.Errorf("limits: %w", err)
		}
	}
	if g.FailoverTo != "" && (g.FailoverTo == g.Name || !names[g.FailoverTo]) {
		return fmt.Errorf("failover_to %q is not another gateway of the request", g.FailoverTo)
	}
	c := g.Current
	switch {
	case c.Nodes < 0:
		return fmt.Errorf("current nodes %d must not be negative", c.Nodes)
	case c.Nodes == 0:
		return nil
	}
	t, ok := lookup(req.Catalog, c.InstanceType)
	if !ok {
		return fmt.Errorf("current instance type %q is not in the catalog", c.InstanceType)
	}
	if p, ok := t.PricePerHour[g.AWSRegion]; !ok || !(p > 0) {
		return fmt.Errorf("current instance type %q has no price in %s", c.InstanceType, g.AWSRegion)
	}
	return nil
}
