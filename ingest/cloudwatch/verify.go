package cloudwatch

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"slices"

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
