// Package testbed is what tests need of the RabbitMQ testbed (scripts/testbed,
// docs/testbed.md): the one gate that decides whether they run, its clusters'
// names, ports and credentials, an admin client, and the testbed's commands.
package testbed

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	rabbithole "github.com/michaelklishin/rabbit-hole/v2"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
)

// Env is the gate: testbed tests run when it is "1" and skip otherwise.
const Env = "RABBITFLEET_TESTBED"

// SkipMessage is why a testbed test skips.
const SkipMessage = "needs the testbed: run `scripts/testbed up` and set RABBITFLEET_TESTBED=1 (scripts/test does both)"

// The testbed's management API and client credentials, on every cluster.
const (
	Username = "guest"
	Password = "guest"
	// PasswordEnv is the variable fleet files in tests name for Password.
	PasswordEnv = "RABBITFLEET_TESTBED_PASSWORD"
)

// Cluster is one of the testbed's single-node clusters. Cluster i listens
// on each protocol's base port plus i.
type Cluster struct {
	Name, Role, Region string
	index              int
}

// The testbed's clusters.
var (
	Backend   = Cluster{"backend", "backend", "eu-west-1", 0}
	GatewayEU = Cluster{"gateway-eu", "gateway", "eu-west-1", 1}
	GatewayUS = Cluster{"gateway-us", "gateway", "us-east-1", 2}
	Clusters  = []Cluster{Backend, GatewayEU, GatewayUS}
)

// Upstreams are the clusters c's `devices` exchange is federated from
// (docs/testbed.md, Topology): telemetry flows up, commands flow down.
func (c Cluster) Upstreams() []Cluster {
	if c == Backend {
		return []Cluster{GatewayEU, GatewayUS}
	}
	return []Cluster{Backend}
}

func (c Cluster) addr(base int) string { return "127.0.0.1:" + strconv.Itoa(base+c.index) }

// ManagementPort is the management API's port (15672 + i).
func (c Cluster) ManagementPort() string { return strconv.Itoa(15672 + c.index) }

// ManagementURL is the management API's base URL, http://127.0.0.1:1567x.
func (c Cluster) ManagementURL() string { return "http://" + c.addr(15672) }

// AMQPAddr, MQTTAddr and STOMPAddr are the listeners' host:port.
func (c Cluster) AMQPAddr() string  { return c.addr(5672) }
func (c Cluster) MQTTAddr() string  { return c.addr(1883) }
func (c Cluster) STOMPAddr() string { return c.addr(61613) }

// AMQPURL is amqp://127.0.0.1:567x (no vhost path: the default vhost).
func (c Cluster) AMQPURL() string { return "amqp://" + c.AMQPAddr() }

