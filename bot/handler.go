package bot

import "context"

// Handler answers one command from any front. *Bot satisfies it; a front
// takes a Handler, never a *Bot, so that a test or a wrapper can stand in.
type Handler interface {
	Handle(ctx context.Context, req Request) Reply
}

// HandlerFunc lets an ordinary function be a Handler.
type HandlerFunc func(ctx context.Context, req Request) Reply

// Handle calls f(ctx, req).
func (f HandlerFunc) Handle(ctx context.Context, req Request) Reply { return f(ctx, req) }

var (
	_ Handler = (*Bot)(nil)
	_ Handler = HandlerFunc(nil)
)
