package slack

import (
	"fmt"

	"github.com/arqir/arqir/notify"
)

// classify turns Slack's {ok:false, error} into a notify error that says
// whether to retry and, when not, what a person should do. target is the
// channel or member the call addressed. Codes are Slack's
// (https://docs.slack.dev/reference/methods/chat.postMessage#errors).
func classify(method, target string, direct bool, r *refusal) error {
	prefix := fmt.Sprintf("slack %s to %s: %s", method, target, r)
	switch r.Code {
	case "ratelimited":
		return &notify.Error{Retryable: true, RetryAfter: r.RetryAfter, Err: fmt.Errorf("%s: Slack rate-limited the app; arqir retries", prefix)}
	case "internal_error", "fatal_error":
		// Slack says part of the operation may have succeeded before it failed.
		return &notify.Error{Retryable: true, Ambiguous: true, RetryAfter: r.RetryAfter, Err: fmt.Errorf("%s: Slack failed mid-call; arqir retries", prefix)}
	case "service_unavailable", "request_timeout", "team_added_to_org":
		return &notify.Error{Retryable: true, RetryAfter: r.RetryAfter, Err: fmt.Errorf("%s: Slack is briefly unavailable; arqir retries", prefix)}
	case "channel_not_found":
		if direct {
			return notify.Permanent("%s: the arqir app cannot message member %s: check the user's slack_user_id (Slack profile → More → Copy member ID)", prefix, target)
		}
		return notify.Permanent("%s: the arqir app sees no channel %s: check the channel name in the policy; a private channel must invite the app first", prefix, target)
	case "not_in_channel":
		return notify.Permanent("%s: invite the arqir app to %s (type /invite @arqir there), then post again", prefix, target)
	case "is_archived":
		return notify.Permanent("%s: %s is archived: unarchive it or name another channel in the policy", prefix, target)
	case "not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "no_permission", "org_login_required", "ekm_access_denied":
		return notify.Permanent("%s: Slack refused the bot token: reinstall the arqir app to the workspace and configure its new bot token (xoxb-…)", prefix)
	case "missing_scope", "not_allowed_token_type":
		return notify.Permanent("%s: the token cannot post: use a bot token (xoxb-…) with the chat:write scope (add it under OAuth & Permissions and reinstall the app)", prefix)
	case "restricted_action", "restricted_action_read_only_channel", "restricted_action_thread_only_channel", "restricted_action_non_threadable_channel", "cannot_reply_to_message":
		return notify.Permanent("%s: the workspace does not let the arqir app post there: ask a Slack admin to allow it, or name another channel in the policy", prefix)
	case "message_not_found", "cant_update_message", "edit_window_closed", "thread_not_found":
		return notify.Permanent("%s: the incident's Slack message is gone or can no longer be edited", prefix)
	case "invalid_blocks", "invalid_blocks_format", "no_text", "msg_too_long", "invalid_arguments", "invalid_json", "json_not_object", "invalid_metadata_format", "invalid_post_type", "missing_post_type", "invalid_form_data", "too_many_attachments", "invalid_attachments":
		return notify.Permanent("%s: Slack refused the message arqir built: this is a bug in arqir, please report it with this error", prefix)
	case "unknown_method":
		return notify.Permanent("%s: the configured Slack base URL does not serve the Web API: leave it empty for %s", prefix, DefaultBaseURL)
	}
	return notify.Permanent("%s: see https://docs.slack.dev/reference/methods/%s#errors", prefix, method)
}
