package devicesim

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	rabbithole "github.com/michaelklishin/rabbit-hole/v2"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

// gateway-eu of the testbed (docs/testbed.md).
var gateway = testbed.GatewayEU

// testbedConfig skips unless RABBITFLEET_TESTBED=1, and fails (never skips) when it is
// set but the testbed is not fully up or gateway-eu's management API does not answer.
func testbedConfig(t *testing.T) Config {
	t.Helper()
	testbed.Require(t)
	if _, err := testbedAdmin(t).Overview(); err != nil {
		t.Fatalf("RABBITFLEET_TESTBED=1 but gateway-eu is unreachable: %v", err)
	}
	return Config{
		MQTTAddr:     gateway.MQTTAddr(),
		STOMPAddr:    gateway.STOMPAddr(),
		AMQPURL:      gateway.AMQPURL() + "/",
		ClientPrefix: RandomPrefix("it"),
		DialTimeout:  10 * time.Second,
	}
}

// testbedAdmin administers gateway-eu through its management API as guest.
func testbedAdmin(t *testing.T) *rabbithole.Client {
	t.Helper()
	return testbed.Admin(t, gateway.Name)
}

// family is the protocol family of a connection the management API lists.
func family(c rabbithole.ConnectionInfo) Protocol {
	p := strings.ToUpper(c.Protocol)
	switch {
	case strings.HasPrefix(p, "MQTT"):
		return MQTT
	case strings.HasPrefix(p, "STOMP"):
		return STOMP
	case strings.HasPrefix(p, "AMQP 0"):
		return AMQP
	}
	return ""
}

// attributed counts the broker's connections that belong to sim, per protocol family. The
// management API has no common client-id field (see identityOf), so connections are matched
// by our local port, which the API reports as peer_port; the identity, where the API shows
// one, must then agree.
func attributed(sim *Simulator, conns []rabbithole.ConnectionInfo) (map[Protocol]int, error) {
	ours := map[string]Connection{}
	for _, p := range Protocols() {
		for _, c := range sim.Connections(p) {
			_, port, _ := net.SplitHostPort(c.LocalAddr)
			ours[port] = c
		}
	}
	counts := map[Protocol]int{}
	for _, c := range conns {
		if c.PeerHost != "127.0.0.1" {
			continue
		}
		mine, byPort := ours[strconv.Itoa(int(c.PeerPort))]
		id := identityOf(c)
		byID := strings.HasPrefix(id, sim.ClientPrefix()+"-")
		switch {
		case byPort && id != "" && id != mine.ClientID:
			return nil, fmt.Errorf("connection %q from our port %d identifies as %q, want %q", c.Name, c.PeerPort, id, mine.ClientID)
		case byPort || byID:
			// byID without byPort: a connection we closed that the API still lists.
			counts[family(c)]++
		}
	}
	return counts, nil
}

// identityOf returns the client id the API shows: MQTT in client_properties.client_id, AMQP in
// client_properties.connection_name (our connection_name, which the API also shows as
// user_provided_name). STOMP connections show none.
func identityOf(c rabbithole.ConnectionInfo) string {
	if name, ok := c.ClientProperties["connection_name"].(string); ok && name != "" {
		return name
	}
	if id, ok := c.ClientProperties["client_id"].(string); ok {
		return id
	}
	return ""
}

// waitForBrokerCounts polls the management API (its statistics lag about a second) until
// the broker shows exactly want for sim's connections.
func waitForBrokerCounts(t *testing.T, sim *Simulator, want map[Protocol]int) {
	t.Helper()
	start := time.Now()
	testsupport.Eventually(t, 20*time.Second, fmt.Sprintf("broker shows %v for prefix %s", want, sim.ClientPrefix()), func() (bool, string) {
		var got map[Protocol]int
		conns, err := testbedAdmin(t).ListConnections()
		if err == nil {
			got, err = attributed(sim, conns)
		}
		return err == nil && sameCounts(got, want), fmt.Sprintf("broker shows %v (error: %v)", got, err)
	})
	t.Logf("broker shows %v after %s", want, time.Since(start).Round(time.Millisecond))
}

func sameCounts(got, want map[Protocol]int) bool {
	for _, p := range Protocols() {
		if got[p] != want[p] {
			return false
		}
	}
	return true
}

// cleanUp closes everything at the end of a test and checks the broker let go of it.
func cleanUp(t *testing.T, sim *Simulator) {
	t.Cleanup(func() {
		ports := localPorts(sim)
		if err := sim.CloseAll(); err != nil {
			t.Errorf("CloseAll: %v", err)
		}
		waitForBrokerGone(t, sim.ClientPrefix(), ports)
	})
}

func localPorts(sim *Simulator) map[int]bool {
	ports := map[int]bool{}
	for _, p := range Protocols() {
		for _, c := range sim.Connections(p) {
			_, port, _ := net.SplitHostPort(c.LocalAddr)
			n, _ := strconv.Atoi(port)
			ports[n] = true
		}
	}
	return ports
}

// waitForBrokerGone waits until the broker lists no connection identified with prefix or
// coming from one of ports (STOMP connections carry no identity).
func waitForBrokerGone(t *testing.T, prefix string, ports map[int]bool) {
	t.Helper()
	testsupport.Eventually(t, 20*time.Second, "after CloseAll the broker lets go of our connections", func() (bool, string) {
		conns, err := testbedAdmin(t).ListConnections()
		left := 0
		for _, c := range conns {
			if strings.HasPrefix(identityOf(c), prefix+"-") || (c.PeerHost == "127.0.0.1" && ports[int(c.PeerPort)]) {
				left++
			}
		}
		return err == nil && left == 0, fmt.Sprintf("the broker still lists %d of our connections (prefix %s, err %v)", left, prefix, err)
	})
}

func openAll(t *testing.T, sim *Simulator, counts map[Protocol]int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, p := range Protocols() {
		if err := sim.Open(ctx, p, counts[p]); err != nil {
			t.Fatalf("Open: %v", err)
		}
		if got := sim.Count(p); got != counts[p] {
			t.Fatalf("Count(%s) = %d after opening %d", p, got, counts[p])
		}
	}
}
