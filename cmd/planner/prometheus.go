package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// queryTimeout bounds one range query: a server that accepts and never
// answers must not hang the monthly run.
const queryTimeout = 2 * time.Minute

// fetch reads span of history, ending at the last full hour, from the
// Prometheus-compatible API at rawURL: the planner's queries, and the
// broker hosts' CPU of every cluster of f with a node_cpu_selector (f may
// be nil). rangeFlag names the flag span came from, for errors. It returns
// the snapshot and the URL as the report may show it: without a password.
func (c *cli) fetch(ctx context.Context, rawURL, span, rangeFlag string, f *fleet.Fleet) (*history.Snapshot, string, error) {
	client, shown, err := c.promClient(rawURL)
	if err != nil {
		return nil, "", err
	}
	d, err := model.ParseDuration(span)
	if err != nil || d <= 0 {
		return nil, "", fmt.Errorf("%s %q: want a positive duration such as 400d or 9600h", rangeFlag, span)
	}
	end := c.now().UTC().Truncate(time.Hour)
	start := end.Add(-time.Duration(d))
	c.log.Info("fetching history", "prometheus", shown, "start", start, "end", end, "step", history.QueryStep)
	queries := history.Queries()
	if f != nil {
		for _, cl := range f.Clusters {
			if cl.NodeCPUSelector != "" {
				queries = append(queries, history.NodeCPUQuery(cl.Name, cl.NodeCPUSelector))
			}
		}
	}
	s, err := history.Fetch(ctx, client, queries, start, end, history.QueryStep, c.stderr)
	if err != nil {
		return nil, "", fmt.Errorf("prometheus %s: %w", shown, err)
	}
	return s, shown, nil
}

// promClient checks the URL and moves any user and password out of it
// into a basic-auth header, so that no error or report can show them.
func (c *cli) promClient(rawURL string) (*history.Client, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		shown := rawURL
		if err == nil {
			shown = u.Redacted()
		}
		return nil, "", fmt.Errorf("--prometheus %q: want an http:// or https:// URL of the server", shown)
	}
	var rt http.RoundTripper = http.DefaultTransport
	if u.User != nil {
		pass, _ := u.User.Password()
		c.secrets = append(c.secrets, pass)
		rt = basicAuth{user: u.User.Username(), pass: pass, next: rt}
		u.User = nil
	}
	shown := u.String()
	return &history.Client{URL: shown, HTTP: &http.Client{Transport: rt, Timeout: queryTimeout}}, shown, nil
}

type basicAuth struct {
	user, pass string
	next       http.RoundTripper
}

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.user, b.pass)
	return b.next.RoundTrip(r)
}
