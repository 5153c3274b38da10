// Package digest sends each subscribed channel its digest: what was
// ingested since the channel's last one, on the channel's schedule, exactly
// once.
//
// It owns the schedule (daily at a local time in an IANA zone, or a
// robfig/cron expression; one slot per local day for daily schedules, so
// daylight-saving changes neither skip nor double one), the window (every
// statement with an ingestion sequence above the channel's watermark,
// whatever its publication date), the content (a bot.Reply of kind
// KindDigest: allegations, indictments and sanctions grouped by accused
// actor, responses under the allegation they answer) and delivery through
// the state ledger: a slot is recorded as pending with the watermark it will
// commit before it is posted, and posted-with-message-id plus the new
// watermark are written in one transaction after. A pending slot found later
// (after a crash or a failed post) is first looked up on the platform
// (Poster.FindSlot: the chat mark on the platform's messages) and only
// posted when it is not there; never blind. A slot the platform cannot be asked
// about (a bot that may post but not read the channel) is given up after
// Config.GiveUp with an error naming the missing permission; its statements
// go into the next digest, whose footer says they may repeat.
//
// It also owns watches: a channel's standing searches, each a one-minute
// subscription with the same ledger, whose new matches are posted within a
// minute. A channel gets at most Config.WatchRate alert items a minute
// across all its watches; the watches that get no share of a minute's
// budget are held back to the next minute (named in the minute's last
// alert, with their searches), and what a watch's share cuts is named in
// its footer only. The ledger records which statements each posted slot
// showed: that is what counts as posted, for the per-minute budget and for
// a digest's "never the same claim twice".
//
// digest declares what it needs (Source, Poster, FilterParser, Clock) and
// is wired to the index, the adapters and bot.ParseFilters in cmd/newsdesk.
// It may import bot, news, state and robfig/cron; it must not import an
// adapter, the index, bleve or any platform SDK.
package digest
