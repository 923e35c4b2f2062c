package devicesim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	amqp "github.com/rabbitmq/amqp091-go"
)

func TestIntegrationExactConnectionCounts(t *testing.T) {
	cfg := testbedConfig(t)
	cfg.Subscribe = true
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cleanUp(t, sim)

	openAll(t, sim, map[Protocol]int{MQTT: 20, STOMP: 10, AMQP: 5})
	waitForBrokerCounts(t, sim, map[Protocol]int{MQTT: 20, STOMP: 10, AMQP: 5})

	if err := sim.Close(MQTT, 7); err != nil {
		t.Fatalf("Close(MQTT, 7): %v", err)
	}
	if got := sim.Count(MQTT); got != 13 {
		t.Fatalf("Count(MQTT) = %d after closing 7 of 20", got)
	}
	waitForBrokerCounts(t, sim, map[Protocol]int{MQTT: 13, STOMP: 10, AMQP: 5})

	if err := sim.CloseAll(); err != nil {
		t.Fatalf("CloseAll: %v", err)
	}
	waitForBrokerCounts(t, sim, map[Protocol]int{})
	st := sim.Stats()
	if st[MQTT].Opened != 20 || st[MQTT].Closed != 20 || st[STOMP].Closed != 10 || st[AMQP].Closed != 5 {
		t.Fatalf("stats %+v", st)
	}
	for p, s := range st {
		if s.Errors() != 0 || s.Lost != 0 {
			t.Errorf("%s: %d errors, %d lost: %+v", p, s.Errors(), s.Lost, s)
		}
	}
}

// TestIntegrationTelemetryAndCommands checks the routing the exporter relies on: telemetry from
// every protocol lands on the devices exchange under telemetry.<id>, and commands.<id> reaches
// the subscribed device.
func TestIntegrationTelemetryAndCommands(t *testing.T) {
	cfg := testbedConfig(t)
	cfg.Subscribe = true
	cfg.QoS = 1
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cleanUp(t, sim)

	observer, err := amqp.Dial("amqp://guest:guest@127.0.0.1:5673/")
	if err != nil {
		t.Fatalf("observer connection: %v", err)
	}
	defer observer.Close()
	ch, err := observer.Channel()
	if err != nil {
		t.Fatal(err)
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(q.Name, "telemetry.*", "devices", false, nil); err != nil {
		t.Fatal(err)
	}
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}

	openAll(t, sim, map[Protocol]int{MQTT: 2, STOMP: 2, AMQP: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if n, err := sim.Publish(ctx); err != nil || n != 6 {
		t.Fatalf("Publish = %d, %v; want 6", n, err)
	}

	seen := map[string]bool{}
	for len(seen) < 6 {
		select {
		case d := <-deliveries:
			var msg Telemetry
			if err := json.Unmarshal(d.Body, &msg); err != nil || !strings.HasPrefix(msg.DeviceID, sim.ClientPrefix()) {
				continue // another test's device
			}
			if d.RoutingKey != "telemetry."+msg.DeviceID || msg.Seq != 1 {
				t.Errorf("message %+v arrived with routing key %q", msg, d.RoutingKey)
			}
			seen[msg.DeviceID] = true
		case <-ctx.Done():
			t.Fatalf("saw telemetry from %d of 6 devices: %v", len(seen), seen)
		}
	}

	for _, p := range classicProtocols {
		id := sim.Connections(p)[0].ClientID
		err := ch.PublishWithContext(ctx, "devices", "commands."+id, false, false, amqp.Publishing{Body: []byte(`{"cmd":"reboot"}`)})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range classicProtocols {
		for sim.Stats()[p].Received != 1 {
			if ctx.Err() != nil {
				t.Fatalf("%s device did not receive its command: stats %+v", p, sim.Stats()[p])
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// classicProtocols are those every testbed release speaks (MQTT 5 needs 3.13)
// and whose devices subscribe to commands (AMQP 1.0 devices only publish).
var classicProtocols = []Protocol{MQTT, STOMP, AMQP}

func TestIntegrationChurnKeepsBrokerCount(t *testing.T) {
	cfg := testbedConfig(t)
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cleanUp(t, sim)
	openAll(t, sim, map[Protocol]int{MQTT: 10, STOMP: 5, AMQP: 5})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	results := make(chan ChurnResult, 3)
	for _, p := range classicProtocols {
		go func() {
			res, err := sim.Churn(ctx, p, 5)
			if err != nil {
				t.Errorf("Churn(%s): %v", p, err)
			}
			results <- res
		}()
	}
	for range classicProtocols {
		res := <-results
		if res.Closed < 5 || res.Opened != res.Closed || res.Failed != 0 {
			t.Errorf("churn result %+v, want about 10 closed and as many opened", res)
		}
	}
	waitForBrokerCounts(t, sim, map[Protocol]int{MQTT: 10, STOMP: 5, AMQP: 5})
}

func TestIntegrationBadPasswordIsAClearError(t *testing.T) {
	cfg := testbedConfig(t)
	cfg.Password = "wrong"
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cleanUp(t, sim)
	for _, p := range classicProtocols {
		err := sim.Open(context.Background(), p, 2)
		if err == nil {
			t.Fatalf("%s with a wrong password: want error", p)
		}
		if msg := err.Error(); !strings.Contains(msg, string(p)) || !strings.Contains(msg, "0 succeeded") || strings.Contains(msg, "wrong") {
			t.Errorf("%s error %q should name the protocol and count, and never the password", p, msg)
		}
		t.Logf("%s: %v", p, err)
	}
}

// TestIntegrationBrokerClosedConnectionsAreCountedAsLost closes our connections from the
// broker side (management API) and expects Count to follow.
func TestIntegrationBrokerClosedConnectionsAreCountedAsLost(t *testing.T) {
	cfg := testbedConfig(t)
	cfg.KeepAlive = 5 * time.Second
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cleanUp(t, sim)
	openAll(t, sim, map[Protocol]int{MQTT: 1, STOMP: 1, AMQP: 1})
	waitForBrokerCounts(t, sim, map[Protocol]int{MQTT: 1, STOMP: 1, AMQP: 1})

	conns, err := testbedAdmin(t).ListConnections()
	if err != nil {
		t.Fatal(err)
	}
	ports := localPorts(sim)
	for _, c := range conns {
		if c.PeerHost == "127.0.0.1" && ports[int(c.PeerPort)] {
			res, err := testbedAdmin(t).CloseConnection(c.Name)
			if err != nil {
				t.Fatalf("closing connection %q: %v", c.Name, err)
			}
			res.Body.Close()
		}
	}
	for _, p := range classicProtocols {
		testsupport.Eventually(t, 20*time.Second, fmt.Sprintf("%s: Count 0 and one lost after the broker closed it", p), func() (bool, string) {
			return sim.Count(p) == 0 && sim.Stats()[p].Lost == 1, fmt.Sprintf("Count %d, stats %+v", sim.Count(p), sim.Stats()[p])
		})
	}
}