// Lookup returns the cluster named name, failing the test for any other name.
func Lookup(t testing.TB, name string) Cluster {
	t.Helper()
	for _, c := range Clusters {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no testbed cluster %q", name)
	return Cluster{}
}

// Enabled reports whether the gate is on: RABBITFLEET_TESTBED=1.
func Enabled() bool { return os.Getenv(Env) == "1" }

// Require skips the test unless RABBITFLEET_TESTBED=1, and fails it (never
// skips) when the gate is on but the testbed is not fully up: `scripts/testbed
// status` must find every cluster's management API answering.
func Require(t testing.TB) {
	t.Helper()
	if !Enabled() {
		t.Skip(SkipMessage)
	}
	if out, err := Command(t, "status").CombinedOutput(); err != nil {
		t.Fatalf("RABBITFLEET_TESTBED=1 but the testbed is not fully up:\n%s", out)
	}
}

// Script runs scripts/testbed with args (up, down, status, reset, and
// cluster names) and fails the test if it fails.
func Script(t testing.TB, args ...string) string {
	t.Helper()
	out, err := Command(t, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/testbed %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Command is scripts/testbed with args, to run as the caller wants.
func Command(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	return exec.Command("bash", append([]string{filepath.Join(testsupport.RepoRoot(t), "scripts", "testbed")}, args...)...)
}

// Admin administers (and inspects) one testbed cluster through its
// management API as guest. rabbit-hole does that well; the exporter itself
// scrapes with its own client (columns=, paging, contexts).
func Admin(t testing.TB, cluster string) *rabbithole.Client {
	t.Helper()
	admin, err := rabbithole.NewClient(Lookup(t, cluster).ManagementURL(), Username, Password)
	if err != nil {
		t.Fatal(err)
	}
	admin.SetTimeout(10 * time.Second)
	return admin
}

// Dir is where scripts/testbed keeps the nodes' files: $TESTBED_DIR, by
// default /var/tmp/rabbitfleet-testbed.
func Dir() string {
	if d := os.Getenv("TESTBED_DIR"); d != "" {
		return d
	}
	return "/var/tmp/rabbitfleet-testbed"
}

// Rabbitmqctl runs rabbitmqctl against one cluster's node and returns its
// output, failing the test if it fails. It goes through `scripts/testbed ctl`,
// so the CLI is the node's own release (a 3.10 CLI does not speak to a 4.3
// node) with the node's enabled-plugins file.
func Rabbitmqctl(t testing.TB, cluster string, args ...string) string {
	t.Helper()
	out, _ := rabbitmqctl(t, cluster, args...)
	return out
}

// PluginListing runs a plugin's rabbitmqctl command (list_mqtt_connections,
// ...) like Rabbitmqctl; ok is false when the node's CLI does not find the
// command, as 4.0.5's in the trixie root does not (docs/testbed.md).
func PluginListing(t testing.TB, cluster, command string, args ...string) (out string, ok bool) {
	t.Helper()
	return rabbitmqctl(t, cluster, append([]string{command}, args...)...)
}

// rabbitmqctl is Rabbitmqctl, with ok false instead of a failure when the
// CLI does not know the command.
func rabbitmqctl(t testing.TB, cluster string, args ...string) (string, bool) {
	t.Helper()
	out, err := Command(t, append([]string{"ctl", cluster}, args...)...).CombinedOutput()
	if err != nil && len(args) > 0 && strings.Contains(string(out), "Command '"+args[0]+"' not found") {
		return "", false
	}
	if err != nil {
		t.Fatalf("rabbitmqctl %v on %s: %v\n%s", args, cluster, err, out)
	}
	return string(out), true
}

// Version is the RabbitMQ version a cluster runs, as its management API
// reports it (e.g. "4.3.6").
func Version(t testing.TB, cluster string) string {
	t.Helper()
	ov, err := Admin(t, cluster).Overview()
	if err != nil {
		t.Fatalf("%s: overview: %v", cluster, err)
	}
	return ov.RabbitMQVersion
}

// AtLeast reports whether version (e.g. "3.13.7") is major.minor or newer.
func AtLeast(version string, major, minor int) bool {
	var maj, min int
	if _, err := fmt.Sscanf(version, "%d.%d", &maj, &min); err != nil {
		return false
	}
	return maj > major || (maj == major && min >= minor)
}

// FederationLinks suspends (fn "suspend") or resumes ("resume") every
// federation exchange link process of a cluster. sys:suspend stops a link
// from consuming its upstream queue exactly as a stuck downstream would,
// while the link still reports running; no resource alarm does that (the
// link publishes through a direct connection, which alarms do not block).
func FederationLinks(t testing.TB, cluster, fn string) {
	t.Helper()
	out := Rabbitmqctl(t, cluster, "eval",
		fmt.Sprintf("[sys:%s(P) || P <- processes(), element(1, proc_lib:translate_initial_call(P)) =:= rabbit_federation_exchange_link].", fn))
	if !strings.Contains(out, "ok") {
		t.Fatalf("no federation link process to %s on %s: %s", fn, cluster, out)
	}
}
