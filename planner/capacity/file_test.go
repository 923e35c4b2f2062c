package capacity

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The embedded profile parses, names its version and machine, and agrees
// with the measurements in the shared RabbitMQ facts: 3,000 MQTT clients
// took a node from 0.14 GB to 1.41 GB, burned 0.11 CPU-s/s idle, used
// ~3,040 fds and were accepted at ~330/s on 2 cores.
func TestDefaultMatchesMeasurements(t *testing.T) {
	p := Default()
	if p.RabbitMQVersion != "3.10.8" {
		t.Errorf("version %q", p.RabbitMQVersion)
	}
	if !strings.Contains(p.MeasuredOn, "2-core") || !strings.Contains(p.MeasuredOn, "planner calibrate") {
		t.Errorf("measured_on %q should name the machine and say calibrate replaces it", p.MeasuredOn)
	}
	within := func(what string, got, want, rel float64) {
		t.Helper()
		if math.Abs(got-want) > rel*want {
			t.Errorf("%s: %v, want %v within %v%%", what, got, want, rel*100)
		}
	}
	within("memory with 3,000 clients", p.MemoryBaseBytes+3000*p.MemoryPerConnectionBytes, 1.41e9, 0.005)
	within("idle CPU of 3,000 clients", 3000*p.CPUSecondsPerConnectionIdle, 0.11, 0.01)
	within("fds of 3,000 clients", 3000*p.FDsPerConnection, 3040, 0.01)
	within("accepts per second on 2 cores", 2*p.AcceptsPerSecondPerCore, 330, 0.001)
	if len(p.Notes) == 0 {
		t.Error("no notes on how the figures were obtained")
	}
}

func TestWriteLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profile.json")
	want := Default()
	if err := want.Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the profile", len(entries))
	}
}

// An invalid profile is not written, and an existing file is left alone.
func TestWriteRefusesInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profile.json")
	p := Default()
	p.AcceptsPerSecondPerCore = 0
	err := p.Write(path)
	if err == nil || err.Error() != path+`: not written: field "accepts_per_second_per_core": 0 must be positive and finite` {
		t.Errorf("got %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("file written: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	valid := `{"rabbitmq_version":"3.10.8","measured_on":"x","memory_base_bytes":1,` +
		`"memory_per_connection_bytes":1,"fds_per_connection":1,"cpu_seconds_per_open":1,` +
		`"cpu_seconds_per_message":1,"cpu_seconds_per_connection_idle":1,` +
		`"accepts_per_second_per_core":1,"bytes_per_message":1}`
	if _, err := Parse([]byte(valid), "p.json"); err != nil {
		t.Fatalf("valid profile: %v", err)
	}
	for _, tc := range []struct {
		name, data, want string
	}{
		{"negative", strings.Replace(valid, `"fds_per_connection":1`, `"fds_per_connection":-3`, 1),
			`p.json: field "fds_per_connection": -3 must be positive and finite`},
		{"missing", strings.Replace(valid, `"bytes_per_message":1`, `"notes":[]`, 1),
			`p.json: field "bytes_per_message": 0 must be positive and finite`},
		{"no version", strings.Replace(valid, `"3.10.8"`, `""`, 1),
			`p.json: field "rabbitmq_version" is empty`},
		{"unknown field", strings.Replace(valid, `"measured_on"`, `"measured_at"`, 1),
			`p.json: json: unknown field "measured_at"`},
		{"wrong type", "{\n  \"memory_base_bytes\": \"lots\"}",
			`p.json:2:24: field "memory_base_bytes": string is not a float64`},
		{"wrong type number", "{\"rabbitmq_version\": 3.10}", `p.json:1:22: field "rabbitmq_version": number is not a string`},
		{"escaped quote", `{"fds_per_connection": "a\"b"}`,
			`p.json:1:24: field "fds_per_connection": string is not a float64`},
		{"syntax", "{\n\"memory_base_bytes\": 1,,}", `p.json:2:24: invalid character ',' looking for beginning of object key string`},
		{"trailing", valid + "\n{}", `p.json:2:2: unexpected data after the profile object`},
		{"empty", "", `p.json: empty file, want a JSON profile object`},
		{"truncated", `{"memory_base_bytes": 1`, `p.json: truncated JSON`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.data), "p.json")
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "absent.json")); err == nil {
		t.Error("missing file: no error")
	}
}
