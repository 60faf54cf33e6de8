// Package cloudwatch receives CloudWatch alarms through an Amazon SNS
// HTTP(S) subscription: it verifies each SNS message's signature, confirms
// subscriptions, checks the topic against the integration's allow-list and
// turns alarm state changes into alerts.
//
// Specs: SNS message formats,
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
// (http-notification-json, http-subscription-confirmation-json); signature
// verification,
// https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html;
// the alarm message, as in aws/aws-lambda-go
// events/testdata/cloudwatch-alarm-sns-payload-single-metric.json.
//
// Subscribe https://arqir.example.com/ingest/cloudwatch/<credential> to the
// topic (SNS cannot send custom headers; it can send basic auth from the
// URL, https://sns:<credential>@arqir.example.com/ingest/cloudwatch, which
// keeps the credential out of access logs) and set the integration's
// "topic_arns" setting to the topic ARN(s), comma-separated. An integration
// without topic_arns refuses every message (403) instead of trusting any
// topic: anyone can create an SNS topic and subscribe arqir's URL to it.
//
// Every message is verified before it is read:
//  1. its signed Timestamp must be at most an hour old (SNS retries an
//     HTTP(S) delivery for an hour at most) and at most 5 minutes ahead,
//     so that a captured message cannot be replayed later (MaxMessageAge,
//     MaxClockSkew);
//  2. SigningCertURL must be https on a host matching
//     ^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$, checked before anything is
//     fetched, so arqir never fetches from a host a forger names;
//  3. the PEM certificate is fetched (no redirects, size-limited) and cached
//     by URL;
//  4. the string to sign is rebuilt, "Key\nValue\n" in this order:
//     Notification: Message, MessageId, Subject (only if present),
//     Timestamp, TopicArn, Type; SubscriptionConfirmation and
//     UnsubscribeConfirmation: Message, MessageId, SubscribeURL, Timestamp,
//     Token, TopicArn, Type;
//  5. Signature is checked with RSA PKCS #1 v1.5 over SHA1
//     (SignatureVersion "1") or SHA256 ("2");
//  6. TopicArn must be in topic_arns.
//
// A SubscriptionConfirmation yields no events but a Control whose Confirm
// GETs the SubscribeURL (after the same host check). Notifications map as
// follows: dedup key AlarmArn; NewStateValue ALARM → firing, OK → resolved,
// INSUFFICIENT_DATA → firing. SNS only sends INSUFFICIENT_DATA when the
// alarm's InsufficientDataActions name the topic, so the user asked to hear
// about it; and "cannot evaluate" must not resolve an alarm that was
// firing. Such an event carries label cloudwatch_state=INSUFFICIENT_DATA
// (every event carries its state), so routing can give it a lower severity.
// Request key: the SNS MessageId, which SNS keeps across its retries.
//
// SNS counts any 2xx–4xx answer as delivered and retries 5xx: refusals are
// final, internal errors (a certificate fetch that failed) are retried.
package cloudwatch
