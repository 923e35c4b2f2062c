package calibrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// requestTimeout bounds one management API request.
const requestTimeout = 10 * time.Second

// broker reads the node under test through its management API.
type broker struct {
	api      *mgmt.Client
	shown    string // the management URL as errors show it
	base     *url.URL
	password string
}

// newBroker builds the management client and reads the password once (the
// simulator needs it too). Errors never carry the password.
func newBroker(cfg Config) (*broker, error) {
	base, err := url.Parse(strings.TrimRight(cfg.ManagementURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("management URL %q: %w", shownURL(cfg.ManagementURL), err)
	}
	password, err := readPassword(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", base.Host, err)
	}
	api, err := mgmt.New(mgmt.Options{
		Cluster:  base.Host,
		URLs:     []string{base.String()},
		Username: cfg.Username,
		Password: func() (string, error) { return password, nil },
		Timeout:  requestTimeout,
		// /api/nodes and /api/overview are small; a cap keeps a wrong URL
		// from streaming something huge.
		MaxResponseBytes: 4 << 20,
	})
	if err != nil {
		return nil, err
	}
	return &broker{api: api, shown: base.String(), base: base, password: password}, nil
}

// readPassword reads the password from its file or environment variable.
// Errors name neither the file's path (a password may have been typed in
// its place) nor the value.
func readPassword(cfg Config) (string, error) {
	switch {
	case cfg.PasswordFile != "":
		b, err := os.ReadFile(cfg.PasswordFile)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", fmt.Errorf("reading password_file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case cfg.PasswordEnv != "":
		v, ok := os.LookupEnv(cfg.PasswordEnv)
		switch {
		case ok:
			return v, nil
		case cfg.Username == "guest":
			return "guest", nil // RabbitMQ's default user
		}
		return "", fmt.Errorf("environment variable %s (password_env) is not set", cfg.PasswordEnv)
	}
	return "", nil
}

func (b *broker) close() { b.api.Close() }

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
