// Package discord is newsdesk's Discord adapter, on discordgo: it answers
// messages that mention the bot (<@id> or <@!id>) and direct messages in the
// one command language, serves the /newsdesk application command (deferred
// at once, then the original response edited; errors ephemeral) with
// autocomplete of actor names, renders bot.Reply values as embeds within
// Discord's limits, and is Discord's side of chat delivery (a
// chat.Transport: messages within 10 embeds and 6,000 characters, the
// chat.Mark as nonce with enforce_nonce and in the last embed's footer,
// the bot's own messages listed, discordgo's errors classified by type or
// by the status its transport saw). Post and FindSlot deliver digests
// through chat.Deliver and chat.Find. The adapter is a chat.Front.
//
// Interactions arrive over the gateway (INTERACTION_CREATE), or, when the
// application's Interactions Endpoint URL is set, over HTTP: Routes serves
// POST /discord/interactions when Config.PublicKey is set. Every request
// there is verified before it is parsed (body capped at 64 KiB, signature
// timestamp within 5 minutes, Ed25519 signature of timestamp+body, each
// interaction id accepted once; otherwise 401, body never logged). The
// HTTP answer is the callback: PING → {"type":1}, the command deferred
// (type 5) and then answered by the same code as gateway interactions
// (answerDeferred), autocomplete answered with its choices (type 8).
//
// The gateway uses the GUILD_MESSAGES and DIRECT_MESSAGES intents only:
// Discord sends the content of messages that mention the bot without the
// privileged MESSAGE_CONTENT intent. Every message the adapter sends has
// an empty allowed_mentions ("parse": []), and all outside text is escaped
// (Escape), so nothing an article says can ping anyone or break formatting.
//
// Interaction ids (HTTP and gateway alike) go to Config.Deliveries (the
// state store in serve), so a replay is executed once even after a
// restart; an interaction without an id is refused.
//
// It imports bot (Request, Reply, Item), chat, news (statement kinds),
// internal/seen (the in-memory Deliveries default), internal/admit (the
// request's arrival time) and discordgo; it must not import index, state,
// another adapter, or the digest package (which declares its own interface
// with Post and FindSlot). discordfake, its subpackage, is a fake Discord
// for tests, which also drives the chat conformance suite.
package discord
