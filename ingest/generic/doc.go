// Package generic reads arqir's own alert JSON, for senders without a
// vendor format: scripts, CI jobs, in-house monitors.
//
//	POST /ingest/generic
//	Authorization: Bearer <credential>
//	Content-Type: application/json
//	Idempotency-Key: <optional; a retry with the same key within 24 h is not applied twice>
//	X-Signature-256: t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, t + "." + body)>
//	                 (with Idempotency-Key: of t + "." + key + "." + body)
//
// The body is one alert object or an array of up to 1000 of them (a batch,
// for high-volume senders):
//
//	{
//	  "dedup_key":   "checkout-5xx",            required; ≤ 255 bytes; repeats and resolves use the same key
//	  "status":      "firing",                  required: firing | resolved
//	  "summary":     "Checkout 5xx above 5%",   required when firing; cut to 1024 bytes
//	  "severity":    "critical",                your severity word; routing maps it to a policy severity
//	  "service":     "checkout",                becomes label "service"
//	  "group_key":   "checkout",                grouping hint
//	  "labels":      {"env": "prod"},           ≤ 100; names ≤ 128 bytes, values ≤ 2048 bytes
//	  "annotations": {"runbook": "https://…"},  ≤ 100; values cut to 10 000 bytes
//	  "links":       ["https://grafana/…"],     absolute http(s) URLs, ≤ 20
//	  "starts_at":   "2026-03-02T09:20:00Z",    RFC 3339; when the condition began
//	  "ends_at":     "2026-03-02T09:40:00Z"     RFC 3339; when a resolved alert ended
//	}
//
// Unlike vendor payloads, unknown fields are refused: this format is
// arqir's, so a typo ("sumary") is an error the sender sees at once instead
// of a field silently ignored.
//
// A batch is all or nothing: if any item is invalid, none is accepted, and
// the 422 answer lists every bad item with its index, field and reason
// ({"error":{…},"items":[{"index":3,"field":"status","message":"…"}]}), so
// the sender fixes them and resends the whole batch. A partial accept would
// make the sender's retry logic decide which alerts were lost.
//
// Without Idempotency-Key the request is keyed by a hash of its body, which
// is remembered only 10 minutes (arqir.RetryKeyRetention): long enough for
// the sender's retries, short enough that the same body sent again later
// (a firing alert after its resolve) is applied. A sender that repeats an
// identical body sooner on purpose names each request with the header.
//
// Signing is required by default: the key is the integration's signing
// secret (shown once, with the credential), and a request without the
// signature header (X-Signature-256, or the signature_header setting) is
// refused, 401, unless the integration was created with
// require_signature=false. A signature that is present is always checked.
// The value is Stripe-style, not GitHub's "sha256=<hex>", because it signs
// a timestamp with the body: t must be within 5 minutes of arqir's clock,
// so a captured request cannot be replayed later. With an Idempotency-Key
// header the key is signed too (t + "." + key + "." + body): otherwise a
// captured request could be sent again within those 5 minutes under a new
// key and be applied twice. Several v1 values may be sent (during a secret
// rotation); one must match. Sign computes the header; in a shell:
//
//	t=$(date +%s); sig=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
//	curl … -H "X-Signature-256: t=$t,v1=$sig" -d "$body"
package generic
