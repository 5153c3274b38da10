// Command newsdesk answers a newsroom's questions about state cyber
// operations (who accused whom, of what, on what evidence, and what the
// accused side answered) in Slack, Discord and a local console.
//
// With no arguments it opens the console on the bundled sample corpus. See
// `newsdesk help` for the other commands. main only wires packages together.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // digests need IANA zones even in a scratch container
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
