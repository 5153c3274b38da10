// Package admit is admission control for serve: a bounded pool of slots for
// search and command work (sized to the machine by default), a short
// bounded queue in front of it, and the arrival time of each HTTP request,
// recorded by middleware at the top of the handler chain so that an
// acknowledgement budget counts from when the request arrived rather than
// from when its handler got the CPU. The clock is injected.
//
// It imports only the standard library; adapters and the ingestion API
// declare the small interfaces they need and serve passes a *Pool.
package admit
