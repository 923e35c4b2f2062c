package calibrate

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kingpin/v2"
)

func parseCommand(t *testing.T, args ...string) (*Command, error) {
	t.Helper()
	app := kingpin.New("planner", "")
	cmd := app.Command("calibrate", Help)
	c := AddFlags(cmd)
	_, err := app.Parse(append([]string{"calibrate"}, args...))
	return c, err
}

func TestCommandDefaults(t *testing.T) {
	c, err := parseCommand(t, "--out", "p.json")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		ManagementURL: "http://127.0.0.1:15672", MQTTAddr: "127.0.0.1:1883", Username: "guest",
		Connections: 3000, Steps: 6, ChurnDuration: 20 * time.Second, MessageDuration: 20 * time.Second,
		Settle: 6 * time.Second, IdleWindow: 10 * time.Second, Timeout: time.Minute, DialConcurrency: 100,
	}
	if !configEqual(c.cfg, want) || c.churnRates != "25,50,100" || c.messageRates != "500,1000,2000" || c.out != "p.json" {
		t.Errorf("parsed %+v, rates %q and %q, out %q; want %+v", c.cfg, c.churnRates, c.messageRates, c.out, want)
	}
	rates, err := parseRates("--churn-rates", c.churnRates)
	if err != nil || !slices.Equal(rates, defaultChurnRates) {
		t.Errorf("default churn rates parse to %v, %v", rates, err)
	}
}

func configEqual(a, b Config) bool {
	a.ChurnRates, a.MessageRates, b.ChurnRates, b.MessageRates = nil, nil, nil, nil
	return a.ManagementURL == b.ManagementURL && a.MQTTAddr == b.MQTTAddr && a.Username == b.Username &&
		a.PasswordFile == b.PasswordFile && a.PasswordEnv == b.PasswordEnv && a.Node == b.Node &&
		a.Connections == b.Connections && a.Steps == b.Steps && a.ChurnDuration == b.ChurnDuration &&
		a.MessageDuration == b.MessageDuration && a.Settle == b.Settle && a.IdleWindow == b.IdleWindow &&
		a.Timeout == b.Timeout && a.DialConcurrency == b.DialConcurrency && a.BrokerPID == b.BrokerPID &&
		a.Cores == b.Cores && a.BytesPerMessage == b.BytesPerMessage && a.Host == b.Host && a.Base == nil && b.Base == nil
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "profile.json")
	if _, err := parseCommand(t); err == nil || err.Error() != "required flag(s) '--out' not provided" {
		t.Errorf("without --out: %v", err)
	}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--out", out, "--churn-rates", "10,x,20"}, `--churn-rates "10,x,20": "x" is not a number`},
		{[]string{"--out", out, "--message-rates", ""}, `--message-rates "": "" is not a number`},
		{[]string{"--out", filepath.Join(dir, "missing", "p.json")}, "--out " + filepath.Join(dir, "missing", "p.json") + ": its directory does not exist"},
		{[]string{"--out", out, "--steps", "1"}, "calibrate: steps 1: need at least 2, so that the fits have 3 points and an error estimate"},
		// Port 1 refuses at once: the first request fails and nothing is written.
		{[]string{"--out", out, "--management.url", "http://127.0.0.1:1", "--password-env", "CALIBRATE_TEST_PW"},
			"calibrate http://127.0.0.1:1: cluster 127.0.0.1:1: GET /api/overview on http://127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused (connect)"},
	} {
		t.Setenv("CALIBRATE_TEST_PW", "hunter2")
		c, err := parseCommand(t, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		var stdout bytes.Buffer
		err = c.Run(t.Context(), &stdout, nil)
		if err == nil || err.Error() != tc.err || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: error\n%v\nwant\n%s", tc.args, err, tc.err)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: printed %q", tc.args, stdout.String())
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%q: %s was written", tc.args, out)
		}
	}
}
