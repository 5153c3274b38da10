package chat

import (
	"fmt"
	"log/slog"

	"github.com/newsdesk/newsdesk/bot"
)

// Deps is what serve gives every front it starts.
type Deps struct {
	Handler    bot.Handler
	Deliveries Deliveries
	Metrics    Metrics
	Admit      Admitter
	Log        *slog.Logger
}

// Platform is one entry of a Registry: a front serve may start, when its
// configuration enables it.
type Platform struct {
	Name    string
	Enabled bool
	New     func(d Deps) (Front, error)
}

// Registry lists the platforms serve knows, in the order it starts them.
// Adding a platform is a transport, a front, a fake that passes chattest,
// and an entry here.
type Registry []Platform

// Enabled lists the names of the enabled platforms.
func (r Registry) Enabled() []string {
	var out []string
	for _, p := range r {
		if p.Enabled {
			out = append(out, p.Name)
		}
	}
	return out
}

// Start builds every enabled platform's front. A front whose Name is not
// its entry's, or a name registered twice, is an error.
func (r Registry) Start(d Deps) ([]Front, error) {
	seen := map[string]bool{}
	var out []Front
	for _, p := range r {
		if seen[p.Name] {
			return nil, fmt.Errorf("chat: platform %q registered twice", p.Name)
		}
		seen[p.Name] = true
		if !p.Enabled {
			continue
		}
		f, err := p.New(d)
		if err != nil {
			return nil, err
		}
		if f.Name() != p.Name {
			return nil, fmt.Errorf("chat: platform %q built a front named %q", p.Name, f.Name())
		}
		out = append(out, f)
	}
	return out, nil
}
