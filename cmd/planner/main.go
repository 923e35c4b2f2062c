// Command planner forecasts demand per gateway, sizes every gateway, places
// new ones and writes the monthly capacity report. Flags and wiring only:
// the work is in ../../planner.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
