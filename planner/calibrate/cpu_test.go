package calibrate

import (
	"os"
	"testing"
)

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		line string
		want float64
		err  string
	}{
		// utime 1500 and stime 250 ticks (fields 14 and 15) are 17.5 seconds.
		{line: "4242 (beam.smp) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 30 0 100 1 2 3\n", want: 17.5},
		// A command name may hold spaces and parentheses.
		{line: "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 5", want: 0.07},
		{line: "garbage", err: "no command name in parentheses"},
		{line: "1 (x) S 1 2", err: "3 fields after the command name, want at least 13"},
		{line: "1 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 4 0", err: `utime or stime "abc" is not a count of clock ticks`},
		{line: "1 (x) S 1 1 1 0 -1 0 0 0 0 0 3 -4 0", err: `utime or stime "-4" is not a count of clock ticks`},
	} {
		got, err := parseStat(tc.line)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %s", tc.line, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %v, %v; want %v", tc.line, got, err, tc.want)
		}
	}
}

// The test binary's own /proc entries read like the broker's.
func TestProcSelf(t *testing.T) {
	pid := os.Getpid()
	if _, err := procCPU(pid); err != nil {
		t.Error(err)
	}
	if name, err := procName(pid); err != nil || name != "calibrate.test" {
		t.Errorf("procName = %q, %v; want calibrate.test", name, err)
	}
	const gone = 1 << 30 // above Linux's pid_max
	if _, err := procCPU(gone); err == nil || err.Error() != "broker process 1073741824: open /proc/1073741824/stat: no such file or directory" {
		t.Errorf("procCPU(%d): %v", gone, err)
	}
	for name, want := range map[string]bool{"beam.smp": true, "beam": true, "bash": false, "": false} {
		if isErlangVM(name) != want {
			t.Errorf("isErlangVM(%q) = %v", name, !want)
		}
	}
}
