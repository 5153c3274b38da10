package discord

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Permissions are exactly the channel permissions newsdesk needs: see the
// channel, answer and post digests, show answers as embeds, and read the
// channel's history to find its own digest after a crash.
const Permissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory

// InviteURL is the OAuth2 URL that adds the application to a server with
// the bot and applications.commands scopes and Permissions. guildID, when
// set, preselects that server.
func InviteURL(clientID, guildID string) (string, error) {
	if !snowflake(clientID) {
		return "", fmt.Errorf("client id %q: give the application id from the developer portal (General Information), e.g. --client-id 80351110224678912", clientID)
	}
	if guildID != "" && !snowflake(guildID) {
		return "", fmt.Errorf("guild id %q is not a Discord id (digits)", guildID)
	}
	v := url.Values{}
	v.Set("client_id", clientID)
	v.Set("permissions", strconv.FormatInt(Permissions, 10))
	v.Set("scope", "bot applications.commands")
	v.Set("integration_type", "0") // a server install
	if guildID != "" {
		v.Set("guild_id", guildID)
		v.Set("disable_guild_select", "true")
	}
	return "https://discord.com/oauth2/authorize?" + v.Encode(), nil
}

// ClientIDFromToken reads the application id a bot token carries (its
// first part is the bot user's id in base64, which for a bot is the
// application's id). The token itself is never returned or logged.
func ClientIDFromToken(token string) (string, bool) {
	first, _, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(token), "Bot "), ".")
	if !ok {
		return "", false
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.StdEncoding, base64.RawURLEncoding, base64.URLEncoding} {
		if b, err := enc.DecodeString(first); err == nil && snowflake(string(b)) {
			return string(b), true
		}
	}
	return "", false
}

func snowflake(s string) bool {
	if len(s) < 15 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
