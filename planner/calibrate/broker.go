package calibrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/exporter/mgmt"
)

// requestTimeout bounds one management API request.
const requestTimeout = 10 * time.Second

// broker reads the node under test through its management API.
type broker struct {
	api      *mgmt.Client
	shown    string // the management URL as errors show it
	base     *url.URL
	username string
	password string
	http     *http.Client
}

// newBroker builds the management client and reads the password once (the
// simulator needs it too). Errors never carry the password.
func newBroker(cfg Config) (*broker, error) {
	base, err := url.Parse(strings.TrimRight(cfg.ManagementURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("management URL %q: %w", shownURL(cfg.ManagementURL), err)
	}
	cl := &config.Cluster{
		Name:           base.Host,
		ManagementURLs: []string{base.String()},
		Settings: config.Settings{
			Username:     cfg.Username,
			PasswordFile: cfg.PasswordFile,
			PasswordEnv:  cfg.PasswordEnv,
			Timeout:      model.Duration(requestTimeout),
			// /api/nodes and /api/overview are small; a cap keeps a wrong URL
			// from streaming something huge.
			MaxResponseBytes: 4 << 20,
		},
	}
	if cfg.Username == "guest" {
		cl.PasswordFallback = "guest"
	}
	password, err := cl.Password()
	if err != nil {
		return nil, err
	}
	api, err := mgmt.New(cl, nil)
	if err != nil {
		return nil, err
	}
	return &broker{
		api: api, shown: base.String(), base: base, username: cfg.Username, password: password,
		http: &http.Client{Timeout: requestTimeout},
	}, nil
}

func (b *broker) close() { b.api.Close(); b.http.CloseIdleConnections() }

func (b *broker) overview(ctx context.Context) (*mgmt.Overview, error) {
	ov, err := b.api.Overview(ctx)
	if err != nil {
		return nil, err
	}
	if !ov.ObjectTotals.Connections.Set {
		return nil, fmt.Errorf("%s: /api/overview has no object_totals.connections (is the management plugin's statistics collection disabled?)", b.shown)
	}
	return ov, nil
}

// node reads the named node's resources.
func (b *broker) node(ctx context.Context, name string) (mgmt.Node, error) {
	nodes, err := b.api.Nodes(ctx)
	if err != nil {
		return mgmt.Node{}, err
	}
	for _, n := range nodes {
		if n.Name == name {
			if !n.MemUsed.Set || !n.FDUsed.Set {
				return n, fmt.Errorf("%s: node %s reports no mem_used or fd_used", b.shown, name)
			}
			return n, nil
		}
	}
	return mgmt.Node{}, fmt.Errorf("%s: node %s is no longer listed by /api/nodes", b.shown, name)
}

// pick chooses the node to measure: the named one, or the only one.
func pick(nodes []mgmt.Node, name string) (mgmt.Node, error) {
	names := make([]string, len(nodes))
	for i, n := range nodes {
		if n.Name == name {
			return n, nil
		}
		names[i] = n.Name
	}
	switch {
	case name != "":
		return mgmt.Node{}, fmt.Errorf("node %q is not in the cluster (nodes: %s)", name, strings.Join(names, ", "))
	case len(nodes) == 1:
		return nodes[0], nil
	case len(nodes) == 0:
		return mgmt.Node{}, errors.New("/api/nodes lists no node")
	}
	return mgmt.Node{}, fmt.Errorf("the cluster has %d nodes (%s): name the one the MQTT address reaches", len(nodes), strings.Join(names, ", "))
}

// nodeInfo is what /api/nodes says about a node's machine, which
// mgmt.Node leaves out because the exporter does not need it.
type nodeInfo struct {
	Name       string      `json:"name"`
	Processors int         `json:"processors"`
	OSPid      json.Number `json:"os_pid"` // RabbitMQ sends a string
}

// info reads the processors and OS process of the named node. It is the
// one request not made through mgmt.Client, so it follows the same rules
// by hand: context, timeout, capped body, no URL (nor credentials) in errors.
func (b *broker) info(ctx context.Context, name string) (nodeInfo, error) {
	u := b.base.JoinPath("api", "nodes")
	u.RawQuery = url.Values{"columns": {"name,processors,os_pid"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nodeInfo{}, err
	}
	req.SetBasicAuth(b.username, b.password)
	req.Header.Set("Accept", "application/json")
	fail := func(err error) error { return fmt.Errorf("GET /api/nodes on %s: %w", b.shown, err) }
	resp, err := b.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nodeInfo{}, fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nodeInfo{}, fail(fmt.Errorf("HTTP %s", resp.Status))
	}
	var nodes []nodeInfo
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&nodes); err != nil {
		return nodeInfo{}, fail(fmt.Errorf("decoding: %w", err))
	}
	for _, n := range nodes {
		if n.Name == name {
			return n, nil
		}
	}
	return nodeInfo{}, fail(fmt.Errorf("node %s not listed", name))
}

// loopback says whether the management URL names this machine, the only
// case where the node's os_pid is a process we can read.
func (b *broker) loopback() bool {
	host := b.base.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
