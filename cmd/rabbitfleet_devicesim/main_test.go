package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/internal/devicesim"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

func noEnv(string) string { return "" }

func TestResolvePassword(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("s3cret\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == passwordEnv {
			return "from-env"
		}
		return ""
	}
	cases := []struct {
		file   string
		getenv func(string) string
		want   string
	}{
		{file, env, "s3cret"}, // the file wins over the environment
		{"", env, "from-env"},
		{"", noEnv, "guest"},
	}
	for _, tc := range cases {
		got, err := resolvePassword(tc.file, tc.getenv)
		if err != nil || got != tc.want {
			t.Errorf("resolvePassword(%q) = %q, %v; want %q", tc.file, got, err, tc.want)
		}
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for _, bad := range []string{empty, filepath.Join(dir, "missing")} {
		if _, err := resolvePassword(bad, noEnv); err == nil {
			t.Errorf("resolvePassword(%q): want error", bad)
		}
	}
}

func TestChurnRatesAreProportional(t *testing.T) {
	n := func(v int) *int { return &v }
	rates := churnRates(10, map[devicesim.Protocol]*int{devicesim.MQTT: n(60), devicesim.STOMP: n(40), devicesim.AMQP: n(0)})
	if math.Abs(rates[devicesim.MQTT]-6) > 1e-9 || math.Abs(rates[devicesim.STOMP]-4) > 1e-9 {
		t.Fatalf("rates %v, want mqtt 6 stomp 4", rates)
	}
	if _, ok := rates[devicesim.AMQP]; ok {
		t.Fatalf("a protocol with no connections must not churn: %v", rates)
	}
	if len(churnRates(0, map[devicesim.Protocol]*int{devicesim.MQTT: n(5)})) != 0 {
		t.Fatal("churn 0 must produce no rates")
	}
}

func TestFlagErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{},                         // nothing to simulate
		{"--mqtt", "-1"},           // negative count
		{"--mqtt", "1", "--qos=2"}, // invalid QoS
		{"--mqtt", "1", "--bogus"}, // unknown flag
		{"--stomp", "1", "--churn=-3"},
	} {
		var stderr bytes.Buffer
		if code := run(args, &stderr, noEnv); code != 2 {
			t.Errorf("run(%q) = %d, want 2; stderr: %s", args, code, stderr.String())
		}
	}
}

func TestRunFailsClearlyWhenItCannotConnect(t *testing.T) {
	var stderr bytes.Buffer
	code := run([]string{"--mqtt=3", "--mqtt.address=127.0.0.1:1", "--log.level=error"}, &stderr, noEnv)
	if code != 1 {
		t.Fatalf("exit code %d, want 1; stderr: %s", code, stderr.String())
	}
	for _, want := range []string{"cannot connect", "mqtt", "127.0.0.1:1", "0 succeeded"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not mention %q: %s", want, stderr.String())
		}
	}
}

func TestIntegrationRunAgainstGateway(t *testing.T) {
	testbed.Require(t)
	gw := testbed.GatewayEU
	if _, err := testbed.Admin(t, gw.Name).Overview(); err != nil {
		t.Fatalf("RABBITFLEET_TESTBED=1 but gateway-eu is unreachable: %v", err)
	}

	var stderr bytes.Buffer
	code := run([]string{
		"--mqtt.address=" + gw.MQTTAddr(), "--stomp.address=" + gw.STOMPAddr(), "--amqp.url=" + gw.AMQPURL() + "/",
		"--mqtt=3", "--stomp=2", "--amqp=1", "--subscribe", "--churn=3",
		"--publish-interval=200ms", "--duration=2s", "--progress-interval=500ms", "--log.level=warn",
	}, &stderr, noEnv)
	out := stderr.String()
	if code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, out)
	}
	for _, want := range []string{"opened mqtt=3 mqtt5=0 stomp=2 amqp=1 amqp10=0", "open mqtt=", "finished after", "mqtt opened="} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "errors=") && !strings.Contains(out, "errors=0") {
		t.Errorf("progress reports errors:\n%s", out)
	}
	t.Log(out)
}
