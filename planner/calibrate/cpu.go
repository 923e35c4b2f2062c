package calibrate

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// userHZ is the unit of utime and stime in /proc/PID/stat: Linux fixes it
// at 100 in its user ABI whatever the kernel's HZ, and Go cannot ask
// sysconf(_SC_CLK_TCK) without cgo.
const userHZ = 100

// procCPU returns the CPU time (user plus system) process pid has used.
func procCPU(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("broker process %d: %w", pid, err)
	}
	s, err := parseStat(string(data))
	if err != nil {
		return 0, fmt.Errorf("broker process %d: /proc/%d/stat: %w", pid, pid, err)
	}
	return s, nil
}

// parseStat reads utime and stime, fields 14 and 15 of a stat line. Field
// 2, the command name, is in parentheses and may hold spaces and
// parentheses itself, so fields are counted after the last ')'.
func parseStat(line string) (float64, error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, errors.New("no command name in parentheses")
	}
	f := strings.Fields(line[i+1:]) // f[0] is field 3
	if len(f) < 13 {
		return 0, fmt.Errorf("%d fields after the command name, want at least 13", len(f))
	}
	var ticks uint64
	for _, s := range f[11:13] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("utime or stime %q is not a count of clock ticks", s)
		}
		ticks += v
	}
	return float64(ticks) / userHZ, nil
}

// procName returns the command name of process pid ("beam.smp" for the
// Erlang VM).
func procName(pid int) (string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return "", fmt.Errorf("broker process %d: %w", pid, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// isErlangVM says whether a command name is the VM RabbitMQ runs in.
func isErlangVM(name string) bool { return strings.HasPrefix(name, "beam") }
