package cloudwatch

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Keyless implements ingest.KeylessVerifier: SNS signs with AWS's key, found
// through SigningCertURL.
func (*Source) Keyless() {}

// Verify implements ingest.Verifier with SNS's signature scheme (see the
// package doc). signingSecret is unused: SNS signs with AWS's key.
func (s *Source) Verify(ctx context.Context, r *ingest.Request, in *arqir.Integration, _ []byte) error {
	env, err := decodeEnvelope(r)
	if err != nil {
		return err
	}
	var hash crypto.Hash
	switch env.SignatureVersion {
	case "1":
		hash = crypto.SHA1
	case "2":
		hash = crypto.SHA256
	default:
		return arqir.FieldErrorf(arqir.EUNAUTHORIZED, "SignatureVersion", "SignatureVersion %q is not 1 or 2: the message cannot be verified", ingest.Truncate(env.SignatureVersion, 8))
	}
	if err := checkTimestamp(env.Timestamp, r.Now); err != nil {
		return err
	}
	if _, err := s.checkAWSURL("SigningCertURL", env.SigningCertURL); err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signature)
	if err != nil || len(sig) == 0 {
		return arqir.FieldErrorf(arqir.EUNAUTHORIZED, "Signature", "the SNS Signature is missing or not base64")
	}
	cert, err := s.certificate(ctx, env.SigningCertURL)
	if err != nil {
		return err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return arqir.FieldErrorf(arqir.EUNAUTHORIZED, "SigningCertURL", "the SNS signing certificate has no RSA key")
	}
	if err := rsa.VerifyPKCS1v15(pub, hash, digest(hash, env.StringToSign()), sig); err != nil {
		return arqir.FieldErrorf(arqir.EUNAUTHORIZED, "Signature", "the SNS signature does not match the message: it was altered or not sent by SNS")
	}
	return checkTopic(in, env.TopicArn)
}

// The replay window of SNS messages. Timestamp is signed and is when SNS
// published the message; its retries keep it. SNS retries an HTTP(S)
// delivery for a minute by default and, by a hard limit of any custom
// delivery policy, for at most 3 600 s
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html),
// so no genuine delivery is older than MaxMessageAge. An older message, or
// one dated more than MaxClockSkew ahead, is refused: without the check a
// captured notification, say an alarm's OK, could be replayed at any later
// time, once its MessageId is forgotten, to resolve a firing alarm.
const (
	MaxMessageAge = time.Hour
	MaxClockSkew  = 5 * time.Minute
)

// checkTimestamp refuses a message outside the replay window of now.
// Returns EUNAUTHORIZED.
func checkTimestamp(ts string, now time.Time) error {
	t, err := time.Parse(time.RFC3339Nano, ts)
	switch {
	case err != nil:
		return arqir.FieldErrorf(arqir.EUNAUTHORIZED, "Timestamp", "the SNS Timestamp %q is not an RFC 3339 time: the message cannot be checked for replay", ingest.Truncate(ts, 40))
	case now.Sub(t) > MaxMessageAge:
		return arqir.FieldErrorf(arqir.EUNAUTHORIZED, "Timestamp", "the SNS message was published at %s, %s before arqir received it, over the %s replay window: it is refused as a replay (a message SNS is still retrying is younger; check arqir's clock)", t.UTC().Format(time.RFC3339), now.Sub(t).Round(time.Second), MaxMessageAge)
	case t.Sub(now) > MaxClockSkew:
		return arqir.FieldErrorf(arqir.EUNAUTHORIZED, "Timestamp", "the SNS message is dated %s, %s ahead of arqir's clock (at most %s is allowed): check arqir's clock", t.UTC().Format(time.RFC3339), t.Sub(now).Round(time.Second), MaxClockSkew)
	}
	return nil
}

func digest(h crypto.Hash, s string) []byte {
	if h == crypto.SHA1 {
		sum := sha1.Sum([]byte(s))
		return sum[:]
	}
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// checkTopic enforces the topic allow-list. Returns EFORBIDDEN.
func checkTopic(in *arqir.Integration, topic string) error {
	allowed := ingest.SplitList(in.Setting(arqir.SettingTopicARNs))
	switch {
	case len(allowed) == 0:
		return arqir.FieldErrorf(arqir.EFORBIDDEN, "TopicArn", "this integration accepts no SNS topic yet: set its %s setting to %s (comma-separate several), then request the subscription confirmation again", arqir.SettingTopicARNs, ingest.Truncate(topic, 256))
	case !slices.Contains(allowed, topic):
		return arqir.FieldErrorf(arqir.EFORBIDDEN, "TopicArn", "SNS topic %s is not in this integration's %s: add it if the topic is yours", ingest.Truncate(topic, 256), arqir.SettingTopicARNs)
	}
	return nil
}
